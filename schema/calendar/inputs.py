"""Input types of the calendar mutations."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input
class SetWorkingCalendarInput:
    year: int
    holidays: list[datetime.date] = strawberry.field(
        description="Weekdays off under the State Council's arrangement for the year."
    )
    makeup_working_days: list[datetime.date] = strawberry.field(
        description="Weekend days worked in exchange (调休上班)."
    )
