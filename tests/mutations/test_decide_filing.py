"""decideFiling (Art. 3, 4, 12, 13, 16, 17): the filing authority approves or rejects.

Each test builds its own agencies through the API (tests/support/builders.py). Dates follow the
registry's convention: an INITIAL approval is valid from the decision day through the same
calendar date three years on (29 February -> 28 February); a renewal runs from the day after the
old expiry through the same date three years after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from models.announcement import Announcement
from models.audit import AuditEvent
from models.enums import Role
from models.filing import Filing
from schema.core.ids import to_global_id
from tests.support.builders import (
    Fresh,
    add_site,
    agency_view,
    approved,
    days,
    decide,
    holders,
    item,
    make_agency,
    nodes,
    pk,
    public_venue,
    submit,
    submitted,
    today,
)
from tests.support.documents import ANNOUNCEMENTS, AUDIT_EVENTS, DECIDE_FILING, FILING_QUEUE
from tests.support.snapshot import snapshot, unchanged

if TYPE_CHECKING:
    from tests.support.http_api import Api

ApiOn = Callable[..., Any]


def assert_refused(result: dict[str, Any], code: str, article: int) -> None:
    assert result["__typename"] == "RuleViolation", result
    assert (result["code"], result["article"]) == (code, article), result


async def audit(api: Api, org: Fresh, action: str) -> list[dict[str, Any]]:
    return await nodes(
        api, AUDIT_EVENTS, api.token(Role.PROVINCE), filter={"agencyId": org.id, "action": action}
    )


async def notices(api: Api, org: Fresh, kind: str) -> list[dict[str, Any]]:
    return await nodes(
        api,
        ANNOUNCEMENTS,
        None,  # as the public
        filter={"agencyId": org.id, "kind": kind},
    )


# ---------------------------------------------------------------------------------------------
# INITIAL: dates, state, claims, audit trail


@pytest.mark.article(3, 11, 12, 16)
async def test_the_filing_city_approves_an_initial_filing(api: Api, api_on: ApiOn) -> None:
    day = date(2026, 6, 15)
    async with api_on(day) as then:
        org = await make_agency(then, active=False, sites=2)
        filing_id = await submitted(
            then,
            org,
            "INITIAL",
            [
                item(org.site_ids[0], "电工", "LEVEL_4"),
                item(org.site_ids[0], "电工", "LEVEL_3"),
                item(org.site_ids[1], "焊工"),
            ],
        )

        filing = await approved(then, filing_id, token=then.token(Role.CITY, region="350100"))

        assert filing["status"] == "APPROVED" and filing["decidedAt"].startswith("2026-06-15")
        assert (filing["validFrom"], filing["validUntil"]) == ("2026-06-15", "2029-06-15")
        agency = await agency_view(then, org)
    assert (agency["status"], agency["validUntil"]) == ("ACTIVE", "2029-06-15")
    # Art. 12: the pairs are the agency's now (two levels of one occupation are one pair).
    assert await holders(org.site_ids[0], "电工") == [org.pk]
    assert await holders(org.site_ids[1], "焊工") == [org.pk]
    decided = await AuditEvent.get(action="decideFiling", object_id=str(pk(filing_id)))
    assert decided.actor_role == "CITY" and decided.agency_id == org.pk
    assert (decided.before["status"], decided.after["status"]) == ("SUBMITTED", "APPROVED")
    [changed] = await audit(api, org, "approveFiling:agency")
    assert (changed["before"]["state"], changed["after"]["state"]) == ("PENDING", "ACTIVE")
    assert changed["after"]["first_approved_on"] == "2026-06-15"


@pytest.mark.article(16)
async def test_an_approval_on_29_february_runs_to_28_february(api_on: ApiOn) -> None:
    async with api_on(date(2024, 2, 29)) as api:
        org = await make_agency(api, active=False)
        filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])

        filing = await approved(api, filing_id)

        assert (filing["validFrom"], filing["validUntil"]) == ("2024-02-29", "2027-02-28")
        assert (await agency_view(api, org))["validUntil"] == "2027-02-28"


@pytest.mark.article(3)
async def test_the_province_decides_for_a_city_level_agency(api: Api) -> None:
    org = await make_agency(api, active=False, region="350200")
    filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])

    filing = await approved(api, filing_id, token=api.token(Role.PROVINCE))

    assert filing["validFrom"] == today().isoformat()
    assert (await agency_view(api, org))["status"] == "ACTIVE"


@pytest.mark.article(12)
async def test_a_rejection_records_its_reason_and_puts_nothing_in_force(api: Api) -> None:
    org = await make_agency(api, active=False)
    filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])
    reason = "评价场所未配备视频监控设备，不符合《管理办法》第五条第（三）项。"

    result = await decide(
        api, filing_id, approve=False, reason=reason, token=api.token(Role.CITY, region="350100")
    )

    assert result["__typename"] == "DecideFilingSuccess", result
    filing = result["filing"]
    assert (filing["status"], filing["reason"]) == ("REJECTED", reason)
    assert filing["validFrom"] is None and filing["validUntil"] is None
    assert (await agency_view(api, org))["status"] == "PENDING"
    assert await holders(org.site_ids[0]) == []
    assert await audit(api, org, "approveFiling:agency") == []
    event = await AuditEvent.get(action="decideFiling", object_id=str(pk(filing_id)))
    assert event.after["status"] == "REJECTED" and event.after["reason"] == reason


@pytest.mark.parametrize("reason", [None, "", "   "])
async def test_a_rejection_without_reason_is_invalid_input(api: Api, reason: str | None) -> None:
    org = await make_agency(api, active=False)
    filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])
    async with unchanged(org):
        result = await decide(api, filing_id, approve=False, reason=reason)
    assert result["__typename"] == "InvalidInput" and result["field"] == "reason", result


# ---------------------------------------------------------------------------------------------
# Who decides (Art. 3, 4; DESIGN §6)


@pytest.mark.article(3)
@pytest.mark.parametrize(
    ("level", "actor", "outcome"),
    [
        ("CITY", "filing_city", "DecideFilingSuccess"),
        ("CITY", "province", "DecideFilingSuccess"),
        ("CITY", "other_city", "NotFound"),
        ("CITY", "the_agency", "RuleViolation"),
        ("CITY", "other_agency", "NotFound"),
        ("CITY", "public", "NotFound"),
        ("PROVINCIAL", "province", "DecideFilingSuccess"),
        ("PROVINCIAL", "city_of_its_site", "RuleViolation"),  # sees the filing, does not decide it
        ("PROVINCIAL", "other_city", "NotFound"),
    ],
)
async def test_only_the_filing_authority_or_the_province_decides(
    api: Api, level: str, actor: str, outcome: str
) -> None:
    # A city-level agency filed with 福州 with its venue there; a provincial agency whose
    # venue lies in 厦门. 泉州 sees neither (both PENDING, nothing on its territory).
    org = await make_agency(
        api,
        active=False,
        level=level,
        region="350100",
        site_regions=("350200" if level == "PROVINCIAL" else "350100",),
    )
    filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])
    other = await make_agency(api, active=False, region="350500")
    token = {
        "filing_city": api.token(Role.CITY, region="350100"),
        "province": api.token(Role.PROVINCE),
        "other_city": api.token(Role.CITY, region="350500"),
        "city_of_its_site": api.token(Role.CITY, region="350200"),
        "the_agency": org.token,
        "other_agency": other.token,
        "public": "",
    }[actor]
    before = await snapshot(org, other)

    result = await decide(api, filing_id, token=token)

    assert result["__typename"] == outcome, result
    if outcome == "DecideFilingSuccess":
        assert (await agency_view(api, org))["status"] == "ACTIVE"
        return
    if outcome == "RuleViolation":
        assert (result["code"], result["article"]) == ("NOT_FILING_AUTHORITY", 3), result
    assert await snapshot(org, other) == before


@pytest.mark.parametrize("first_decision", ["approve", "reject"])
async def test_a_filing_is_decided_once(api: Api, first_decision: str) -> None:
    org = await make_agency(api, active=False)
    filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])
    first = await decide(api, filing_id, approve=first_decision == "approve", reason="材料不全")
    assert first["__typename"] == "DecideFilingSuccess", first
    async with unchanged(org):
        again = await decide(api, filing_id, approve=True)
        reversed_ = await decide(api, filing_id, approve=False, reason="改判")

    assert_refused(again, "ALREADY_DECIDED", 16)
    assert_refused(reversed_, "ALREADY_DECIDED", 16)


# ---------------------------------------------------------------------------------------------
# What each kind does


@pytest.mark.article(12, 16)
async def test_a_renewal_extends_the_filing_by_three_years(api_on: ApiOn) -> None:
    day = date(2026, 6, 15)
    async with api_on(day) as api:
        org = await make_agency(api, valid_from=date(2023, 7, 1))  # valid until 2026-07-01
        renewal = await submitted(api, org, "RENEWAL")

        filing = await approved(api, renewal)

        assert (filing["validFrom"], filing["validUntil"]) == ("2026-07-02", "2029-07-01")
        agency = await agency_view(api, org)
    assert (agency["status"], agency["validUntil"]) == ("ACTIVE", "2029-07-01")
    # Art. 12: the same agency renewing its own pair keeps it.
    assert await holders(org.site_ids[0]) == [org.pk]


@pytest.mark.article(12, 13)
async def test_a_scope_change_replaces_the_scope_in_force(api: Api) -> None:
    org = await make_agency(
        api,
        valid_from=today() - days(400),
        scope=lambda s: [item(s[0], "电工"), item(s[0], "焊工")],
    )
    valid_until = (await agency_view(api, org))["validUntil"]
    home, new_site = org.site_ids[0], await add_site(api, org)
    change = await submitted(
        api,
        org,
        "SCOPE_CHANGE",
        [item(home, "电工"), item(home, "电工", "LEVEL_3"), item(new_site, "茶艺师", "LEVEL_5")],
    )

    filing = await approved(api, change)

    assert (filing["validFrom"], filing["validUntil"]) == (today().isoformat(), valid_until)
    assert (await agency_view(api, org))["validUntil"] == valid_until
    assert await holders(home, "电工") == [org.pk]
    assert await holders(new_site, "茶艺师") == [org.pk]
    assert await holders(home, "焊工") == []  # dropped from the scope
    # ... so another agency may take it.
    newcomer = await make_agency(api, active=False, sites=0)
    taken = await approved(api, await submitted(api, newcomer, "INITIAL", [item(home, "焊工")]))
    assert taken["status"] == "APPROVED" and await holders(home, "焊工") == [newcomer.pk]


@pytest.mark.article(11, 13)
async def test_an_info_change_renames_keeps_the_history_and_is_published(
    api: Api, api_on: ApiOn
) -> None:
    # Approved on Tuesday 29 September 2026: 5 working days are 29, 30 September and, after
    # the National Day holiday, 8, 9 and 10 (a make-up Saturday) October.
    async with api_on(date(2026, 9, 29)) as then:
        org = await make_agency(then, valid_from=date(2025, 1, 1))
        old_name = (await agency_view(then, org))["name"]
        change = await submitted(
            then,
            org,
            "INFO_CHANGE",
            newName="福建智造技能评价中心有限公司",
            newLegalRepresentative="陈明",
        )

        filing = await approved(then, change, token=then.token(Role.CITY, region="350100"))

        agency = await agency_view(then, org)
        [notice] = await notices(then, org, "INFO_CHANGE")
    assert filing["status"] == "APPROVED"
    assert (agency["name"], agency["legalRepresentative"]) == (
        "福建智造技能评价中心有限公司",
        "陈明",
    )
    assert agency["validUntil"] == "2028-01-01"  # the filing period is untouched
    assert (notice["startDate"], notice["endDate"]) == ("2026-09-29", "2026-10-10")
    assert notice["authority"] == {"code": "350100"} and notice["agency"]["id"] == org.id
    assert old_name in notice["body"] and "福建智造技能评价中心有限公司" in notice["body"]
    [changed] = await audit(api, org, "approveFiling:agency")
    assert (changed["before"]["name"], changed["after"]["name"]) == (old_name, agency["name"])
    assert changed["before"]["legal_representative"] is None
    assert changed["after"]["legal_representative"] == "陈明"
    assert len(await audit(api, org, "announce")) == 1


@pytest.mark.article(12, 17)
async def test_a_termination_closes_the_agency_with_a_notice_reported_to_the_ministry(
    api: Api, api_on: ApiOn
) -> None:
    # Approved on Monday 15 June 2026: the Dragon Boat holiday (19-21 June) is skipped.
    async with api_on(date(2026, 6, 15)) as then:
        org = await make_agency(then, valid_from=date(2025, 1, 1))
        open_change = await submitted(then, org, "INFO_CHANGE", newName="未决的更名申请")
        termination = await submitted(then, org, "TERMINATION", reason="业务调整")

        filing = await approved(then, termination)

        agency = await agency_view(then, org)
        [notice] = await notices(then, org, "TERMINATION")
    assert filing["status"] == "APPROVED" and agency["status"] == "TERMINATED"
    assert (notice["startDate"], notice["endDate"]) == ("2026-06-15", "2026-06-22")
    assert notice["reportedToMinistryAt"].startswith("2026-06-15")
    assert await holders(org.site_ids[0]) == []  # nothing stays in force
    withdrawn = await Filing.get(id=pk(open_change))
    assert withdrawn.status == "WITHDRAWN"
    [closed] = await audit(api, org, "approveFiling:agency")
    assert (closed["before"]["state"], closed["after"]["state"]) == ("ACTIVE", "TERMINATED")


# ---------------------------------------------------------------------------------------------
# Art. 12 at approval: one agency per (site, occupation) in force


async def _two_applications(
    api: Api, occupation: str, level: str
) -> tuple[str, Fresh, str, Fresh, str]:
    """Two new agencies apply for a venue every agency sees: the first for 电工, the second for
    `occupation` at `level`. (venue, first, its filing, second, its filing)"""
    venue = await public_venue(api)
    first = await make_agency(api, active=False, sites=0)
    second = await make_agency(api, active=False, sites=0)
    first_filing = await submitted(api, first, "INITIAL", [item(venue, "电工")])
    second_filing = await submitted(api, second, "INITIAL", [item(venue, occupation, level)])
    return venue, first, first_filing, second, second_filing


@pytest.mark.article(12)
async def test_of_two_applications_for_one_pair_only_the_first_approval_wins(api: Api) -> None:
    venue, first, first_filing, second, second_filing = await _two_applications(
        api, "电工", "LEVEL_3"
    )

    assert (await approved(api, first_filing))["status"] == "APPROVED"
    async with unchanged(first, second):
        result = await decide(api, second_filing)

    assert_refused(result, "SITE_OCCUPATION_TAKEN", 12)
    assert await holders(venue, "电工") == [first.pk]


@pytest.mark.article(12)
async def test_another_occupation_at_the_same_venue_is_fine(api: Api) -> None:
    venue, first, first_filing, second, second_filing = await _two_applications(
        api, "焊工", "LEVEL_4"
    )

    await approved(api, first_filing)
    result = await decide(api, second_filing)

    assert result["__typename"] == "DecideFilingSuccess", result
    assert await holders(venue, "电工") == [first.pk]
    assert await holders(venue, "焊工") == [second.pk]


@pytest.mark.article(12, 17)
async def test_a_pair_is_free_again_once_its_holder_is_terminated(api: Api) -> None:
    holder = await make_agency(api, valid_from=today() - days(100))
    venue = holder.site_ids[0]
    newcomer = await make_agency(api, active=False, sites=0)
    refused = await submit(api, newcomer, "INITIAL", [item(venue, "电工")])
    assert_refused(refused, "SITE_OCCUPATION_TAKEN", 12)

    await approved(api, await submitted(api, holder, "TERMINATION"))
    filing = await approved(api, await submitted(api, newcomer, "INITIAL", [item(venue, "电工")]))

    assert filing["status"] == "APPROVED"
    assert await holders(venue, "电工") == [newcomer.pk]


# ---------------------------------------------------------------------------------------------
# The authority's queue


async def _queue(api: Api, token: str | None) -> tuple[int, set[str]]:
    """(totalCount, ids) of the viewer's filing queue, all pages."""
    queue = await nodes(api, FILING_QUEUE, token)
    assert all(n["status"] == "SUBMITTED" for n in queue)
    return len(queue), {n["id"] for n in queue}


