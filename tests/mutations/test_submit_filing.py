"""submitFiling (Art. 12, 13, 16, 17, 22, 23, 24): the agency applies for its own records.

Each test builds its own agencies through the API (tests/support/builders.py). A refusal is typed,
cites its article and changes nothing (`snapshot()` before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from models.audit import AuditEvent
from models.enums import Role, SiteTenure
from models.site import Site
from tests.support.builders import (
    OCCUPATIONS,
    add_site,
    agency_view,
    approved,
    days,
    issued,
    item,
    make_agency,
    pk,
    submit,
    submitted,
    today,
    years_later,
)
from tests.support.documents import SUBMIT_FILING
from tests.support.snapshot import snapshot, unchanged

if TYPE_CHECKING:
    from tests.support.http_api import Api

ApiOn = Callable[..., Any]
DAY = date(2026, 6, 15)  # a fixed "today" for the date-boundary tests (a Monday)


def assert_refused(result: dict[str, Any], code: str, article: int) -> None:
    assert result["__typename"] == "RuleViolation", result
    assert (result["code"], result["article"]) == (code, article), result


def scope_of(filing: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((i["occupationCode"], i["level"], i["site"]["id"]) for i in filing["items"])


def scope_in(items: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return sorted((i["occupationCode"], i["level"], i["siteId"]) for i in items)


# ---------------------------------------------------------------------------------------------
# Each kind accepted


@pytest.mark.article(11)
async def test_initial_filing_is_submitted_with_its_items_and_an_audit_event(api: Api) -> None:
    org = await make_agency(api, active=False, sites=2)
    items = [
        item(org.site_ids[0], "电工", "LEVEL_4"),
        item(org.site_ids[0], "电工", "LEVEL_3"),
        item(org.site_ids[1], "焊工", "LEVEL_4"),
    ]
    before = await snapshot(org)

    result = await submit(api, org, "INITIAL", items, reason="首次备案")

    assert result["__typename"] == "SubmitFilingSuccess", result
    filing = result["filing"]
    assert (filing["kind"], filing["status"]) == ("INITIAL", "SUBMITTED")
    assert filing["authority"] == {"code": org.filing_region} and filing["agency"] == {"id": org.id}
    assert filing["decidedAt"] is None and filing["validFrom"] is None
    assert scope_of(filing) == scope_in(items)
    after = await snapshot(org)
    assert after.counts["filing"] == before.counts["filing"] + 1
    assert after.counts["filing_item"] == before.counts["filing_item"] + 3
    assert after.counts["audit_event"] == before.counts["audit_event"] + 1
    # Nothing goes into force before the authority decides.
    assert after.counts["item_claim"] == before.counts["item_claim"]
    assert after.rows["agency"] == before.rows["agency"]
    event = await AuditEvent.get(action="submitFiling", object_id=str(pk(filing["id"])))
    assert event.agency_id == org.pk and event.actor_role == "AGENCY" and event.before is None
    assert event.after["status"] == "SUBMITTED" and event.region_id == org.filing_region
    assert (await agency_view(api, org))["status"] == "PENDING"


@pytest.mark.article(16)
async def test_renewal_in_its_window_without_items_carries_the_scope_over(api: Api) -> None:
    # Valid until about 30 days from now: inside the 90-day window (Art. 16).
    org = await make_agency(
        api,
        valid_from=years_later(today(), -3) + days(30),
        sites=2,
        scope=lambda s: [item(s[0], "电工", "LEVEL_4"), item(s[1], "茶艺师", "LEVEL_5")],
    )

    result = await submit(api, org, "RENEWAL")

    assert result["__typename"] == "SubmitFilingSuccess", result
    assert result["filing"]["kind"] == "RENEWAL"
    assert scope_of(result["filing"]) == sorted(
        [
            (OCCUPATIONS["电工"], "LEVEL_4", org.site_ids[0]),
            (OCCUPATIONS["茶艺师"], "LEVEL_5", org.site_ids[1]),
        ]
    )


@pytest.mark.article(13)
async def test_scope_change_after_a_year_may_add_a_site_and_an_occupation(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(400))
    new_site = await add_site(api, org)
    items = [item(org.site_ids[0]), item(new_site, "焊工", "LEVEL_3")]

    result = await submit(api, org, "SCOPE_CHANGE", items)

    assert result["__typename"] == "SubmitFilingSuccess", result
    assert result["filing"]["kind"] == "SCOPE_CHANGE"
    assert scope_of(result["filing"]) == scope_in(items)


@pytest.mark.article(13)
async def test_info_change_names_the_new_name_and_legal_representative(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    old_name = (await agency_view(api, org))["name"]

    result = await submit(
        api, org, "INFO_CHANGE", newName="福建新名称技能评价有限公司", newLegalRepresentative="陈明"
    )

    assert result["__typename"] == "SubmitFilingSuccess", result
    filing = result["filing"]
    assert (filing["kind"], filing["status"]) == ("INFO_CHANGE", "SUBMITTED")
    assert filing["newName"] == "福建新名称技能评价有限公司"
    assert filing["newLegalRepresentative"] == "陈明" and filing["items"] == []
    # Changed only once the authority approves (Art. 13).
    assert (await agency_view(api, org))["name"] == old_name


@pytest.mark.article(17)
async def test_voluntary_termination_is_submitted(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))

    result = await submit(api, org, "TERMINATION", reason="业务调整，自愿终止评价工作")

    assert result["__typename"] == "SubmitFilingSuccess", result
    assert (result["filing"]["kind"], result["filing"]["status"]) == ("TERMINATION", "SUBMITTED")
    assert (await agency_view(api, org))["status"] == "ACTIVE"


# ---------------------------------------------------------------------------------------------
# Art. 12: the venues


@pytest.mark.article(12)
async def test_a_temporary_rental_is_refused(api: Api) -> None:
    org = await make_agency(api, active=False)
    # Arrange: addSite refuses temporary rentals and no mutation changes a venue's tenure yet,
    # so the venue (as recorded before the rule, say) is given that tenure with the ORM.
    await Site.filter(id=pk(org.site_ids[0])).update(tenure=SiteTenure.TEMPORARY_RENTAL)
    async with unchanged(org):
        result = await submit(api, org, "INITIAL", [item(org.site_ids[0])])

    assert_refused(result, "TEMPORARY_SITE", 12)


@pytest.mark.article(12)
async def test_a_college_campus_serves_an_employer_but_not_a_non_college_social_org(
    api: Api,
) -> None:
    college = await make_agency(
        api,
        valid_from=today() - days(100),
        kind="SOCIAL_ORG",
        is_college=True,
        tenure="COLLEGE_CAMPUS",
    )
    campus = college.site_ids[0]  # on the college's approved filing, so any agency sees it
    employer = await make_agency(api, active=False, sites=0)
    training_org = await make_agency(api, active=False, sites=0, kind="SOCIAL_ORG")
    other_college = await make_agency(
        api, active=False, sites=0, kind="SOCIAL_ORG", is_college=True
    )

    by_employer = await submit(api, employer, "INITIAL", [item(campus, "焊工")])
    by_other_college = await submit(api, other_college, "INITIAL", [item(campus, "车工")])
    async with unchanged(training_org):
        by_training_org = await submit(api, training_org, "INITIAL", [item(campus, "美发师")])
    assert by_employer["__typename"] == "SubmitFilingSuccess", by_employer
    assert by_other_college["__typename"] == "SubmitFilingSuccess", by_other_college
    assert_refused(by_training_org, "COLLEGE_SITE_FOR_NON_COLLEGE", 12)


@pytest.mark.article(12)
async def test_a_pair_in_force_for_another_agency_is_refused_at_submission(api: Api) -> None:
    holder = await make_agency(api, valid_from=today() - days(100))
    venue = holder.site_ids[0]  # 电工 there is the holder's
    newcomer = await make_agency(api, active=False, sites=0)
    before = await snapshot(newcomer)

    same_pair = await submit(api, newcomer, "INITIAL", [item(venue, "电工", "LEVEL_3")])
    other_occupation = await submit(api, newcomer, "INITIAL", [item(venue, "焊工")])

    assert_refused(same_pair, "SITE_OCCUPATION_TAKEN", 12)
    assert other_occupation["__typename"] == "SubmitFilingSuccess", other_occupation
    assert (await snapshot(newcomer)).rows["agency"] == before.rows["agency"]


async def test_items_at_a_site_the_agency_cannot_see_are_not_found(api: Api) -> None:
    stranger = await make_agency(api, active=False)  # PENDING: its venue is not public
    org = await make_agency(api, active=False)
    async with unchanged(org, stranger):
        result = await submit(
            api, org, "INITIAL", [item(org.site_ids[0]), item(stranger.site_ids[0])]
        )
    assert result["__typename"] == "NotFound", result


@pytest.mark.parametrize("code", ["6-31-01", "63-10-10-3", "A-31-01-03", "6-31-01-03-01", ""])
async def test_a_malformed_occupation_code_is_invalid_input(api: Api, code: str) -> None:
    org = await make_agency(api, active=False)
    async with unchanged(org):
        bad = {**item(org.site_ids[0]), "occupationCode": code}

        result = await submit(api, org, "INITIAL", [bad])
    assert result["__typename"] == "InvalidInput", result
    assert result["field"] == "items[0].occupationCode"


# ---------------------------------------------------------------------------------------------
# Art. 16, 23: INITIAL and RENEWAL


@pytest.mark.article(23)
@pytest.mark.parametrize(
    ("ban", "accepted"),
    [
        ("revoked today", False),
        ("ends today", False),
        ("ended yesterday", True),
    ],
)
async def test_an_initial_filing_waits_for_the_end_of_a_ban(
    api: Api, api_on: ApiOn, ban: str, accepted: bool
) -> None:
    ban_ends = {
        "revoked today": years_later(today(), 3),
        "ends today": today(),
        "ended yesterday": today() - days(1),
    }[ban]
    revoked_on = years_later(ban_ends, -3)  # Art. 23: 三年内不再受理
    async with api_on(revoked_on) as then:
        org = await make_agency(then, valid_from=revoked_on - days(200))
        await issued(then, org, 23, 2)
    assert (await agency_view(api, org))["bannedUntil"] == ban_ends.isoformat()
    before = await snapshot(org)

    result = await submit(api, org, "INITIAL", [item(org.site_ids[0])])

    if accepted:
        assert result["__typename"] == "SubmitFilingSuccess", result
    else:
        assert_refused(result, "BANNED", 23)
        assert ban_ends.isoformat() in result["message"]
        assert await snapshot(org) == before


@pytest.mark.article(16)
async def test_an_initial_filing_while_one_is_in_force_is_refused(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    async with unchanged(org):
        result = await submit(api, org, "INITIAL", [item(org.site_ids[0], "焊工")])

    assert_refused(result, "ALREADY_FILED", 16)


@pytest.mark.article(16)
@pytest.mark.parametrize(
    ("valid_until", "code"),
    [
        (DAY + days(90), None),  # the window's first day as the registry counts it
        (DAY + days(89), None),
        (DAY, None),  # the last valid day
        (DAY + days(91), "RENEWAL_WINDOW"),  # one day too early
        (DAY + days(1000), "RENEWAL_WINDOW"),  # first approved about 100 days ago
        (DAY - days(1), "NOT_IN_FORCE"),  # expired yesterday
    ],
)
async def test_renewal_only_in_the_90_days_before_expiry(
    api_on: ApiOn, valid_until: date, code: str | None
) -> None:
    valid_from = years_later(valid_until, -3)
    assert years_later(valid_from, 3) == valid_until
    async with api_on(DAY) as api:
        org = await make_agency(api, valid_from=valid_from)
        before = await snapshot(org)

        result = await submit(api, org, "RENEWAL")

    if code is None:
        assert result["__typename"] == "SubmitFilingSuccess", result
    else:
        assert_refused(result, code, 16)
        assert await snapshot(org) == before


@pytest.mark.article(13)
@pytest.mark.parametrize(
    ("first_approved", "accepted"),
    [
        (DAY - days(100), False),
        (years_later(DAY, -1) + days(1), False),  # one day short of a year
        (years_later(DAY, -1), True),  # a year to the day
        (DAY - days(400), True),
    ],
)
async def test_scope_change_only_after_a_year_of_operation(
    api_on: ApiOn, first_approved: date, accepted: bool
) -> None:
    async with api_on(DAY) as api:
        org = await make_agency(api, valid_from=first_approved)
        before = await snapshot(org)

        result = await submit(
            api, org, "SCOPE_CHANGE", [item(org.site_ids[0]), item(org.site_ids[0], "焊工")]
        )

    if accepted:
        assert result["__typename"] == "SubmitFilingSuccess", result
    else:
        assert_refused(result, "TOO_EARLY", 13)
        assert first_approved.isoformat() in result["message"]
        assert await snapshot(org) == before


# ---------------------------------------------------------------------------------------------
# Art. 22, 24: nothing new after a rectification or revocation in the filing period


def _two_items(sites: list[str]) -> list[dict[str, str]]:
    return [item(sites[0], "电工", "LEVEL_4"), item(sites[0], "焊工", "LEVEL_4")]


@pytest.mark.article(22, 24)
@pytest.mark.parametrize("addition", ["site", "occupation", "level"])
async def test_after_a_rectification_a_scope_change_adds_nothing(api: Api, addition: str) -> None:
    # The second venue is registered before the sanction: addSite refuses it afterwards.
    org = await make_agency(api, valid_from=today() - days(400), sites=2, scope=_two_items)
    await issued(api, org, 22, 3)  # rectification notice today (Art. 22(三))
    home, other_site = org.site_ids
    new_item = {
        "site": item(other_site, "电工", "LEVEL_4"),
        "occupation": item(home, "茶艺师", "LEVEL_4"),
        "level": item(home, "电工", "LEVEL_3"),
    }[addition]
    async with unchanged(org):
        result = await submit(api, org, "SCOPE_CHANGE", [item(home, "电工", "LEVEL_4"), new_item])

    assert_refused(result, "SANCTIONED_PERIOD", 24)


@pytest.mark.article(24)
async def test_after_a_rectification_a_scope_change_may_drop_items(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(400), scope=_two_items)
    await issued(api, org, 22, 3)

    result = await submit(api, org, "SCOPE_CHANGE", [item(org.site_ids[0], "电工", "LEVEL_4")])

    assert result["__typename"] == "SubmitFilingSuccess", result


@pytest.mark.article(24)
async def test_a_rectification_in_the_previous_period_does_not_restrict(
    api: Api, api_on: ApiOn
) -> None:
    first_until = today() - days(100)  # the first period ended 100 days ago
    first_from = years_later(first_until, -3)
    async with api_on(first_from + days(10)) as then:
        org = await make_agency(then, valid_from=first_from, scope=_two_items)
        await issued(then, org, 22, 3)
    async with api_on(first_until - days(30)) as then:
        renewal = await submitted(then, org, "RENEWAL")
        await approved(then, renewal)

    result = await submit(
        api, org, "SCOPE_CHANGE", [*_two_items(org.site_ids), item(org.site_ids[0], "茶艺师")]
    )

    assert result["__typename"] == "SubmitFilingSuccess", result


# ---------------------------------------------------------------------------------------------
# One open filing per kind; malformed requests


@pytest.mark.article(13, 17)
@pytest.mark.parametrize(
    ("kind", "extra", "article"),
    [
        ("INFO_CHANGE", {"newName": "新名称技能评价中心"}, 13),
        ("SCOPE_CHANGE", {"with_items": True}, 13),
        ("TERMINATION", {}, 17),
    ],
)
async def test_a_second_open_filing_of_the_same_kind_is_refused(
    api: Api, kind: str, extra: dict[str, Any], article: int
) -> None:
    org = await make_agency(api, valid_from=today() - days(400))
    if extra.pop("with_items", False):
        extra["items"] = [item(org.site_ids[0]), item(org.site_ids[0], "焊工")]
    await submitted(api, org, kind, **extra)
    async with unchanged(org):
        again = await submit(api, org, kind, **extra)

    assert_refused(again, "OPEN_FILING", article)


async def test_an_open_filing_of_another_kind_does_not_block(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    await submitted(api, org, "INFO_CHANGE", newName="更名后的评价中心")

    result = await submit(api, org, "TERMINATION")

    assert result["__typename"] == "SubmitFilingSuccess", result


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("INFO_CHANGE", {}, "newName"),
        ("INFO_CHANGE", {"newName": "   "}, "newName"),
        ("INITIAL", {"items": []}, "items"),
        ("SCOPE_CHANGE", {}, "items"),
        ("TERMINATION", {"with_item": True}, "items"),
    ],
)
async def test_malformed_applications_are_invalid_input(
    api: Api, kind: str, extra: dict[str, Any], field: str
) -> None:
    org = await make_agency(api, valid_from=today() - days(400))
    if extra.pop("with_item", False):
        extra["items"] = [item(org.site_ids[0])]
    async with unchanged(org):
        result = await submit(api, org, kind, **extra)
    assert result["__typename"] == "InvalidInput", result
    assert result["field"] == field, result


@pytest.mark.article(13)
async def test_a_change_for_an_agency_never_filed_is_refused(api: Api) -> None:
    org = await make_agency(api, active=False)
    async with unchanged(org):
        result = await submit(api, org, "INFO_CHANGE", newName="新名称")

    assert_refused(result, "NOT_FILED", 13)


# ---------------------------------------------------------------------------------------------
# Only the agency itself applies (DESIGN §6)


@pytest.mark.parametrize(
    ("target", "actor", "outcome"),
    [
        ("pending", "province", "RuleViolation"),
        ("pending", "filing_city", "RuleViolation"),
        ("pending", "other_city", "NotFound"),
        ("pending", "other_agency", "NotFound"),
        ("pending", "public", "NotFound"),
        ("active", "province", "RuleViolation"),
        ("active", "filing_city", "RuleViolation"),
        ("active", "other_city", "RuleViolation"),
        ("active", "other_agency", "RuleViolation"),
        ("active", "public", "RuleViolation"),
    ],
)
async def test_only_the_agency_itself_submits(
    api: Api, target: str, actor: str, outcome: str
) -> None:
    if target == "pending":  # visible only to itself, its filing city and the province
        org = await make_agency(api, active=False)
        kind, items = "INITIAL", [item(org.site_ids[0])]
    else:  # public
        org = await make_agency(api, valid_from=today() - days(400))
        kind, items = "SCOPE_CHANGE", [item(org.site_ids[0]), item(org.site_ids[0], "焊工")]
    other = await make_agency(api, active=False, region="350200")
    token = {
        "province": api.token(Role.PROVINCE),
        "filing_city": api.token(Role.CITY, region=org.filing_region),
        "other_city": api.token(Role.CITY, region="350200"),
        "other_agency": other.token,
        "public": "",
    }[actor]
    async with unchanged(org, other):
        result = await submit(api, org, kind, items, token=token)
    assert result["__typename"] == outcome, result
    if outcome == "RuleViolation":
        assert (result["code"], result["article"]) == ("NOT_OWN_AGENCY", 16), result


async def test_an_overlong_legal_representative_is_invalid_input(api: Api) -> None:
    org = await make_agency(api, valid_from=today() - days(100))
    before = await snapshot(org)

    response = await api.post(
        SUBMIT_FILING,
        {"input": {"agencyId": org.id, "kind": "INFO_CHANGE", "newLegalRepresentative": "陈" * 65}},
        org.token,
    )

    assert await snapshot(org) == before  # holds today: the failed insert is rolled back
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    result = body["data"]["submitFiling"]
    assert result["__typename"] == "InvalidInput", result
    assert result["field"] == "newLegalRepresentative", result
