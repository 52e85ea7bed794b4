"""The province enters a year's statutory holidays and make-up working days, for years the
packaged calendar does not cover yet (or to correct it)."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from models.audit import Actor, AuditAction, record
from models.errors import InvalidInput
from models.working_days import WorkingCalendarDay, WorkingCalendarYear


async def set_working_calendar(
    actor: Actor, year: int, holidays: list[date], working_days: list[date]
) -> WorkingCalendarYear:
    if not 2000 <= year <= 2100:
        raise InvalidInput("year", "应在2000年至2100年之间")
    for field, days in (("holidays", holidays), ("makeupWorkingDays", working_days)):
        if any(d.year != year for d in days):
            raise InvalidInput(field, f"所有日期均应在{year}年内")
    if set(holidays) & set(working_days):
        raise InvalidInput("makeupWorkingDays", "同一日期不能既是放假日又是调休工作日")
    if any(d.weekday() < 5 for d in working_days):
        raise InvalidInput("makeupWorkingDays", "调休工作日应为周六或周日")
    if any(d.weekday() >= 5 for d in holidays):
        raise InvalidInput("holidays", "只需列出周一至周五的放假日期，周末无需列出")
    start, end = date(year, 1, 1), date(year, 12, 31)
    async with in_transaction() as conn:
        existing = await WorkingCalendarYear.get_or_none(year=year, using_db=conn)
        old_days = await WorkingCalendarDay.filter(day__gte=start, day__lte=end).using_db(conn)
        before = (
            {
                "holidays": sorted(d.day.isoformat() for d in old_days if not d.is_working_day),
                "makeupWorkingDays": sorted(
                    d.day.isoformat() for d in old_days if d.is_working_day
                ),
            }
            if existing
            else None
        )
        # Calendar days are reference data replaced as a whole; the trail keeps the old ones.
        await WorkingCalendarDay.filter(day__gte=start, day__lte=end).using_db(conn).delete()
        await WorkingCalendarDay.bulk_create(
            [WorkingCalendarDay(day=d, is_working_day=False) for d in sorted(set(holidays))]
            + [WorkingCalendarDay(day=d, is_working_day=True) for d in sorted(set(working_days))],
            using_db=conn,
        )
        entry = existing or WorkingCalendarYear(year=year)
        entry.entered_by = actor.actor_id
        await entry.save(using_db=conn)
        await record(
            conn,
            actor,
            AuditAction.SET_WORKING_CALENDAR,
            entry,
            agency_id=None,
            region_code=None,
            before=before,
            after={
                "holidays": sorted(d.isoformat() for d in set(holidays)),
                "makeupWorkingDays": sorted(d.isoformat() for d in set(working_days)),
            },
        )
    return entry
