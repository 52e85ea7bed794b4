"""Chinese statutory working days ("5个工作日", Art. 15).

The `chinesecalendar` package knows the State Council's holiday arrangements up to the last
published year. For a later year the province enters the calendar itself (`WorkingCalendarDay`);
a date in a year that neither covers is an error, never a silent fall back to Monday-Friday.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from tortoise import fields
from tortoise.models import Model


class WorkingCalendarYear(Model):
    """A year whose calendar the province entered, overriding the packaged data."""

    id = fields.IntField(pk=True)
    year = fields.IntField(unique=True)
    entered_at = fields.DatetimeField(auto_now=True)
    entered_by = fields.CharField(max_length=128)

    class Meta:
        table = "working_calendar_year"


class WorkingCalendarDay(Model):
    """An exception to Monday-Friday in an entered year: a holiday or a make-up working day."""

    day = fields.DateField(pk=True)
    is_working_day = fields.BooleanField()

    class Meta:
        table = "working_calendar_day"


class CalendarMissing(Exception):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"缺少{year}年工作日历：系统内置的法定节假日数据尚未包含{year}年，"
            f"省中心亦未录入{year}年节假日安排（setWorkingCalendar）"
        )
        self.year = year


class WorkingDays:
    """Answers is-working-day for the years it has loaded (one query per entered year)."""

    def __init__(self, entered: dict[int, dict[date, bool]]) -> None:
        self.entered = entered

    @classmethod
    async def load(cls, years: range) -> WorkingDays:
        rows = await WorkingCalendarYear.filter(year__in=list(years))
        entered: dict[int, dict[date, bool]] = {r.year: {} for r in rows}
        if entered:
            days = await WorkingCalendarDay.filter(
                day__gte=date(min(entered), 1, 1), day__lte=date(max(entered), 12, 31)
            )
            for d in days:
                if d.day.year in entered:
                    entered[d.day.year][d.day] = d.is_working_day
        return cls(entered)

    def is_working_day(self, day: date) -> bool:
        if day.year in self.entered:
            return self.entered[day.year].get(day, day.weekday() < 5)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarMissing(day.year) from None

    def span(self, start: date, count: int) -> tuple[date, date]:
        """The first working day on or after `start`, and the last of `count` working days."""
        day, first, seen = start, None, 0
        while True:
            if self.is_working_day(day):
                first = first or day
                seen += 1
                if seen == count:
                    return first, day
            day += timedelta(days=1)


async def working_day_span(start: date, count: int) -> tuple[date, date]:
    # A run of n working days never spans more than a few weeks, so two years always suffice.
    calendar = await WorkingDays.load(range(start.year, start.year + 2))
    return calendar.span(start, count)
