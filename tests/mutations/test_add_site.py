"""addSite (Art. 4, 12, 24; DESIGN §4): the agency's own venues, each registered once."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from models.agency import Agency
from models.audit import AuditEvent
from models.enums import AgencyLevel, AgencyState, Role
from models.site import Site
from schema.core.ids import to_global_id
from tests.support.builders import mutate
from tests.support.documents import ADD_SITE
from tests.support.http_api import Api
from tests.support.snapshot import unchanged

_serial = itertools.count(1)


async def _agency(**filters: object) -> Agency:
    agency = await Agency.filter(**filters).order_by("id").first()
    assert agency is not None, f"demo data lacks an agency with {filters}"
    return agency


def _input(agency: Agency, **overrides: object) -> dict[str, object]:
    n = next(_serial)
    base: dict[str, object] = {
        "agencyId": to_global_id("Agency", agency.id),
        "name": f"测试考点{n}",
        "address": f"福建省厦门市思明区测试路{n}号",
        "regionCode": "350200",
        "tenure": "OWNED",
        "hasVideoSurveillance": True,
    }
    base.update(overrides)
    return base


async def _add(api: Api, token: str | None, agency: Agency, **overrides: object) -> dict[str, Any]:
    return await mutate(api, ADD_SITE, _input(agency, **overrides), token)


@pytest.mark.article(4, 11)
async def test_agency_adds_its_own_site_with_an_audit_event(api) -> None:  # type: ignore[no-untyped-def]
    agency = await _agency(state=AgencyState.ACTIVE, level=AgencyLevel.PROVINCIAL)
    token = api.token(Role.AGENCY, agency=agency.credit_code)
    result = await _add(api, token, agency, regionCode="350128")
    assert result["__typename"] == "AddSiteSuccess", result
    site = result["site"]
    assert site["region"] == {"code": "350128"} and site["acknowledgedAt"] is None
    assert site["agency"] == {"creditCode": agency.credit_code}
    row = await Site.get(name=site["name"])
    event = await AuditEvent.get(action="addSite", object_id=str(row.id))
    assert event.agency_id == agency.id and event.region_id == "350128"
    # Art. 4: the city the site lies in sees it at once.
    sites = await api.query(
        '{ sites(first: 100, filter: {regionCode: "350128"}) { edges { node { id } } } }',
        token=api.token(Role.CITY, region="350128"),
    )
    assert site["id"] in {e["node"]["id"] for e in sites["sites"]["edges"]}


@pytest.mark.article(12)
async def test_the_same_venue_is_never_registered_twice(api) -> None:  # type: ignore[no-untyped-def]
    first = await _agency(state=AgencyState.ACTIVE, level=AgencyLevel.CITY)
    second = (
        await Agency.filter(state=AgencyState.ACTIVE).exclude(id=first.id).order_by("id").first()
    )
    assert second is not None
    ok = await _add(
        api,
        api.token(Role.AGENCY, agency=first.credit_code),
        first,
        address="厦门市湖里区 金尚路 88 号（实训楼）",
    )
    assert ok["__typename"] == "AddSiteSuccess", ok
    async with unchanged(first, second):
        # Full-width digits, different spacing and punctuation: the same address.
        dup = await _add(
            api,
            api.token(Role.AGENCY, agency=second.credit_code),
            second,
            address="厦门市湖里区金尚路８８号(实训楼)",
        )
        # The agency's own venue is named, so it can put it on a filing instead.
        own = await _add(
            api,
            api.token(Role.AGENCY, agency=first.credit_code),
            first,
            address="厦门市湖里区金尚路88号（实训楼）",
        )
    assert dup["__typename"] == "RuleViolation" and dup["code"] == "DUPLICATE_SITE"
    # Another agency's venue may be outside what this agency may read (DESIGN §6): not named.
    assert dup["article"] == 12 and ok["site"]["name"] not in dup["message"], dup
    assert "已由其他机构登记" in dup["message"]
    assert own["code"] == "DUPLICATE_SITE" and ok["site"]["name"] in own["message"], own
    # The same address in another region is another venue.
    other = await _add(
        api,
        api.token(Role.AGENCY, agency=second.credit_code),
        second,
        address="厦门市湖里区金尚路88号(实训楼)",
        regionCode="350500",
    )
    assert other["__typename"] == "AddSiteSuccess", other


@pytest.mark.article(12)
async def test_temporary_rentals_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    agency = await _agency(state=AgencyState.ACTIVE)
    async with unchanged(agency):
        result = await _add(
            api,
            api.token(Role.AGENCY, agency=agency.credit_code),
            agency,
            tenure="TEMPORARY_RENTAL",
        )
    assert result["__typename"] == "RuleViolation" and result["article"] == 12


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"regionCode": "350000"}, "regionCode"),
        ({"regionCode": "110000"}, "regionCode"),
        ({"name": ""}, "name"),
        ({"address": " ，。 "}, "address"),
    ],
)
async def test_invalid_input(api, overrides, field) -> None:  # type: ignore[no-untyped-def]
    agency = await _agency(state=AgencyState.ACTIVE)
    async with unchanged(agency):
        result = await _add(
            api, api.token(Role.AGENCY, agency=agency.credit_code), agency, **overrides
        )
    assert result["__typename"] == "InvalidInput" and result["field"] == field, result


async def test_other_actors_cannot_add_sites(api) -> None:  # type: ignore[no-untyped-def]
    target = await _agency(state=AgencyState.ACTIVE, filing_region_id="350100")
    other = await Agency.filter(state=AgencyState.ACTIVE).exclude(id=target.id).first()
    assert other is not None
    pending = await _agency(state=AgencyState.PENDING)
    async with unchanged(target, other, pending):
        # Visible to them but not theirs: a typed refusal.
        for token in (
            api.token(Role.PROVINCE),
            api.token(Role.CITY, region="350100"),
            api.token(Role.AGENCY, agency=other.credit_code),
            None,
        ):
            result = await _add(api, token, target)
            assert result["__typename"] == "RuleViolation", result
        # Not visible at all (a PENDING agency for the public): indistinguishable from missing.
        assert (await _add(api, None, pending))["__typename"] == "NotFound"
        missing = await _add(
            api, api.token(Role.PROVINCE), target, agencyId=to_global_id("Agency", 10**9)
        )
        assert missing["__typename"] == "NotFound"


@pytest.mark.article(24)
async def test_no_new_sites_after_a_rectification_in_the_period(api) -> None:  # type: ignore[no-untyped-def]
    suspended = await _agency(state=AgencyState.SUSPENDED)
    async with unchanged(suspended):
        result = await _add(api, api.token(Role.AGENCY, agency=suspended.credit_code), suspended)
    assert result["__typename"] == "RuleViolation" and result["article"] == 24, result


async def test_closed_agencies_cannot_add_sites(api) -> None:  # type: ignore[no-untyped-def]
    revoked = await _agency(state=AgencyState.REVOKED)
    async with unchanged(revoked):
        result = await _add(api, api.token(Role.AGENCY, agency=revoked.credit_code), revoked)
    assert result["__typename"] == "RuleViolation", result
