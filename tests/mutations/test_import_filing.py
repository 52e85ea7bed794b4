"""importFiling (Art. 3, 12, 16, 23): the province records a filing approved before the registry
existed, with its original validFrom, under the same checks as an approval.

Each test builds its own agencies through the API (tests/support/builders.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from models.audit import AuditEvent
from models.enums import Role, SiteTenure
from models.filing import Filing
from models.site import Site
from tests.support.builders import (
    OCCUPATIONS,
    agency_view,
    days,
    holders,
    import_filing,
    issued,
    item,
    make_agency,
    pk,
    today,
    years_later,
)
from tests.support.snapshot import snapshot, unchanged

if TYPE_CHECKING:
    from tests.support.http_api import Api

ApiOn = Callable[..., Any]
DAY = date(2026, 6, 15)  # a fixed "today" for the date tests


def assert_refused(result: dict[str, Any], code: str, article: int) -> None:
    assert result["__typename"] == "RuleViolation", result
    assert (result["code"], result["article"]) == (code, article), result


@pytest.mark.article(12, 16)
@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        (date(2025, 3, 14), "2028-03-14"),
        (date(2024, 2, 29), "2027-02-28"),
    ],
)
async def test_the_province_imports_a_filing_with_its_original_dates(
    api: Api, api_on: ApiOn, valid_from: date, valid_until: str
) -> None:
    async with api_on(DAY) as then:
        org = await make_agency(then, active=False, sites=2)
        items = [
            item(org.site_ids[0], "电工", "LEVEL_4"),
            item(org.site_ids[1], "养老护理员", "LEVEL_5"),
        ]

        result = await import_filing(then, org, valid_from, items)

    assert result["__typename"] == "ImportFilingSuccess", result
    filing = result["filing"]
    assert (filing["kind"], filing["status"]) == ("INITIAL", "APPROVED")
    assert (filing["validFrom"], filing["validUntil"]) == (valid_from.isoformat(), valid_until)
    assert sorted((i["occupationCode"], i["site"]["id"]) for i in filing["items"]) == sorted(
        [(OCCUPATIONS["电工"], org.site_ids[0]), (OCCUPATIONS["养老护理员"], org.site_ids[1])]
    )
    assert (await Filing.get(id=pk(filing["id"]))).imported
    agency = await agency_view(api, org)
    assert (agency["status"], agency["validUntil"]) == ("ACTIVE", valid_until)
    assert await holders(org.site_ids[0], "电工") == [org.pk]
    assert await holders(org.site_ids[1], "养老护理员") == [org.pk]
    recorded = await AuditEvent.get(action="importFiling", object_id=str(pk(filing["id"])))
    assert recorded.actor_role == "PROVINCE" and recorded.before is None
    changed = await AuditEvent.get(action="importFiling:agency", agency_id=org.pk)
    assert (changed.before["state"], changed.after["state"]) == ("PENDING", "ACTIVE")
    assert changed.after["first_approved_on"] == valid_from.isoformat()


@pytest.mark.article(3)
@pytest.mark.parametrize(
    ("actor", "outcome"),
    [
        ("filing_city", "RuleViolation"),
        ("the_agency", "RuleViolation"),
        ("other_city", "NotFound"),
        ("other_agency", "NotFound"),
        ("public", "NotFound"),
    ],
)
async def test_only_the_province_imports(api: Api, actor: str, outcome: str) -> None:
    # PENDING: seen by itself, 福州, the province
    org = await make_agency(api, active=False, region="350100")
    other = await make_agency(api, active=False, region="350200")
    token = {
        "filing_city": api.token(Role.CITY, region="350100"),
        "the_agency": org.token,
        "other_city": api.token(Role.CITY, region="350200"),
        "other_agency": other.token,
        "public": "",
    }[actor]
    before = await snapshot(org, other)

    result = await import_filing(
        api, org, today() - days(100), [item(org.site_ids[0])], token=token
    )

    assert result["__typename"] == outcome, result
    if outcome == "RuleViolation":
        assert (result["code"], result["article"]) == ("NOT_PROVINCE", 3), result
    assert await snapshot(org, other) == before


@pytest.mark.parametrize(
    ("valid_from", "accepted"),
    [
        (DAY + days(1), False),  # in the future
        (date(2018, 12, 31), False),  # before the national system began
        (date(2019, 1, 1), True),
        (DAY, True),
    ],
)
async def test_valid_from_lies_between_2019_and_today(
    api_on: ApiOn, valid_from: date, accepted: bool
) -> None:
    async with api_on(DAY) as api:
        org = await make_agency(api, active=False)
        before = await snapshot(org)

        result = await import_filing(api, org, valid_from, [item(org.site_ids[0])])

    if accepted:
        assert result["__typename"] == "ImportFilingSuccess", result
    else:
        assert result["__typename"] == "InvalidInput", result
        assert result["field"] == "validFrom"
        assert await snapshot(org) == before


@pytest.mark.article(12, 16)
async def test_an_import_four_years_ago_reads_expired_and_blocks_no_one(api: Api) -> None:
    valid_from = years_later(today(), -4)
    lapsed = await make_agency(api, active=False)
    venue = lapsed.site_ids[0]

    result = await import_filing(api, lapsed, valid_from, [item(venue, "电工")])

    assert result["__typename"] == "ImportFilingSuccess", result
    agency = await agency_view(api, lapsed)
    assert agency["status"] == "EXPIRED"
    assert agency["validUntil"] == years_later(valid_from, 3).isoformat()
    # Art. 12 binds pairs in force only: another agency may take the expired one's pair.
    newcomer = await make_agency(api, active=False, sites=0)
    taken = await import_filing(api, newcomer, today() - days(10), [item(venue, "电工")])
    assert taken["__typename"] == "ImportFilingSuccess", taken
    assert await holders(venue, "电工") == [newcomer.pk]


@pytest.mark.article(12)
async def test_a_pair_in_force_for_another_agency_is_refused(api: Api) -> None:
    holder = await make_agency(api, valid_from=today() - days(100))
    venue = holder.site_ids[0]
    newcomer = await make_agency(api, active=False, sites=0)
    async with unchanged(holder, newcomer):
        same_pair = await import_filing(
            api, newcomer, today() - days(50), [item(venue, "电工", "LEVEL_2")]
        )

    assert_refused(same_pair, "SITE_OCCUPATION_TAKEN", 12)
    other_occupation = await import_filing(api, newcomer, today() - days(50), [item(venue, "焊工")])
    assert other_occupation["__typename"] == "ImportFilingSuccess", other_occupation
    assert await holders(venue, "电工") == [holder.pk]
    assert await holders(venue, "焊工") == [newcomer.pk]


@pytest.mark.article(16)
async def test_an_agency_already_in_force_is_not_imported_again(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    async with unchanged(org):
        result = await import_filing(api, org, today() - days(400), [item(org.site_ids[0])])

    assert_refused(result, "ALREADY_FILED", 16)


@pytest.mark.article(23)
async def test_a_banned_credit_code_is_not_imported(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    await issued(api, org, 23, 2)  # revoked today: banned for 3 years (Art. 23)
    async with unchanged(org):
        result = await import_filing(api, org, today() - days(10), [item(org.site_ids[0])])

    assert_refused(result, "BANNED", 23)


@pytest.mark.article(12)
async def test_a_temporary_rental_is_not_imported(api: Api) -> None:
    org = await make_agency(api, active=False)
    # Arrange: addSite refuses temporary rentals and no mutation changes a venue's tenure, so
    # the venue is given that tenure with the ORM.
    await Site.filter(id=pk(org.site_ids[0])).update(tenure=SiteTenure.TEMPORARY_RENTAL)
    async with unchanged(org):
        result = await import_filing(api, org, today() - days(10), [item(org.site_ids[0])])

    assert_refused(result, "TEMPORARY_SITE", 12)


@pytest.mark.article(12)
async def test_a_college_campus_is_not_imported_for_a_non_college_social_org(api: Api) -> None:
    org = await make_agency(api, active=False, kind="SOCIAL_ORG", tenure="COLLEGE_CAMPUS")
    async with unchanged(org):
        result = await import_filing(api, org, today() - days(10), [item(org.site_ids[0])])

    assert_refused(result, "COLLEGE_SITE_FOR_NON_COLLEGE", 12)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "items"),
        ([{"occupationCode": "6-31-1-03"}], "items[0].occupationCode"),
        ([{"occupationName": " "}], "items[0].occupationName"),
    ],
)
async def test_malformed_items_are_invalid_input(
    api: Api, items: list[dict[str, str]], field: str
) -> None:
    org = await make_agency(api, active=False)
    async with unchanged(org):
        result = await import_filing(
            api, org, today() - days(10), [{**item(org.site_ids[0]), **bad} for bad in items]
        )
    assert result["__typename"] == "InvalidInput", result
    assert result["field"] == field, result
