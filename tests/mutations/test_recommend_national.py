"""recommendNational (Art. 28; DESIGN §5, §6): the province recommends an ACTIVE provincial agency
whose current filing period is clean for national level, once. Nobody else recommends.

Runs on DAY (2026-03-10) at 10:00 Asia/Shanghai.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.builders import (
    DAY,
    approve_upgrade,
    city,
    issued,
    make_agency,
    recommend_national,
    recommend_upgrade,
    renewed_agency,
)
from tests.support.snapshot import unchanged


@pytest.mark.article(28)
async def test_the_province_recommends_a_clean_provincial_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100", "350500"))
        result = await recommend_national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result
        assert result["agency"]["nationalRecommendedAt"].startswith("2026-03-10T10:00:00")
        assert result["agency"]["level"] == "PROVINCIAL"
        async with unchanged(agency):
            again = await recommend_national(api, agency)
        assert again["__typename"] == "RuleViolation" and again["code"] == "ALREADY_RECOMMENDED"


@pytest.mark.article(28)
async def test_national_recommendation_needs_a_clean_active_provincial_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        interviewed = await make_agency(api, level="PROVINCIAL")
        await issued(api, interviewed, 21, 7)
        suspended = await make_agency(api, level="PROVINCIAL")
        await issued(api, suspended, 22, 3)
        city_level = await make_agency(api, region="350100")
        async with unchanged(interviewed, suspended, city_level):
            for agency, code in (
                (interviewed, "NOT_CLEAN"),
                (suspended, "NOT_ELIGIBLE"),
                (city_level, "NOT_ELIGIBLE"),
            ):
                refused = await recommend_national(api, agency)
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == code and refused["article"] == 28


@pytest.mark.article(28)
async def test_only_the_province_recommends_for_national_level(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        async with unchanged(agency):
            for token in (city(api, "350100"), agency.token, ""):
                refused = await recommend_national(api, agency, token)
                assert refused["__typename"] == "RuleViolation", refused


@pytest.mark.article(28)
async def test_a_sanction_of_the_previous_period_does_not_count(api_on) -> None:  # type: ignore[no-untyped-def]
    agency = await renewed_agency(api_on, level="PROVINCIAL", sanctioned=(21, 3))
    async with api_on(DAY + timedelta(days=40)) as api:  # in the second period
        result = await recommend_national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result


@pytest.mark.article(27, 28)
async def test_an_upgraded_agency_can_go_on_to_national_level(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350900")
        assert (await recommend_upgrade(api, agency, city(api, "350900"), [2]))[
            "__typename"
        ] == "UpgradeSuccess"
        assert (await approve_upgrade(api, agency))["__typename"] == "UpgradeSuccess"
        result = await recommend_national(api, agency)
        assert result["__typename"] == "UpgradeSuccess", result
