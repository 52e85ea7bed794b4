"""terminateAgency (Art. 15, 17; DESIGN §6): the filing authority ends a filing; it is published
for 5 working days, reported to the ministry, open applications are withdrawn and the agency's
Art. 12 (site, occupation) claims are released. Everyone else is refused and nothing changes.

All tests run on DAY (2026-03-10, a Tuesday): the notice runs 2026-03-10..2026-03-16.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.agency import Agency
from models.announcement import Announcement
from models.audit import AuditEvent
from models.claim import ItemClaim
from models.enums import AgencyState, Role
from models.filing import Filing
from schema.core.ids import to_global_id
from server.demo import DEMO_CREDIT_CODES
from tests.support.builders import (
    DAY,
    DAY_PERIOD,
    DIANGONG,
    HANGONG,
    Fresh,
    events_of,
    items,
    make_agency,
    mutate,
    pk,
    submit,
    terminate,
)
from tests.support.documents import (
    AGENCY,
    ANNOUNCEMENTS,
    DECIDE_FILING,
    FILINGS,
    TERMINATE_AGENCY,
)
from tests.support.snapshot import unchanged

READ = """
query ($id: ID!, $name: String!, $status: AgencyStatus!) {
  agency(id: $id) { id status }
  agencies(first: 100, filter: {status: $status, nameContains: $name}) {
    totalCount edges { node { id } } }
}
"""

WORDING = {"UNAPPROVED_SITE_CHANGE": "第十五条", "VOLUNTARY": "第十七条", "OTHER": "终止备案"}


async def _status(api: Any, agency: Fresh, token: str | None) -> str | None:
    data = await api.query(AGENCY, {"id": agency.id}, token)
    return data["agency"]["status"] if data["agency"] else None


# ============================================================================================
# The effect


@pytest.mark.article(11, 15, 17)
@pytest.mark.parametrize("reason", ["UNAPPROVED_SITE_CHANGE", "VOLUNTARY", "OTHER"])
async def test_termination_is_published_and_reported(api_on, reason: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        events_before = len(await events_of(agency))
        result = await terminate(api, agency, reason, token=api.token(Role.CITY, region="350100"))
        assert result["__typename"] == "TerminateAgencySuccess", result
        assert result["agency"] == {"id": agency.id, "status": "TERMINATED"}
        notice = result["announcement"]
        assert notice["kind"] == "TERMINATION" and notice["terminationReason"] == reason
        assert (notice["startDate"], notice["endDate"]) == DAY_PERIOD
        assert notice["current"] is True
        # Art. 15, 17: reported (报备) to the ministry, recorded with the time.
        assert notice["reportedToMinistryAt"].startswith("2026-03-10T10:00:00")
        assert notice["agency"]["id"] == agency.id
        # Art. 15, 17: the province center publishes it, whoever terminated.
        assert notice["authority"] == {"code": "350000"}
        assert agency.credit_code in notice["body"] and WORDING[reason] in notice["body"]

        # The agency reads TERMINATED for everyone, by id and under the status filter.
        for token in (api.token(Role.PROVINCE), api.token(Role.CITY, region="350200"), None):
            data = await api.query(
                READ, {"id": agency.id, "name": agency.name, "status": "TERMINATED"}, token
            )
            assert data["agency"] == {"id": agency.id, "status": "TERMINATED"}
            assert [e["node"]["id"] for e in data["agencies"]["edges"]] == [agency.id]
            active = await api.query(
                READ, {"id": agency.id, "name": agency.name, "status": "ACTIVE"}, token
            )
            assert active["agencies"]["totalCount"] == 0

        # The public reads the notice with its stored dates.
        public = await api.query(ANNOUNCEMENTS, {"filter": {"agencyId": agency.id}})
        assert public["announcements"]["totalCount"] == 1
        (edge,) = public["announcements"]["edges"]
        assert edge["node"]["id"] == notice["id"]
        assert (edge["node"]["startDate"], edge["node"]["endDate"]) == DAY_PERIOD
        assert (edge["node"]["agency"]["id"], edge["node"]["agency"]["status"]) == (
            agency.id,
            "TERMINATED",
        )
        row = await Announcement.get(id=pk(notice["id"]))
        assert (row.start_date.isoformat(), row.end_date.isoformat()) == DAY_PERIOD
        assert row.reported_to_ministry_at is not None

    events = (await events_of(agency))[events_before:]
    assert {e.action for e in events} == {f"terminateAgency:{reason}", "announce"}
    assert all(e.actor_role == "CITY" for e in events)


@pytest.mark.article(3)
async def test_a_provincial_agency_is_terminated_by_the_province(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100", "350500"))
        result = await terminate(api, agency, "UNAPPROVED_SITE_CHANGE")
        assert result["__typename"] == "TerminateAgencySuccess", result
        assert result["announcement"]["authority"] == {"code": "350000"}
        assert await _status(api, agency, None) == "TERMINATED"


@pytest.mark.article(15, 17)
async def test_the_province_center_publishes_every_termination(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        result = await terminate(
            api, agency, "UNAPPROVED_SITE_CHANGE", token=api.token(Role.CITY, region="350200")
        )
        assert result["__typename"] == "TerminateAgencySuccess", result
    assert result["announcement"]["authority"] == {"code": "350000"}


@pytest.mark.article(17)
async def test_open_applications_are_withdrawn(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        info = await submit(api, agency, "INFO_CHANGE", newName=f"{agency.name}（更名）")
        assert info["__typename"] == "SubmitFilingSuccess", info
        scope = await submit(
            api, agency, "SCOPE_CHANGE", items=items(agency.site_ids, (DIANGONG, HANGONG))
        )
        assert scope["__typename"] == "SubmitFilingSuccess", scope
        result = await terminate(api, agency, "VOLUNTARY")
        assert result["__typename"] == "TerminateAgencySuccess", result
        data = await api.query(
            FILINGS, {"filter": {"agencyId": agency.id}}, api.token(Role.PROVINCE)
        )
    status = {e["node"]["id"]: e["node"]["status"] for e in data["filings"]["edges"]}
    assert status == {
        agency.filing_id: "APPROVED",
        info["filing"]["id"]: "WITHDRAWN",
        scope["filing"]["id"]: "WITHDRAWN",
    }
    withdrawn = await AuditEvent.filter(action="withdrawFiling", agency_id=agency.pk)
    assert {e.object_id for e in withdrawn} == {
        str(pk(info["filing"]["id"])),
        str(pk(scope["filing"]["id"])),
    }
    assert all(
        e.before["status"] == "SUBMITTED" and e.after["status"] == "WITHDRAWN" for e in withdrawn
    )
    # A withdrawn filing can no longer be decided.
    async with api_on(DAY) as api:
        late = await mutate(
            api,
            DECIDE_FILING,
            {"filingId": info["filing"]["id"], "approve": True},
            api.token(Role.PROVINCE),
        )
    assert late["__typename"] == "RuleViolation", late


@pytest.mark.article(12)
async def test_its_site_and_occupation_claims_are_released(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        first = await make_agency(api)
        (site,) = first.site_ids
        second = await make_agency(api, active=False)
        wanted = items([site], (DIANGONG,))
        # Art. 12: while the first agency's filing is in force, the pair is taken.
        taken = await submit(api, second, "INITIAL", items=wanted)
        assert taken["__typename"] == "RuleViolation" and taken["article"] == 12, taken
        assert await ItemClaim.exists(agency_id=first.pk, released_at=None)

        assert (await terminate(api, first, "VOLUNTARY"))["__typename"] == "TerminateAgencySuccess"
        assert not await ItemClaim.exists(agency_id=first.pk, released_at=None)

        filed = await submit(api, second, "INITIAL", items=wanted)
        assert filed["__typename"] == "SubmitFilingSuccess", filed
        decided = await mutate(
            api,
            DECIDE_FILING,
            {"filingId": filed["filing"]["id"], "approve": True},
            api.token(Role.CITY, region="350100"),
        )
        assert decided["__typename"] == "DecideFilingSuccess", decided
        assert await _status(api, second, None) == "ACTIVE"
    claims = await ItemClaim.filter(site_id=pk(site), occupation_code=DIANGONG[0], released_at=None)
    assert [c.agency_id for c in claims] == [second.pk]


async def test_a_note_is_published_and_bounded(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        async with unchanged(agency):
            long = await terminate(api, agency, "OTHER", note="很" * 2001)
        assert long["__typename"] == "InvalidInput" and long["field"] == "note", long
        assert (await Agency.get(id=agency.pk)).state is AgencyState.ACTIVE
        result = await terminate(api, agency, "OTHER", note="  经核查，机构已停止经营。 ")
        assert result["__typename"] == "TerminateAgencySuccess", result
        assert result["announcement"]["body"].endswith("\n经核查，机构已停止经营。")


# ============================================================================================
# Who may, and what a refusal leaves behind


@pytest.mark.article(3)
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("city-other", "RuleViolation"),  # 厦门: the agency is public, not theirs
        ("city-pingtan", "RuleViolation"),  # 350128 is a peer, not part of 福州
        (
            "city-of-site-provincial",
            "RuleViolation",
        ),  # 福州 for a provincial agency with a site there
        ("city-other-pending", "NotFound"),  # 厦门 cannot see a PENDING 福州 agency
        ("agency-itself", "RuleViolation"),
        ("agency-other", "RuleViolation"),
        ("public", "RuleViolation"),
        ("public-pending", "NotFound"),
        ("province-missing-id", "NotFound"),
        ("province-malformed-id", "NotFound"),
    ],
)
async def test_refused_terminations_change_nothing(api_on, case: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        if case == "city-of-site-provincial":
            agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        else:
            agency = await make_agency(api, active=not case.endswith("pending"))
        other = await make_agency(api, region="350200")
        token = {
            "city-other": api.token(Role.CITY, region="350200"),
            "city-pingtan": api.token(Role.CITY, region="350128"),
            "city-of-site-provincial": api.token(Role.CITY, region="350100"),
            "city-other-pending": api.token(Role.CITY, region="350200"),
            "agency-itself": agency.token,
            "agency-other": other.token,
        }.get(case, api.token(Role.PROVINCE) if case.startswith("province") else None)
        target = {
            "province-missing-id": to_global_id("Agency", 2**31 - 1),
            "province-malformed-id": "not-an-id",
        }.get(case, agency.id)
        async with unchanged(agency, other):
            result = await mutate(
                api,
                TERMINATE_AGENCY,
                {"agencyId": target, "reason": "UNAPPROVED_SITE_CHANGE"},
                token,
            )
        assert result["__typename"] == expected, result
        assert not await Announcement.exists(agency_id=agency.pk)


async def test_terminating_twice_is_refused(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        assert (await terminate(api, agency))["__typename"] == "TerminateAgencySuccess"
        async with unchanged(agency):
            for token in (api.token(Role.PROVINCE), api.token(Role.CITY, region="350100")):
                again = await terminate(api, agency, "OTHER", token=token)
                assert again["__typename"] == "RuleViolation", again
                assert again["code"] == "ALREADY_CLOSED"
        assert await Announcement.filter(agency_id=agency.pk).count() == 1


async def test_a_revoked_agency_cannot_be_terminated(api_on) -> None:  # type: ignore[no-untyped-def]
    revoked = await Agency.get(credit_code=DEMO_CREDIT_CODES["xiamen_revoked"])
    assert revoked.state is AgencyState.REVOKED
    async with api_on(DAY) as api:
        async with unchanged(revoked):
            result = await mutate(
                api,
                TERMINATE_AGENCY,
                {"agencyId": to_global_id("Agency", revoked.id), "reason": "OTHER"},
                api.token(Role.CITY, region="350200"),
            )
        assert (result["__typename"], result["code"]) == ("RuleViolation", "ALREADY_CLOSED")
    assert (await Agency.get(id=revoked.id)).state is AgencyState.REVOKED


@pytest.mark.article(17)
async def test_a_pending_agency_has_nothing_to_terminate(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, active=False)
        async with unchanged(agency):
            for token in (api.token(Role.PROVINCE), api.token(Role.CITY, region="350100")):
                result = await terminate(api, agency, "VOLUNTARY", token=token)
                assert result["__typename"] == "RuleViolation", result
                assert result["code"] == "NOT_FILED" and result["article"] == 17
        assert (await Agency.get(id=agency.pk)).state is AgencyState.PENDING
        assert not await Announcement.exists(agency_id=agency.pk)
        assert await _status(api, agency, api.token(Role.PROVINCE)) == "PENDING"
    assert not await Filing.exists(agency_id=agency.pk)


@pytest.mark.article(17)
async def test_concurrent_terminations_publish_one_notice(api_on) -> None:  # type: ignore[no-untyped-def]
    """Racing requests: exactly one terminates, the others get ALREADY_CLOSED (one 公示, one
    report to the ministry)."""
    async with api_on(DAY) as api:
        outcomes = []
        for _ in range(8):
            agency = await make_agency(api)
            token = api.token(Role.PROVINCE)
            responses = await asyncio.gather(
                *(
                    api.post(
                        TERMINATE_AGENCY,
                        {"input": {"agencyId": agency.id, "reason": "OTHER"}},
                        token,
                    )
                    for _ in range(3)
                )
            )
            kinds = sorted(r.json()["data"]["terminateAgency"]["__typename"] for r in responses)
            notices = await Announcement.filter(agency_id=agency.pk).count()
            outcomes.append((kinds, notices))
    assert all(
        kinds == ["RuleViolation", "RuleViolation", "TerminateAgencySuccess"] and notices == 1
        for kinds, notices in outcomes
    ), outcomes