@pytest.mark.article(3)
async def test_the_queue_holds_the_submitted_filings_the_viewer_may_decide(api: Api) -> None:
    fuzhou = await make_agency(api, active=False, region="350100")
    xiamen = await make_agency(api, active=False, region="350200")
    provincial = await make_agency(api, active=False, level="PROVINCIAL", site_regions=("350100",))
    decided = await make_agency(api, active=False, region="350100")
    in_fuzhou = await submitted(api, fuzhou, "INITIAL", [item(fuzhou.site_ids[0])])
    in_xiamen = await submitted(api, xiamen, "INITIAL", [item(xiamen.site_ids[0])])
    # 福州 sees this one (its venue is in 福州) but the province decides it.
    of_provincial = await submitted(api, provincial, "INITIAL", [item(provincial.site_ids[0])])
    await approved(api, await submitted(api, decided, "INITIAL", [item(decided.site_ids[0])]))
    waiting = await Filing.filter(status="SUBMITTED").values_list("id", "agency__filing_region_id")

    everything = {to_global_id("Filing", fid) for fid, _ in waiting}
    of_fuzhou = {to_global_id("Filing", fid) for fid, region in waiting if region == "350100"}

    city_total, city_queue = await _queue(api, api.token(Role.CITY, region="350100"))
    province_total, province_queue = await _queue(api, api.token(Role.PROVINCE))

    assert city_queue == of_fuzhou and city_total == len(of_fuzhou)
    assert in_fuzhou in city_queue
    assert in_xiamen not in city_queue and of_provincial not in city_queue
    assert province_queue == everything and province_total == len(everything)
    assert {in_fuzhou, in_xiamen, of_provincial} <= province_queue
    for token in (None, fuzhou.token):
        assert await _queue(api, token) == (0, set())


