"""acceptRectification (Art. 22; DESIGN §6): the filing authority (the province on any agency)
accepts a rectification; the suspension ends unless another rectification is still open.

Runs on DAY (2026-03-10), or 40 days later for an agency in its second filing period.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEvent
from models.enums import Role
from tests.support.builders import (
    DAY,
    accept,
    agency_view,
    city,
    gid,
    issued,
    make_agency,
    pk,
    renew,
    renewable_from,
)
from tests.support.snapshot import unchanged


@pytest.mark.article(22)
async def test_the_authority_accepts_and_the_suspension_ends(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350400")
        notice = (await issued(api, agency, 22, 6, city(api, "350400")))["sanction"]
        assert notice["agency"]["status"] == "SUSPENDED"
        result = await accept(api, notice["id"], city(api, "350400"))
        assert result["__typename"] == "AcceptRectificationSuccess", result
        accepted = result["sanction"]
        assert accepted["id"] == notice["id"] and accepted["rectifiedAt"] == "2026-03-10"
        assert accepted["status"] == "EFFECTIVE" and accepted["grade"] == "RECTIFICATION"
        assert accepted["agency"] == {"id": agency.id, "status": "ACTIVE"}
        assert (await agency_view(api, agency, ""))["status"] == "ACTIVE"
    events = await AuditEvent.filter(
        agency_id=agency.pk, action__startswith="acceptRectification"
    ).order_by("id")
    assert [(e.action, e.object_type) for e in events] == [
        ("acceptRectification:agency", "Agency"),
        ("acceptRectification", "Sanction"),
    ]
    agency_event, sanction_event = events
    assert (agency_event.before["state"], agency_event.after["state"]) == ("SUSPENDED", "ACTIVE")
    assert (sanction_event.before["rectified_at"], sanction_event.after["rectified_at"]) == (
        None,
        "2026-03-10",
    )
    assert sanction_event.object_id == str(pk(notice["id"]))


@pytest.mark.article(3, 22)
async def test_the_province_accepts_for_a_city_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350700")
        notice = (await issued(api, agency, 22, 3, city(api, "350700")))["sanction"]
        result = await accept(api, notice["id"])
        assert result["__typename"] == "AcceptRectificationSuccess", result
        assert result["sanction"]["agency"]["status"] == "ACTIVE"


@pytest.mark.article(22)
async def test_two_open_rectifications_both_have_to_be_accepted(api_on) -> None:  # type: ignore[no-untyped-def]
    # A notice of the first filing period stays open into the second, where a new notice is a
    # plain 22 again (the ladder counts the current period): two open rectifications.
    async with api_on(DAY - timedelta(days=10)) as api:
        agency = await make_agency(api, region="350500", valid_from=renewable_from(DAY))
        first = (await issued(api, agency, 22, 5))["sanction"]
    async with api_on(DAY) as api:
        await renew(api, agency)  # a suspended agency's filing is still in force
        assert (await agency_view(api, agency))["validUntil"] == "2029-04-09"
    later = DAY + timedelta(days=40)
    async with api_on(later) as api:
        result = await issued(api, agency, 22, 9)
        second = result["sanction"]
        assert result["escalated"] is False and second["grade"] == "RECTIFICATION"
        assert second["agency"]["status"] == "SUSPENDED"

        one = await accept(api, second["id"])
        assert one["__typename"] == "AcceptRectificationSuccess", one
        assert one["sanction"]["agency"]["status"] == "SUSPENDED"  # the first is still open
        assert (await agency_view(api, agency, ""))["status"] == "SUSPENDED"

        two = await accept(api, first["id"])
        assert two["__typename"] == "AcceptRectificationSuccess", two
        assert two["sanction"]["rectifiedAt"] == later.isoformat()
        assert two["sanction"]["agency"]["status"] == "ACTIVE"
        assert (await agency_view(api, agency, ""))["status"] == "ACTIVE"


@pytest.mark.article(3, 22)
async def test_only_the_authority_accepts(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        own = await make_agency(api, region="350200")
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        notices = [
            (await issued(api, own, 22, 2))["sanction"],
            (await issued(api, provincial, 22, 2))["sanction"],
        ]
        async with unchanged(own, provincial):
            refusals = [
                (notices[0], city(api, "350300")),  # another city
                (notices[0], own.token),  # the agency itself
                (notices[0], provincial.token),  # another agency
                (notices[0], ""),  # the public (the notice is published, so visible)
                (notices[1], city(api, "350200")),  # a city, for a provincial agency it hosts
            ]
            for notice, token in refusals:
                refused = await accept(api, notice["id"], token)
                assert refused["__typename"] == "RuleViolation", (token, refused)
                assert refused["code"] == "NOT_FILING_AUTHORITY"
            missing = await accept(api, gid("Sanction", 10**9))
        assert missing["__typename"] == "NotFound", missing
        assert (await agency_view(api, own))["status"] == "SUSPENDED"


@pytest.mark.article(22)
async def test_accepting_twice_is_refused(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350600")
        notice = (await issued(api, agency, 22, 8))["sanction"]
        first = await accept(api, notice["id"], city(api, "350600"))
        assert first["__typename"] == "AcceptRectificationSuccess", first
        async with unchanged(agency):
            for token in (city(api, "350600"), api.token(Role.PROVINCE)):
                again = await accept(api, notice["id"], token)
                assert again["__typename"] == "RuleViolation", again
                assert again["code"] == "ALREADY_RECTIFIED" and again["article"] == 22


@pytest.mark.article(22)
async def test_only_rectifications_are_accepted(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        interview = (await issued(api, agency, 21, 1))["sanction"]
        other = await make_agency(api)
        revocation = (await issued(api, other, 23, 3))["sanction"]
        async with unchanged(agency, other):
            for sanction in (interview, revocation):
                refused = await accept(api, sanction["id"])
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == "NOT_RECTIFICATION"
