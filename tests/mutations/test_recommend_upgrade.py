"""recommendUpgrade (Art. 26, 27; DESIGN §5, §6): a city recommends its own CITY-level agency
that meets an Art. 26 case, once, while it is ACTIVE; nobody else recommends, and a pending
recommendation is private. tests/mutations/test_approve_upgrade.py: the province agrees.

Runs on DAY (2026-03-10) at 10:00 Asia/Shanghai.
"""

from __future__ import annotations

import pytest

from models.enums import Role
from tests.support.builders import (
    DAY,
    agency_view,
    city,
    gid,
    issued,
    make_agency,
    mutate,
    recommend_upgrade,
)
from tests.support.documents import RECOMMEND_UPGRADE
from tests.support.snapshot import unchanged


@pytest.mark.article(27)
async def test_only_its_own_city_recommends(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        async with unchanged(agency, provincial):
            for target, token in (
                (agency, city(api, "350300")),
                (agency, api.token(Role.PROVINCE)),  # the province decides
                (agency, agency.token),
                (agency, ""),
                (provincial, city(api, "350200")),
            ):  # hosted, not filed with it
                refused = await recommend_upgrade(api, target, token)
                assert refused["__typename"] == "RuleViolation", (token, refused)
                assert refused["article"] == 27
            missing = await mutate(
                api,
                RECOMMEND_UPGRADE,
                {"agencyId": gid("Agency", 10**9), "basis": [1]},
                city(api, "350200"),
            )
        assert missing["__typename"] == "NotFound", missing


@pytest.mark.article(26)
@pytest.mark.parametrize("basis", [[], [0], [6], [1, 6], [-1]])
async def test_the_basis_is_an_art_26_case(api_on, basis: list[int]) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350400")
        async with unchanged(agency):
            refused = await recommend_upgrade(api, agency, city(api, "350400"), basis)
        assert refused["__typename"] == "InvalidInput" and refused["field"] == "basis", refused


@pytest.mark.article(27)
async def test_a_recommendation_needs_an_active_agency_and_is_made_once(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        fuzhou = city(api, "350100")
        suspended = await make_agency(api, region="350100")
        await issued(api, suspended, 22, 1)
        pending = await make_agency(api, region="350100", active=False)
        twice = await make_agency(api, region="350100")
        assert (await recommend_upgrade(api, twice, fuzhou, [2]))["__typename"] == "UpgradeSuccess"
        async with unchanged(suspended, pending, twice):
            for agency, code in (
                (suspended, "NOT_ACTIVE"),
                (pending, "NOT_ACTIVE"),
                (twice, "ALREADY_RECOMMENDED"),
            ):
                refused = await recommend_upgrade(api, agency, fuzhou, [2])
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == code and refused["article"] == 27


@pytest.mark.article(27)
async def test_a_pending_recommendation_is_not_public(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        recommended = await recommend_upgrade(api, agency, city(api, "350200"), [2])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        assert (await agency_view(api, agency, ""))["upgradeRecommendedAt"] is None
        seen = await agency_view(api, agency)
        assert seen["upgradeRecommendedAt"].startswith("2026-03-10")