# ---------------------------------------------------------------------------------------------
# Decisions racing, and decisions after the snapshot moved on since submission


@pytest.mark.article(13, 16)
async def test_a_scope_change_is_not_approved_once_the_filing_expired(api_on: ApiOn) -> None:
    async with api_on(date(2026, 6, 15)) as then:
        org = await make_agency(then, valid_from=date(2023, 6, 25))  # valid until 2026-06-25
        change = await submitted(
            then, org, "SCOPE_CHANGE", [item(org.site_ids[0]), item(org.site_ids[0], "焊工")]
        )
    async with api_on(date(2026, 7, 10)) as later:  # expired on 26 June
        assert (await agency_view(later, org))["status"] == "EXPIRED"
        before = await snapshot(org)

        result = await decide(later, change)

    assert result["__typename"] == "RuleViolation", result
    assert result["code"] == "NOT_IN_FORCE" and result["article"] is not None, result
    assert await snapshot(org) == before


@pytest.mark.article(13, 16)
async def test_a_renewal_approved_after_a_scope_change_keeps_the_new_scope(api_on: ApiOn) -> None:
    async with api_on(date(2026, 6, 15)) as then:
        org = await make_agency(then, valid_from=date(2023, 7, 1))  # in its renewal window
        renewal = await submitted(then, org, "RENEWAL")
        change = await submitted(
            then, org, "SCOPE_CHANGE", [item(org.site_ids[0]), item(org.site_ids[0], "焊工")]
        )
        await approved(then, change)
        assert await holders(org.site_ids[0], "焊工") == [org.pk]

        filing = await approved(then, renewal)

    assert filing["validUntil"] == "2029-07-01"
    assert await holders(org.site_ids[0], "电工") == [org.pk]
    assert await holders(org.site_ids[0], "焊工") == [org.pk]


