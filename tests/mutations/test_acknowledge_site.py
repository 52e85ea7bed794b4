"""acknowledgeSite and the acknowledgement queue (Art. 4: the city 负责省级评价在本地区内考点报备).

A provincial agency's site starts unacknowledged; the city it lies in (and only that city) sees
it in its queue and acknowledges it once. A city-level agency's sites are its own city's
business and are never acknowledged. Refusals change nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.audit import AuditEvent
from models.enums import Role
from models.site import Site
from schema.core.ids import to_global_id
from tests.support.builders import (
    DAY,
    acknowledge,
    add_site,
    make_agency,
    nodes,
    pk,
    terminate,
)
from tests.support.documents import ACKNOWLEDGE_SITE, ACKNOWLEDGEMENT_QUEUE, SITES
from tests.support.snapshot import unchanged


async def _queue(api: Any, token: str | None) -> set[str]:
    """The sites in the viewer's acknowledgement queue, all pages."""
    return {n["id"] for n in await nodes(api, ACKNOWLEDGEMENT_QUEUE, token)}


async def _sites(api: Any, token: str | None, **filter: Any) -> set[str]:
    return {n["id"] for n in await nodes(api, SITES, token, filter=filter)}


@pytest.mark.article(4, 11)
async def test_the_city_acknowledges_a_provincial_agencys_new_site(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        site = await add_site(api, agency, "350500")
        quanzhou = api.token(Role.CITY, region="350500")

        assert site in await _queue(api, quanzhou)
        for other in ("350100", "350200", "350128"):
            assert site not in await _queue(api, api.token(Role.CITY, region=other))
        assert site in await _sites(api, quanzhou, acknowledged=False, regionCode="350500")
        assert site not in await _sites(api, quanzhou, acknowledged=True, regionCode="350500")
        assert (await Site.get(id=pk(site))).acknowledged_at is None

        result = await acknowledge(api, site, quanzhou)
        assert result["__typename"] == "AcknowledgeSiteSuccess", result
        assert result["site"]["id"] == site and result["site"]["region"] == {"code": "350500"}
        assert result["site"]["acknowledgedAt"].startswith("2026-03-10T10:00:00")

        assert site not in await _queue(api, quanzhou)
        assert site in await _sites(api, quanzhou, acknowledged=True, regionCode="350500")
        assert site not in await _sites(api, quanzhou, acknowledged=False, regionCode="350500")
        # The province sees the acknowledgement too.
        province_view = await api.query(
            "query ($id: ID!) { node(id: $id) { ... on Site { acknowledgedAt } } }",
            {"id": site},
            api.token(Role.PROVINCE),
        )
        assert province_view["node"]["acknowledgedAt"] == result["site"]["acknowledgedAt"]

    event = await AuditEvent.get(action="acknowledgeSite", object_id=str(pk(site)))
    assert event.actor_role == "CITY" and event.object_type == "Site"
    assert event.agency_id == agency.pk and event.region_id == "350500"
    assert event.before["acknowledged_at"] is None
    assert event.after["acknowledged_at"].startswith("2026-03-10T10:00:00")


@pytest.mark.article(4)
async def test_acknowledging_twice_is_refused(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        (site,) = agency.site_ids
        fuzhou = api.token(Role.CITY, region="350100")
        assert site in await _queue(api, fuzhou)
        assert (await acknowledge(api, site, fuzhou))["__typename"] == "AcknowledgeSiteSuccess"
        stamped = (await Site.get(id=pk(site))).acknowledged_at
        async with unchanged():
            again = await acknowledge(api, site, fuzhou)
        assert again["__typename"] == "RuleViolation", again
        assert again["code"] == "ALREADY_ACKNOWLEDGED" and again["article"] == 4
        assert (await Site.get(id=pk(site))).acknowledged_at == stamped


@pytest.mark.article(4)
async def test_a_city_level_agencys_site_is_not_acknowledged(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350100")
        (site,) = agency.site_ids
        fuzhou = api.token(Role.CITY, region="350100")
        assert site not in await _queue(api, fuzhou)
        async with unchanged():
            result = await acknowledge(api, site, fuzhou)
        assert result["__typename"] == "RuleViolation", result
        assert result["code"] == "NOT_PROVINCIAL" and result["article"] == 4
        assert (await Site.get(id=pk(site))).acknowledged_at is None


# Sites: "public" is on the provincial agency's approved filing (everyone sees it); "private"
# was added after the import, so only its city, the province and the agency see it.
@pytest.mark.article(4)
@pytest.mark.parametrize(
    ("actor", "site", "expected"),
    [
        ("province", "public", "RuleViolation"),
        ("province", "private", "RuleViolation"),
        ("city-other", "public", "RuleViolation"),
        ("city-other", "private", "NotFound"),
        ("city-pingtan", "public", "RuleViolation"),
        ("city-pingtan", "private", "NotFound"),
        ("agency-itself", "public", "RuleViolation"),
        ("agency-itself", "private", "RuleViolation"),
        ("agency-other", "public", "RuleViolation"),
        ("agency-other", "private", "NotFound"),
        ("public", "public", "RuleViolation"),
        ("public", "private", "NotFound"),
        ("city-site", "missing", "NotFound"),
    ],
)
async def test_refused_acknowledgements_change_nothing(api_on, actor, site, expected) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        private = await add_site(api, agency, "350100")
        other = await make_agency(api, region="350200")
        token = {
            "province": api.token(Role.PROVINCE),
            "city-other": api.token(Role.CITY, region="350200"),
            "city-pingtan": api.token(Role.CITY, region="350128"),
            "city-site": api.token(Role.CITY, region="350100"),
            "agency-itself": agency.token,
            "agency-other": other.token,
            "public": None,
        }[actor]
        target = {
            "public": agency.site_ids[0],
            "private": private,
            "missing": to_global_id("Site", 2**31 - 1),
        }[site]
        async with unchanged():
            result = await acknowledge(api, target, token)
        assert result["__typename"] == expected, result
        assert not await Site.filter(
            id__in=[pk(s) for s in agency.site_ids], acknowledged_at__isnull=False
        ).exists()


@pytest.mark.article(4)
@pytest.mark.parametrize("actor", ["province", "agency", "public"])
async def test_only_cities_have_a_queue(api_on, actor: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        token = {"province": api.token(Role.PROVINCE), "agency": agency.token, "public": None}[
            actor
        ]
        assert await _queue(api, token) == set()


@pytest.mark.article(4)
async def test_concurrent_acknowledgements_count_once(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        outcomes = []
        token = api.token(Role.CITY, region="350100")
        for _ in range(8):
            agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
            responses = await asyncio.gather(
                *(
                    api.post(ACKNOWLEDGE_SITE, {"input": {"siteId": agency.site_ids[0]}}, token)
                    for _ in range(3)
                )
            )
            kinds = sorted(r.json()["data"]["acknowledgeSite"]["__typename"] for r in responses)
            events = await AuditEvent.filter(
                action="acknowledgeSite", object_id=str(pk(agency.site_ids[0]))
            ).count()
            outcomes.append((kinds, events))
    assert all(
        kinds == ["AcknowledgeSiteSuccess", "RuleViolation", "RuleViolation"] and events == 1
        for kinds, events in outcomes
    ), outcomes


@pytest.mark.article(4)
async def test_a_terminated_agencys_sites_leave_the_queue(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        site = await add_site(api, agency, "350800")
        longyan = api.token(Role.CITY, region="350800")
        assert site in await _queue(api, longyan)
        ended = await terminate(api, agency, "VOLUNTARY", token=api.token(Role.PROVINCE))
        assert ended["__typename"] == "TerminateAgencySuccess", ended
        assert site not in await _queue(api, longyan)
