"""Publishing a notice for 5 Chinese working days (Art. 13, 15, 17)."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.announcement import Announcement
from models.audit import Actor, AuditAction, record
from models.enums import AnnouncementKind, TerminationReason
from models.errors import RuleViolation
from models.rules import RuleCode
from models.snapshot import snapshot
from models.working_days import CalendarMissing, working_day_span

PUBLICATION_WORKING_DAYS = 5  # Art. 15: 公示(5个工作日)


async def publication_period(today: date) -> tuple[date, date]:
    """From the first working day on or after today, through the fifth working day."""
    try:
        return await working_day_span(today, PUBLICATION_WORKING_DAYS)
    except CalendarMissing as exc:
        raise RuleViolation(
            RuleCode.CALENDAR_MISSING, f"{exc}，无法计算5个工作日的公示期（第15条）", 15
        ) from None


async def announce(
    conn: BaseDBAsyncClient,
    actor: Actor,
    *,
    kind: AnnouncementKind,
    agency_id: int,
    authority: str,
    period: tuple[date, date],
    body: str,
    filing_id: int | None = None,
    reason: TerminationReason | None = None,
    reported_to_ministry_at: datetime | None = None,
) -> Announcement:
    notice = await Announcement.create(
        using_db=conn,
        kind=kind,
        agency_id=agency_id,
        filing_id=filing_id,
        authority_id=authority,
        termination_reason=reason,
        start_date=period[0],
        end_date=period[1],
        body=body,
        reported_to_ministry_at=reported_to_ministry_at,
    )
    await record(
        conn,
        actor,
        AuditAction.ANNOUNCE,
        notice,
        agency_id=agency_id,
        region_code=authority,
        before=None,
        after=snapshot(notice),
    )
    return notice
