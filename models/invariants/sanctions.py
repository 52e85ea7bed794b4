"""Sanctions (Art. 21-24): the escalation ladder, what an effective sanction does to the agency,
the 3-year ban, publication, and the proposal three failed inspections raise."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from models.enums import (
    AgencyState,
    FilingKind,
    FilingStatus,
    InspectionKind,
    InspectionResult,
    SanctionGrade,
)
from models.inspection import Inspection
from models.invariants.base import Facts, Invariant, Row, period_of, shown
from models.operations.issue_sanction import BAN_YEARS
from models.operations.record_inspection import UNQUALIFIED_LIMIT
from models.periods import add_years

_BELOW = {
    SanctionGrade.RECTIFICATION: SanctionGrade.INTERVIEW,
    SanctionGrade.REVOCATION: SanctionGrade.RECTIFICATION,
}


async def ladder(facts: Facts) -> list[Row]:
    """A repeat in a filing period escalates (22(一), 23(一)), so a period holds at most one
    effective sanction of each grade; an escalation points at the grade below, of the same
    agency, and each sanction is escalated from at most once."""
    sanctions = await facts.sanctions()
    by_id = {s.id: s for s in sanctions}
    rows: list[Row] = []
    for source_id, n in sorted(
        Counter(s.escalated_from_id for s in sanctions if s.escalated_from_id).items()
    ):
        if n > 1:
            row: Row = {"sanction_id": source_id, "problem": f"被升级 {n} 次"}
            if source_id in by_id:
                row["agency_id"] = by_id[source_id].agency_id
            rows.append(row)
    for s in sanctions:
        if s.escalated_from_id is None:
            continue
        source = by_id.get(s.escalated_from_id)
        if source is None:  # outside the agencies checked: another agency's sanction
            rows.append(
                {
                    "sanction_id": s.id,
                    "agency_id": s.agency_id,
                    "problem": f"由其他机构的违规处理 {s.escalated_from_id} 升级而来",
                }
            )
        elif source.agency_id != s.agency_id or _BELOW.get(s.grade) is not source.grade:
            rows.append(
                {
                    "sanction_id": s.id,
                    "agency_id": s.agency_id,
                    "problem": f"{s.grade.value} 由机构 "
                    f"{source.agency_id} 的 {source.grade.value} {source.id} 升级而来",
                }
            )
    periods = await facts.periods()
    seen: dict[tuple[int, tuple[date, date], SanctionGrade], int] = {}
    for s in await facts.effective():
        if s.decided_at is None:
            continue
        period = period_of(s.decided_at, periods.get(s.agency_id, []))
        if period is None:
            continue
        key = (s.agency_id, period, s.grade)
        if key in seen:
            rows.append(
                {
                    "sanction_id": s.id,
                    "agency_id": s.agency_id,
                    "problem": f"与 {seen[key]} 同在备案期 "
                    f"{period[0]} 至 {period[1]} 内生效，同为 {s.grade.value}，未升级",
                }
            )
        else:
            seen[key] = s.id
    return rows


def _ladder(row: Row) -> str:
    whose = f"（{row['agency']}）" if "agency" in row else ""
    return f"违规处理 {row['sanction_id']}{whose}：{row['problem']}"


async def state_follows_sanctions(facts: Facts) -> list[Row]:
    """SUSPENDED exactly while an effective rectification is open (Art. 22); REVOKED exactly
    when an effective revocation came after its last INITIAL approval (Art. 23)."""
    open_notice: set[int] = set()
    revoked_on: dict[int, date] = {}
    for s in await facts.effective():
        if s.grade is SanctionGrade.RECTIFICATION and s.rectified_at is None:
            open_notice.add(s.agency_id)
        if s.grade is SanctionGrade.REVOCATION and s.decided_at is not None:
            revoked_on[s.agency_id] = max(s.decided_at, revoked_on.get(s.agency_id, s.decided_at))
    refiled: dict[int, date] = {}
    for f in await facts.filings():
        if f.kind is FilingKind.INITIAL and f.status is FilingStatus.APPROVED and f.valid_from:
            refiled[f.agency_id] = max(f.valid_from, refiled.get(f.agency_id, f.valid_from))
    rows: list[Row] = []
    for a in (await facts.agencies()).values():
        problem = None
        if a.state in (AgencyState.ACTIVE, AgencyState.SUSPENDED) and (
            a.state is AgencyState.SUSPENDED
        ) != (a.id in open_notice):
            problem = (
                "暂停但没有未验收的整改通知"
                if a.state is AgencyState.SUSPENDED
                else "有未验收的整改通知却未暂停"
            )
        if a.state is AgencyState.REVOKED and a.id not in revoked_on:
            problem = "已撤销但没有生效的撤销备案决定"
        revoked = revoked_on.get(a.id)
        if (
            revoked is not None
            and a.state is not AgencyState.REVOKED
            and (a.id not in refiled or refiled[a.id] <= revoked)
        ):
            problem = f"{revoked} 撤销备案已生效，状态却为 {a.state.value}"
        if problem:
            rows.append({"agency_id": a.id, "state": a.state.value, "problem": problem})
    return rows


def _state(row: Row) -> str:
    return f"{row['agency']}（{row['state']}）：{row['problem']}"


async def revocation_ban(facts: Facts) -> list[Row]:
    """Art. 23: a revocation bans new filings by the credit code for 3 years from its decision:
    `banned_until` says until when, and no INITIAL application was made meanwhile."""
    revoked_on: dict[int, date] = {}
    for s in await facts.effective():
        if s.grade is SanctionGrade.REVOCATION and s.decided_at is not None:
            revoked_on[s.agency_id] = max(s.decided_at, revoked_on.get(s.agency_id, s.decided_at))
    rows: list[Row] = []
    agencies = await facts.agencies()
    for a in agencies.values():
        revoked = revoked_on.get(a.id)
        expected = add_years(revoked, BAN_YEARS) if revoked is not None else None
        if a.banned_until != expected:
            rows.append(
                {
                    "agency_id": a.id,
                    "problem": f"禁止备案至 {shown(a.banned_until)}，"
                    f"按撤销备案决定（{shown(revoked)}）应为 {expected or '不禁止'}",
                }
            )
    for f in await facts.filings():
        banned = agencies[f.agency_id].banned_until
        revoked = revoked_on.get(f.agency_id)
        submitted = f.submitted_at.date()
        if (
            f.kind is FilingKind.INITIAL
            and banned is not None
            and revoked is not None
            and revoked < submitted <= banned
        ):
            rows.append(
                {
                    "agency_id": f.agency_id,
                    "problem": f"禁止期内（至 {banned}）于 {submitted} 提交首次备案 {f.id}",
                }
            )
    return rows


def _ban(row: Row) -> str:
    return f"{row['agency']}：{row['problem']}"


async def published(facts: Facts) -> list[Row]:
    """Art. 22, 23: an effective rectification or revocation is published (并对社会公布)."""
    return [
        {"sanction_id": s.id, "agency_id": s.agency_id, "article": s.article}
        for s in await facts.effective()
        if s.article in (22, 23) and not s.published
    ]


def _published(row: Row) -> str:
    return (
        f"{row['agency']} 的第{row['article']}条违规处理 {row['sanction_id']} 已生效，未对社会公布"
    )


async def unqualified_thrice(facts: Facts) -> list[Row]:
    """Art. 23(十一): three or more UNQUALIFIED external results in a calendar year raise a
    revocation for the authority to confirm, once per such year."""
    failures = Counter(
        (agency_id, day.year)
        for agency_id, day in await facts.of_agencies(
            Inspection.filter(kind=InspectionKind.EXTERNAL, result=InspectionResult.UNQUALIFIED)
        ).values_list("agency_id", "date")
    )
    years: dict[int, list[int]] = defaultdict(list)
    for (agency_id, year), n in failures.items():
        if n >= UNQUALIFIED_LIMIT:
            years[agency_id].append(year)
    raised = Counter(
        s.agency_id for s in await facts.sanctions() if s.article == 23 and s.clause == 11
    )
    agencies = await facts.agencies()
    return [
        {"agency_id": a, "years": sorted(y), "raised": raised.get(a, 0)}
        for a, y in sorted(years.items())
        if len(y) > raised.get(a, 0)
        and agencies[a].state not in (AgencyState.TERMINATED, AgencyState.REVOKED)
    ]


def _thrice(row: Row) -> str:
    years = "、".join(f"{y}年" for y in row["years"])
    return (
        f"{row['agency']} 在 {years} 外部督导不合格达 {UNQUALIFIED_LIMIT} 次，"
        f"只有 {row['raised']} 件第二十三条第（十一）项处理"
    )


INVARIANTS = [
    Invariant(
        "art22_sanction_ladder",
        "第二十一至二十三条",
        "同一备案期内再次违规须升级处理，升级指向低一级的同一机构处理",
        ladder,
        _ladder,
    ),
    Invariant(
        "art22_state_follows_sanctions",
        "第二十二、二十三条",
        "整改期间暂停评价，验收后恢复；撤销备案后机构为已撤销",
        state_follows_sanctions,
        _state,
    ),
    Invariant(
        "art23_revocation_ban",
        "第二十三条",
        "撤销备案后三年内不受理该机构的备案申请",
        revocation_ban,
        _ban,
    ),
    Invariant(
        "art22_sanctions_published",
        "第二十二、二十三条",
        "生效的整改通知和撤销备案决定对社会公布",
        published,
        _published,
    ),
    Invariant(
        "art23_unqualified_thrice_proposed",
        "第二十三条第（十一）项",
        "一个自然年度内外部督导三次不合格，提出撤销备案",
        unqualified_thrice,
        _thrice,
    ),
]
