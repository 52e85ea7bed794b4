"""recommendUpgrade, approveUpgrade, recommendNational (Art. 26-28; DESIGN §5, §6): a city
recommends its own CITY-level agency that meets an Art. 26 case; the province agrees and the
agency is filed with the province from then on, with the change in the audit trail. The province
recommends an ACTIVE provincial agency with a clean filing period for national level.

Runs on DAY (2026-03-10) at 10:00 Asia/Shanghai.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.agency import Agency
from models.enums import Role
from tests.support.fresh_agencies import DAY, Fresh, gid, make_agency, mutate, submit
from tests.support.supervision_calls import (
    APPROVE_UPGRADE,
    RECOMMEND_NATIONAL,
    RECOMMEND_UPGRADE,
    city,
    issue,
    issued,
    renew,
    renewable_from,
    world,
)

AUDIT = """
query ($agencyId: ID!) {
  auditEvents(first: 100, filter: {agencyId: $agencyId}) {
    edges { node { action actorRole objectType before after } } }
}
"""


async def _recommend(api: Any, agency: Fresh, token: str | None,
                     basis: list[int] | None = None) -> dict[str, Any]:
    return await mutate(api, RECOMMEND_UPGRADE, {"agencyId": agency.id,
                                                 "basis": [1] if basis is None else basis},
                        token or None)


async def _approve(api: Any, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    return await mutate(api, APPROVE_UPGRADE, {"agencyId": agency.id},
                        api.token(Role.PROVINCE) if token is None else token or None)


async def _national(api: Any, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    return await mutate(api, RECOMMEND_NATIONAL, {"agencyId": agency.id},
                        api.token(Role.PROVINCE) if token is None else token or None)


# ============================================================================================
# Art. 27: managed as provincial


async def test_a_city_recommends_and_the_province_approves(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        xiamen = city(api, "350200")
        recommended = await _recommend(api, agency, xiamen, [3, 1, 3])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        view = recommended["agency"]
        assert view["upgradeRecommendedAt"].startswith("2026-03-10T10:00:00")
        assert (view["level"], view["filingRegion"]) == ("CITY", {"code": "350200"})
        assert (await Agency.get(id=agency.pk)).upgrade_basis == "1,3"

        approved = await _approve(api, agency)
        assert approved["__typename"] == "UpgradeSuccess", approved
        view = approved["agency"]
        assert (view["level"], view["filingRegion"]) == ("PROVINCIAL", {"code": "350000"})
        assert view["upgradeRecommendedAt"] is None and view["status"] == "ACTIVE"

        # The history: who recommended, who approved, and what changed.
        data = await api.query(AUDIT, {"agencyId": agency.id}, api.token(Role.PROVINCE))
        events = {e["node"]["action"]: e["node"] for e in data["auditEvents"]["edges"]}
        rec, appr = events["recommendUpgrade"], events["approveUpgrade"]
        assert (rec["actorRole"], appr["actorRole"]) == ("CITY", "PROVINCE")
        assert rec["objectType"] == appr["objectType"] == "Agency"
        assert rec["before"]["upgrade_recommended_at"] is None
        assert rec["after"]["upgrade_basis"] == "1,3"
        assert (appr["before"]["level"], appr["before"]["filing_region_id"]) == \
            ("CITY", "350200")
        assert (appr["after"]["level"], appr["after"]["filing_region_id"]) == \
            ("PROVINCIAL", "350000")

        # Filed with the province now: its applications go there, Xiamen no longer sanctions
        # it (it still sees it: the agency operates in Xiamen), the province does.
        filing = await submit(api, agency, "INFO_CHANGE", newLegalRepresentative="陈新")
        assert filing["__typename"] == "SubmitFilingSuccess", filing
        assert (await Agency.get(id=agency.pk)).filing_region_id == "350000"
        refused = await issue(api, agency, 21, 1, xiamen)
        assert refused["__typename"] == "RuleViolation", refused
        assert (await issued(api, agency, 21, 1))["sanction"]["authority"] == {"code": "350000"}


async def test_only_its_own_city_recommends(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        before = await world(agency, provincial)
        for target, token in ((agency, city(api, "350300")),
                              (agency, api.token(Role.PROVINCE)),  # the province decides
                              (agency, agency.token(api)), (agency, ""),
                              (provincial, city(api, "350200"))):  # hosted, not filed with it
            refused = await _recommend(api, target, token)
            assert refused["__typename"] == "RuleViolation", (token, refused)
            assert refused["article"] == 27
        missing = await mutate(api, RECOMMEND_UPGRADE, {"agencyId": gid("Agency", 10**9),
                                                        "basis": [1]}, city(api, "350200"))
        assert missing["__typename"] == "NotFound", missing
        assert await world(agency, provincial) == before


@pytest.mark.parametrize("basis", [[], [0], [6], [1, 6], [-1]])
async def test_the_basis_is_an_art_26_case(api_on, basis: list[int]) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350400")
        before = await world(agency)
        refused = await _recommend(api, agency, city(api, "350400"), basis)
        assert refused["__typename"] == "InvalidInput" and refused["field"] == "basis", refused
        assert await world(agency) == before


async def test_a_recommendation_needs_an_active_agency_and_is_made_once(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        fuzhou = city(api, "350100")
        suspended = await make_agency(api, region="350100")
        await issued(api, suspended, 22, 1)
        pending = await make_agency(api, region="350100", active=False)
        twice = await make_agency(api, region="350100")
        assert (await _recommend(api, twice, fuzhou, [2]))["__typename"] == "UpgradeSuccess"
        before = await world(suspended, pending, twice)
        for agency, code in ((suspended, "NOT_ACTIVE"), (pending, "NOT_ACTIVE"),
                             (twice, "ALREADY_RECOMMENDED")):
            refused = await _recommend(api, agency, fuzhou, [2])
            assert refused["__typename"] == "RuleViolation", refused
            assert refused["code"] == code and refused["article"] == 27
        assert await world(suspended, pending, twice) == before


async def test_only_the_province_approves_a_recommendation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350500")
        quanzhou = city(api, "350500")
        not_recommended = await make_agency(api, region="350500")
        assert (await _recommend(api, agency, quanzhou, [5]))["__typename"] == "UpgradeSuccess"
        before = await world(agency, not_recommended)
        for token in (quanzhou, agency.token(api), ""):
            refused = await _approve(api, agency, token)
            assert refused["__typename"] == "RuleViolation", refused
        refused = await _approve(api, not_recommended)
        assert refused["__typename"] == "RuleViolation", refused
        assert refused["code"] == "NOT_RECOMMENDED" and refused["article"] == 27
        assert await world(agency, not_recommended) == before


async def test_a_revoked_agency_is_not_upgraded(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350600")
        zhangzhou = city(api, "350600")
        assert (await _recommend(api, agency, zhangzhou, [4]))["__typename"] == "UpgradeSuccess"
        await issued(api, agency, 23, 4, zhangzhou)
        refused = await _approve(api, agency)
        assert refused["__typename"] == "RuleViolation", refused
        assert (await Agency.get(id=agency.pk)).filing_region_id == "350600"


# ============================================================================================
# Art. 28: recommended for national level


async def test_the_province_recommends_a_clean_provincial_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100", "350500"))
        result = await _national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result
        assert result["agency"]["nationalRecommendedAt"].startswith("2026-03-10T10:00:00")
        assert result["agency"]["level"] == "PROVINCIAL"
        before = await world(agency)
        again = await _national(api, agency)
        assert again["__typename"] == "RuleViolation" and again["code"] == "ALREADY_RECOMMENDED"
        assert await world(agency) == before


async def test_national_recommendation_needs_a_clean_active_provincial_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        interviewed = await make_agency(api, level="PROVINCIAL")
        await issued(api, interviewed, 21, 7)
        suspended = await make_agency(api, level="PROVINCIAL")
        await issued(api, suspended, 22, 3)
        city_level = await make_agency(api, region="350100")
        before = await world(interviewed, suspended, city_level)
        for agency, code in ((interviewed, "NOT_CLEAN"), (suspended, "NOT_ELIGIBLE"),
                             (city_level, "NOT_ELIGIBLE")):
            refused = await _national(api, agency)
            assert refused["__typename"] == "RuleViolation", refused
            assert refused["code"] == code and refused["article"] == 28
        assert await world(interviewed, suspended, city_level) == before


async def test_only_the_province_recommends_for_national_level(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        before = await world(agency)
        for token in (city(api, "350100"), agency.token(api), ""):
            refused = await _national(api, agency, token)
            assert refused["__typename"] == "RuleViolation", refused
        assert await world(agency) == before


async def test_a_sanction_of_the_previous_period_does_not_count(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY - timedelta(days=10)) as api:
        agency = await make_agency(api, level="PROVINCIAL", valid_from=renewable_from(DAY))
        await issued(api, agency, 21, 3)
    async with api_on(DAY) as api:
        await renew(api, agency)
    async with api_on(DAY + timedelta(days=40)) as api:  # in the second period
        result = await _national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result


async def test_an_upgraded_agency_can_go_on_to_national_level(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350900")
        assert (await _recommend(api, agency, city(api, "350900"), [2]))["__typename"] == \
            "UpgradeSuccess"
        assert (await _approve(api, agency))["__typename"] == "UpgradeSuccess"
        result = await _national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result


async def test_a_pending_recommendation_is_not_public(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        recommended = await _recommend(api, agency, city(api, "350200"), [2])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        query = "query ($id: ID!) { agency(id: $id) { upgradeRecommendedAt } }"
        assert (await api.query(query, {"id": agency.id}))["agency"] == {
            "upgradeRecommendedAt": None}
        seen = await api.query(query, {"id": agency.id}, api.token(Role.PROVINCE))
        assert seen["agency"]["upgradeRecommendedAt"].startswith("2026-03-10")
