"""Incentives for a clean filing period (Art. 25) and the supervision mode they bring."""

from __future__ import annotations

from datetime import date

from models.agency import Agency
from models.enums import AgencyKind, AgencyState, InspectionMode, SanctionStatus
from models.periods import PERIOD_YEARS, add_years, period_number, period_start
from models.sanction import Sanction

INCENTIVES = (
    "Art. 25(1): 优先推荐纳入政府补贴性职业技能培训机构目录",
    "Art. 25(2): 申办省级职业技能竞赛、评价技术资源开发等事项优先或重点支持",
    "Art. 25(3): 从业人员申报考评员、外部质量督导人员优先或重点支持",
)


def sanctioned_since(sanctions: list[Sanction], start: date | None) -> bool:
    return any(
        s.status is SanctionStatus.EFFECTIVE
        and s.decided_at is not None
        and (start is None or s.decided_at >= start)
        for s in sanctions
    )


def incentives(agency: Agency, sanctions: list[Sanction], *, today: date) -> list[str]:
    """Art. 25(1)-(3) while the current filing period has no Art. 21-23 sanction."""
    if (
        agency.state is not AgencyState.ACTIVE
        or agency.valid_until is None
        or agency.valid_until < today
    ):
        return []
    return [] if sanctioned_since(sanctions, period_start(agency, today)) else list(INCENTIVES)


def supervision_mode(agency: Agency, sanctions: list[Sanction], *, today: date) -> InspectionMode:
    """Art. 25(4): a social organisation moves from 逢考必督 to random supervision from its
    second filing period, when the period before was clean; everyone else is EVERY_EXAM."""
    if agency.kind is not AgencyKind.SOCIAL_ORG or period_number(agency, today) < 2:
        return InspectionMode.EVERY_EXAM
    start = period_start(agency, today)
    assert start is not None
    previous_start = add_years(start, -PERIOD_YEARS)
    clean = not sanctioned_since(sanctions, previous_start)
    return InspectionMode.RANDOM if clean else InspectionMode.EVERY_EXAM