@pytest.mark.parametrize("decisions", ["approve_and_reject", "approve_twice"])
async def test_two_decisions_at_once_decide_a_filing_once(
    api: Api, database: str, decisions: str
) -> None:
    if database != "postgres":
        pytest.skip("real concurrency needs PostgreSQL")
    token = api.token(Role.PROVINCE)
    for _ in range(3):
        if decisions == "approve_and_reject":
            org = await make_agency(api, active=False)
            filing_id = await submitted(api, org, "INITIAL", [item(org.site_ids[0])])
            inputs: list[dict[str, Any]] = [
                {"approve": True},
                {"approve": False, "reason": "材料不全"},
            ]
        else:
            org = await make_agency(api, valid_from=today() - days(100))
            filing_id = await submitted(api, org, "INFO_CHANGE", newName="同时审批的新名称")
            inputs = [{"approve": True}, {"approve": True}]

        responses = await asyncio.gather(
            *(
                api.post(DECIDE_FILING, {"input": {"filingId": filing_id, **i}}, token)
                for i in inputs
            )
        )

        results = [r.json()["data"]["decideFiling"] for r in responses]
        kinds = sorted(r["__typename"] for r in results)
        assert kinds == ["DecideFilingSuccess", "RuleViolation"], results
        [won] = [r for r in results if r["__typename"] == "DecideFilingSuccess"]
        assert (await Filing.get(id=pk(filing_id))).status == won["filing"]["status"]
        assert (
            await AuditEvent.filter(action="decideFiling", object_id=str(pk(filing_id))).count()
            == 1
        )
        assert await Announcement.filter(agency_id=org.pk).count() <= 1
