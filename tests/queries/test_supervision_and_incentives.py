"""Agency.supervisionMode and Agency.incentives (Art. 25; DESIGN §5, §6): a filing period without
an Art. 21-23 sanction earns the Art. 25(1)-(3) support; a social organisation (colleges
included) moves from 逢考必督 (EVERY_EXAM) to random supervision from its second filing period
when its record is clean (Art. 25(4)); employers stay EVERY_EXAM. Both are shown only to the
agency, the cities it is filed with or operates in, and the province; null for everyone else.

"Second period" agencies are imported with a first period ending DAY + 30 and renewed on DAY
(2026-03-10), so their second period runs from 2026-04-09; they are looked at on LATER.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from models.enums import Role
from tests.support.builders import (
    DAY,
    Fresh,
    accept,
    agency_view,
    city,
    issued,
    make_agency,
    recorded,
    renew,
    renewable_from,
    renewed_agency,
)

LATER = DAY + timedelta(days=40)  # inside the second period of the renewed agencies
ARTICLES = ["Art. 25(1)", "Art. 25(2)", "Art. 25(3)"]


def _incentive_articles(view: dict[str, Any]) -> list[str] | None:
    if view["incentives"] is None:
        return None
    return [i.split(":")[0] for i in view["incentives"]]


async def _mode_and_incentives(
    api: Any, agency: Fresh, token: str | None = None
) -> tuple[str | None, list[str] | None]:
    view = await agency_view(api, agency, token)
    return view["supervisionMode"], _incentive_articles(view)


@pytest.mark.article(25)
async def test_a_clean_first_period(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        for kind, college in (("EMPLOYER", False), ("SOCIAL_ORG", False), ("SOCIAL_ORG", True)):
            agency = await make_agency(api, kind=kind, is_college=college)
            assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", ARTICLES)
            assert all(
                len(i) > len("Art. 25(1): ") for i in (await agency_view(api, agency))["incentives"]
            )


@pytest.mark.article(25)
@pytest.mark.parametrize(("article", "clause"), [(21, 1), (22, 2), (23, 3)])
async def test_any_sanction_in_the_period_ends_the_incentives(  # type: ignore[no-untyped-def]
    api_on,
    article: int,
    clause: int,
) -> None:
    async with api_on(DAY) as api:
        agency = await make_agency(api, kind="SOCIAL_ORG")
        await issued(api, agency, article, clause)
        assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", [])


@pytest.mark.article(25)
async def test_an_accepted_rectification_still_counts(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        notice = (await issued(api, agency, 22, 4))["sanction"]
        assert (await accept(api, notice["id"]))["__typename"] == "AcceptRectificationSuccess"
        assert (await agency_view(api, agency))["status"] == "ACTIVE"
        assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", [])


@pytest.mark.article(25)
async def test_a_proposed_sanction_has_no_effect(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        for day in (date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)):
            result = await recorded(api, agency, day)
        assert result["proposedSanction"]["status"] == "PROPOSED"
        assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", ARTICLES)


# ============================================================================================
# Art. 25(4): the second filing period


@pytest.mark.article(25)
@pytest.mark.parametrize(
    ("kind", "college", "mode"),
    [
        ("SOCIAL_ORG", False, "RANDOM"),
        ("SOCIAL_ORG", True, "RANDOM"),
        ("EMPLOYER", False, "EVERY_EXAM"),
    ],
)
async def test_the_second_period_of_a_clean_agency(  # type: ignore[no-untyped-def]
    api_on,
    kind: str,
    college: bool,
    mode: str,
) -> None:
    agency = await renewed_agency(api_on, kind=kind, is_college=college)
    async with api_on(LATER) as api:
        view = await agency_view(api, agency)
        assert view["validUntil"] == "2029-04-09" and view["status"] == "ACTIVE"
        assert await _mode_and_incentives(api, agency) == (mode, ARTICLES)


@pytest.mark.article(25)
async def test_a_sanction_of_the_first_period_keeps_every_exam_supervision(api_on) -> None:  # type: ignore[no-untyped-def]
    agency = await renewed_agency(api_on, kind="SOCIAL_ORG", sanctioned=(21, 6))
    async with api_on(LATER) as api:
        # Not a clean record: still every exam; the second period itself is clean so far.
        assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", ARTICLES)


@pytest.mark.article(25)
async def test_a_sanction_in_the_second_period_ends_random_supervision(api_on) -> None:  # type: ignore[no-untyped-def]
    agency = await renewed_agency(api_on, kind="SOCIAL_ORG")
    async with api_on(LATER) as api:
        assert (await _mode_and_incentives(api, agency))[0] == "RANDOM"
        await issued(api, agency, 21, 2)
        assert await _mode_and_incentives(api, agency) == ("EVERY_EXAM", [])


@pytest.mark.article(25)
async def test_a_sanction_before_an_early_renewal_still_counts(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY - timedelta(days=10)) as api:
        agency = await make_agency(api, valid_from=renewable_from(DAY))  # period ends DAY + 30
        await issued(api, agency, 21, 6)
        assert (await _mode_and_incentives(api, agency))[1] == []
    async with api_on(DAY) as api:
        await renew(api, agency)
        # Still in the first period (until 2026-04-09), which has an interview.
        assert (await _mode_and_incentives(api, agency))[1] == []


# ============================================================================================
# Who sees them


@pytest.mark.article(25)
async def test_shown_only_to_the_agency_its_cities_and_the_province(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(
            api, region="350100", kind="SOCIAL_ORG", site_regions=("350100", "350200")
        )
        other = await make_agency(api, region="350100")
        allowed = {
            "itself": agency.token,
            "filing city": city(api, "350100"),
            "city it operates in": city(api, "350200"),
            "province": api.token(Role.PROVINCE),
        }
        for who, token in allowed.items():
            assert await _mode_and_incentives(api, agency, token) == ("EVERY_EXAM", ARTICLES), who
        refused = {"public": "", "another city": city(api, "350300"), "another agency": other.token}
        for who, token in refused.items():
            view = await agency_view(api, agency, token)
            assert view["status"] == "ACTIVE", who  # the agency itself is public
            assert (view["supervisionMode"], view["incentives"]) == (None, None), who
