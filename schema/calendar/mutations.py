"""Working-day calendars the province enters for years the packaged data does not cover."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from models.errors import RuleViolation as DomainRuleViolation
from models.operations.set_working_calendar import set_working_calendar
from models.rules import RuleCode
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed


@strawberry.input
class SetWorkingCalendarInput:
    year: int
    holidays: list[datetime.date] = strawberry.field(
        description="Weekdays off under the State Council's arrangement for the year.")
    makeup_working_days: list[datetime.date] = strawberry.field(
        description="Weekend days worked in exchange (调休上班).")


@strawberry.type
class SetWorkingCalendarSuccess:
    year: int
    holidays: list[datetime.date]
    makeup_working_days: list[datetime.date]


SetWorkingCalendarResult = Annotated[
    SetWorkingCalendarSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("SetWorkingCalendarResult"),
]


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(extensions=[Authorize("calendar", action="write")],
                         description="The province enters a year's holidays (Art. 15: 5个工作日).")
    async def set_working_calendar(self, info: Info,
                                   input: SetWorkingCalendarInput) -> SetWorkingCalendarResult:
        ctx = info.context

        async def run() -> SetWorkingCalendarSuccess:
            if not ctx.guard.allows("calendar", "write"):
                raise DomainRuleViolation(RuleCode.NOT_PROVINCE, "the province center maintains the "
                                          "working-day calendar (Art. 3, 15)", 3)
            await set_working_calendar(ctx.actor, input.year, input.holidays,
                                       input.makeup_working_days)
            return SetWorkingCalendarSuccess(year=input.year,
                                             holidays=sorted(set(input.holidays)),
                                             makeup_working_days=sorted(
                                                 set(input.makeup_working_days)))

        return await typed(run)
