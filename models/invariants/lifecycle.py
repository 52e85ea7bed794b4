"""An agency's filings and what they make of it: its stored state and dates (Art. 16), the 3-year
periods (Art. 16), one open application per kind (Art. 13, 16, 17), the notices of approved
changes and terminations (Art. 13, 15, 17)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from models.agency import derive_status
from models.announcement import Announcement
from models.enums import AgencyState, AnnouncementKind, FilingKind, FilingStatus
from models.invariants.base import Facts, Invariant, Row, period_of, renewal_until, shown
from models.periods import PERIOD_YEARS, add_years

_PERIODIC = (FilingKind.INITIAL, FilingKind.RENEWAL)


async def state_follows_filings(facts: Facts) -> list[Row]:
    """PENDING exactly until an INITIAL filing is approved; `valid_until` the end of the last
    approved period; `first_approved_on` the start of the first."""
    last_day: dict[int, date] = {}
    first_day: dict[int, date] = {}
    for f in await facts.filings():
        if f.status is not FilingStatus.APPROVED or f.kind not in _PERIODIC:
            continue
        if f.valid_until is not None:
            last_day[f.agency_id] = max(f.valid_until, last_day.get(f.agency_id, f.valid_until))
        if f.kind is FilingKind.INITIAL and f.valid_from is not None:
            first_day[f.agency_id] = min(f.valid_from, first_day.get(f.agency_id, f.valid_from))
    rows: list[Row] = []
    for agency in (await facts.agencies()).values():
        approved = agency.id in first_day
        if (agency.state is AgencyState.PENDING) == approved:
            rows.append(
                {
                    "agency_id": agency.id,
                    "field": "state",
                    "stored": agency.state.value,
                    "expected": "非 PENDING（已有批准的首次备案）"
                    if approved
                    else "PENDING（无批准的首次备案）",
                }
            )
        for field, stored, expected in (
            ("valid_until", agency.valid_until, last_day.get(agency.id)),
            ("first_approved_on", agency.first_approved_on, first_day.get(agency.id)),
        ):
            if stored != expected:
                rows.append(
                    {"agency_id": agency.id, "field": field, "stored": stored, "expected": expected}
                )
    return rows


def _follows_filings(row: Row) -> str:
    return (
        f"{row['agency']} 的 {row['field']} 为 {shown(row['stored'])}，"
        f"按其批准的备案应为 {shown(row['expected'])}"
    )


async def in_force_has_period(facts: Facts) -> list[Row]:
    """An agency whose status reads ACTIVE or SUSPENDED today (`status_q`, `derive_status`) has
    an approved filing period that covers today."""
    periods = await facts.periods()
    agencies = await facts.agencies()
    rows: list[Row] = []
    for agency_id in sorted(await facts.in_force()):
        if period_of(facts.today, periods.get(agency_id, [])) is None:
            agency = agencies[agency_id]
            rows.append(
                {
                    "agency_id": agency_id,
                    "status": derive_status(
                        agency.state, agency.valid_until, today=facts.today
                    ).value,
                    "valid_until": agency.valid_until,
                    "today": facts.today,
                }
            )
    return rows


def _has_period(row: Row) -> str:
    return (
        f"{row['agency']} 在 {row['today']} 的状态为 {row['status']}（有效期至 "
        f"{shown(row['valid_until'])}），但没有覆盖当日的已批准备案期"
    )


async def validity_three_years(facts: Facts) -> list[Row]:
    """Art. 16: an approved INITIAL runs 3 years from its start, a RENEWAL 3 years on from the
    period it extends; a scope change runs within the period; other filings carry no period."""
    rows: list[Row] = []
    for f in await facts.filings():
        start, end = f.valid_from, f.valid_until
        expected: tuple[date | None, date | None] | None = None
        approved = f.status is FilingStatus.APPROVED
        if approved and f.kind in _PERIODIC:
            if start is None or end is None:
                expected = (start, None)
            elif f.kind is FilingKind.INITIAL and end != add_years(start, PERIOD_YEARS):
                expected = (start, add_years(start, PERIOD_YEARS))
            elif f.kind is FilingKind.RENEWAL and end != renewal_until(start):
                expected = (start, renewal_until(start))
        elif approved and f.kind is FilingKind.SCOPE_CHANGE:
            if start is None or end is None or end < start:
                expected = (start, None)
        elif start is not None or end is not None:
            expected = (None, None)
        if expected is not None:
            rows.append(
                {
                    "filing_id": f.id,
                    "agency_id": f.agency_id,
                    "kind": f.kind.value,
                    "status": f.status.value,
                    "valid_from": start,
                    "valid_until": end,
                    "expected": expected,
                }
            )
    return rows


def _validity(row: Row) -> str:
    start, end = row["expected"]
    want = "无有效期" if start is None and end is None else f"{shown(start)} 至 {shown(end)}"
    return (
        f"{row['agency']} 的 {row['status']} {row['kind']} 备案 {row['filing_id']} 有效期为"
        f" {shown(row['valid_from'])} 至 {shown(row['valid_until'])}，应为 {want}"
    )


async def one_open_filing_per_kind(facts: Facts) -> list[Row]:
    """At most one application of each kind awaits a decision; a terminated or revoked agency
    has none (its open applications were withdrawn), except a new INITIAL one."""
    agencies = await facts.agencies()
    open_filings = [f for f in await facts.filings() if f.status is FilingStatus.SUBMITTED]
    rows: list[Row] = []
    for (agency_id, kind), n in sorted(
        Counter((f.agency_id, f.kind.value) for f in open_filings).items()
    ):
        if n > 1:
            rows.append({"agency_id": agency_id, "problem": f"{n} 件 {kind} 申请同时待决定"})
    for f in open_filings:
        state = agencies[f.agency_id].state
        if (
            state in (AgencyState.TERMINATED, AgencyState.REVOKED)
            and f.kind is not FilingKind.INITIAL
        ):
            rows.append(
                {
                    "agency_id": f.agency_id,
                    "problem": f"机构已 {state.value}，{f.kind.value} 备案 {f.id} 仍待决定",
                }
            )
    return rows


def _open(row: Row) -> str:
    return f"{row['agency']}：{row['problem']}"


async def changes_announced(facts: Facts) -> list[Row]:
    """Approved name or representative changes (Art. 13) and terminations (Art. 15, 17) are
    published for their working days; terminations are reported to the ministry."""
    notices = list(await facts.of_agencies(Announcement.all()).order_by("id"))
    by_filing = {(n.filing_id, n.kind) for n in notices if n.filing_id is not None}
    terminated_notices: dict[int, list[Announcement]] = defaultdict(list)
    rows: list[Row] = []
    for n in notices:
        if n.end_date < n.start_date:
            rows.append(
                {
                    "agency_id": n.agency_id,
                    "problem": f"公告 {n.id} 结束日 {n.end_date} 早于开始日 {n.start_date}",
                }
            )
        if n.kind is AnnouncementKind.TERMINATION:
            terminated_notices[n.agency_id].append(n)
            if n.reported_to_ministry_at is None:
                rows.append(
                    {"agency_id": n.agency_id, "problem": f"终止备案公告 {n.id} 未记录报备人社部"}
                )
    kinds = {
        FilingKind.INFO_CHANGE: AnnouncementKind.INFO_CHANGE,
        FilingKind.TERMINATION: AnnouncementKind.TERMINATION,
    }
    rows.extend(
        {"agency_id": f.agency_id, "problem": f"已批准的 {f.kind.value} 备案 {f.id} 没有公告"}
        for f in await facts.filings()
        if f.status is FilingStatus.APPROVED
        and f.kind in kinds
        and (f.id, kinds[f.kind]) not in by_filing
    )
    rows.extend(
        {"agency_id": agency.id, "problem": "已终止备案，没有终止备案公告"}
        for agency in (await facts.agencies()).values()
        if agency.state is AgencyState.TERMINATED and not terminated_notices.get(agency.id)
    )
    return rows


def _announced(row: Row) -> str:
    return f"{row['agency']}：{row['problem']}"


INVARIANTS = [
    Invariant(
        "art16_state_follows_filings",
        "第十六条",
        "机构状态、首次备案日与有效期与其批准的备案一致",
        state_follows_filings,
        _follows_filings,
    ),
    Invariant(
        "art16_in_force_has_period",
        "第十六条",
        "状态为正常或暂停的机构，当日处于已批准的备案有效期内",
        in_force_has_period,
        _has_period,
    ),
    Invariant(
        "art16_validity_three_years",
        "第十六条",
        "备案有效期三年，延续后顺延三年",
        validity_three_years,
        _validity,
    ),
    Invariant(
        "art13_one_open_filing_per_kind",
        "第十三、十六、十七条",
        "同类备案申请同时只有一件待决定；终止或撤销后不留待决定的申请",
        one_open_filing_per_kind,
        _open,
    ),
    Invariant(
        "art13_changes_announced",
        "第十三、十五、十七条",
        "名称、法定代表人变更及终止备案须公告，终止备案报备人社部",
        changes_announced,
        _announced,
    ),
]
