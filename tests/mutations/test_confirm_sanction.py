"""confirmSanction (Art. 23(11); DESIGN §6, §7): the filing authority (the province on any
agency) confirms a revocation the system PROPOSED after three UNQUALIFIED external results in a
calendar year; only then is the agency revoked, banned for three years and the decision
published. Anyone else is refused, or does not even see the proposal, and nothing changes.

Proposals are raised on DAY (2026-03-10) and confirmed on CONFIRM_DAY.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.audit import AuditEvent
from models.claim import ItemClaim
from models.enums import Role
from models.filing import Filing
from tests.support.builders import (
    DAY,
    Fresh,
    agency_view,
    city,
    confirm,
    gid,
    issued,
    make_agency,
    pk,
    recorded,
    submit,
)
from tests.support.documents import NODE
from tests.support.snapshot import unchanged

CONFIRM_DAY = date(2026, 3, 16)


async def _proposal(api: Any, agency: Fresh, **extra: Any) -> dict[str, Any]:
    """Three UNQUALIFIED external results in 2026, recorded by the province; the proposal."""
    for day in (date(2026, 1, 8), date(2026, 2, 8), date(2026, 3, 8)):
        result = await recorded(api, agency, day, **extra)
    proposal: dict[str, Any] = result["proposedSanction"]
    assert proposal is not None and proposal["status"] == "PROPOSED"
    return proposal


@pytest.mark.article(23)
async def test_the_filing_city_confirms_and_the_agency_is_revoked(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350900")
        proposal = await _proposal(api, agency)
        pending = await submit(api, agency, "INFO_CHANGE", newName="宁德测试评价机构（更名）")
        assert pending["__typename"] == "SubmitFilingSuccess", pending
        assert (await api.query(NODE, {"id": proposal["id"]}))["node"] is None
    async with api_on(CONFIRM_DAY) as api:
        result = await confirm(api, proposal["id"], city(api, "350900"))
        assert result["__typename"] == "ConfirmSanctionSuccess", result
        sanction = result["sanction"]
        assert sanction["id"] == proposal["id"]
        assert {
            k: sanction[k]
            for k in ("article", "clause", "grade", "status", "decidedAt", "published")
        } == {
            "article": 23,
            "clause": 11,
            "grade": "REVOCATION",
            "status": "EFFECTIVE",
            "decidedAt": "2026-03-16",
            "published": True,
        }
        assert sanction["agency"] == {"id": agency.id, "status": "REVOKED"}
        view = await agency_view(api, agency, "")
        assert (view["status"], view["bannedUntil"]) == ("REVOKED", "2029-03-16")
        # Published now: the public reads it.
        node = (await api.query(NODE, {"id": proposal["id"]}))["node"]
        assert (node["id"], node["status"], node["published"]) == (
            proposal["id"],
            "EFFECTIVE",
            True,
        )
        # Art. 23: no new filing under the credit code.
        banned = await submit(
            api,
            agency,
            "INITIAL",
            items=[
                {
                    "occupationCode": "6-31-01-03",
                    "occupationName": "电工",
                    "level": "LEVEL_4",
                    "siteId": agency.site_ids[0],
                }
            ],
        )
        assert banned["__typename"] == "RuleViolation" and banned["article"] == 23, banned
    # Nothing of the filing stays in force; the open application is withdrawn.
    assert not await ItemClaim.exists(agency_id=agency.pk, released_at=None)
    assert (await Filing.get(id=pk(pending["filing"]["id"]))).status.value == "WITHDRAWN"
    events = await AuditEvent.filter(
        agency_id=agency.pk, action__startswith="confirmSanction"
    ).order_by("id")
    assert [(e.action, e.actor_role) for e in events] == [
        ("confirmSanction", "CITY"),
        ("confirmSanction:agency", "CITY"),
    ]
    assert (events[0].before["status"], events[0].after["status"]) == ("PROPOSED", "EFFECTIVE")
    assert (events[1].before["state"], events[1].after["state"]) == ("ACTIVE", "REVOKED")


@pytest.mark.article(3, 23)
async def test_the_province_confirms_for_a_provincial_agency(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        proposal = await _proposal(api, provincial)
        assert proposal["authority"] == {"code": "350000"}
        async with unchanged(provincial):
            # The city hosting its site does not see the proposal; the agency sees but may not.
            for token, refusal in (
                (city(api, "350200"), "NotFound"),
                ("", "NotFound"),
                (provincial.token, "RuleViolation"),
            ):
                refused = await confirm(api, proposal["id"], token)
                assert refused["__typename"] == refusal, (token, refused)
        result = await confirm(api, proposal["id"])
        assert result["__typename"] == "ConfirmSanctionSuccess", result
        assert result["sanction"]["agency"]["status"] == "REVOKED"


@pytest.mark.article(3)
async def test_only_the_authority_confirms(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350100")
        other = await make_agency(api, region="350100")
        proposal = await _proposal(api, agency)
        async with unchanged(agency, other):
            for token in (city(api, "350200"), ""):  # outside their scope: not even seen
                refused = await confirm(api, proposal["id"], token)
                assert refused["__typename"] == "NotFound", refused
            for token in (agency.token,):  # its own: seen, not decided
                refused = await confirm(api, proposal["id"], token)
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == "NOT_FILING_AUTHORITY"
            assert (await confirm(api, proposal["id"], other.token))["__typename"] == "NotFound"
            assert (await confirm(api, gid("Sanction", 10**9)))["__typename"] == "NotFound"


@pytest.mark.article(23)
async def test_only_a_proposal_is_confirmed_and_only_once(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        proposal = await _proposal(api, agency)
        assert (await confirm(api, proposal["id"]))["__typename"] == "ConfirmSanctionSuccess"
        other = await make_agency(api)
        interview = (await issued(api, other, 21, 4))["sanction"]
        async with unchanged(agency, other):
            for sanction in (proposal, interview):
                again = await confirm(api, sanction["id"])
                assert again["__typename"] == "RuleViolation", again
                assert again["code"] == "NOT_PROPOSED"


@pytest.mark.article(23)
async def test_an_agency_revoked_meanwhile_is_not_revoked_again(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        proposal = await _proposal(api, agency)
        await issued(api, agency, 23, 8)
        async with unchanged(agency):
            refused = await confirm(api, proposal["id"])
        assert refused["__typename"] == "RuleViolation" and refused["code"] == "NOT_FILED"
        assert (await agency_view(api, agency))["bannedUntil"] == "2029-03-10"


@pytest.mark.article(23)
async def test_a_suspended_agency_is_revoked(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350300")
        await issued(api, agency, 22, 3)
        proposal = await _proposal(api, agency)
        assert proposal["agency"]["status"] == "SUSPENDED"
        result = await confirm(api, proposal["id"], city(api, "350300"))
        assert result["__typename"] == "ConfirmSanctionSuccess", result
        assert result["sanction"]["agency"]["status"] == "REVOKED"
        assert (await agency_view(api, agency, api.token(Role.PROVINCE)))[
            "bannedUntil"
        ] == "2029-03-10"
