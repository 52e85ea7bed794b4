"""Working-day calendars the province enters for years the packaged data does not cover."""

from __future__ import annotations

import datetime

import strawberry

from models.operations.set_working_calendar import set_working_calendar
from policies import permissions
from schema.calendar.inputs import SetWorkingCalendarInput
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.mutation import mutation


@strawberry.type
class SetWorkingCalendarSuccess:
    year: int
    holidays: list[datetime.date]
    makeup_working_days: list[datetime.date]


@strawberry.type
class CalendarMutations:
    @mutation(
        permissions.WRITE_CALENDAR,
        description="The province enters a year's holidays (Art. 15: 5个工作日).",
    )
    async def set_working_calendar(
        self,
        info: Info,
        input: SetWorkingCalendarInput,
    ) -> SetWorkingCalendarSuccess | Failure:
        ctx = info.context
        await ctx.guard.authorize(permissions.WRITE_CALENDAR)
        await set_working_calendar(ctx.actor, input.year, input.holidays, input.makeup_working_days)
        return SetWorkingCalendarSuccess(
            year=input.year,
            holidays=sorted(set(input.holidays)),
            makeup_working_days=sorted(set(input.makeup_working_days)),
        )
