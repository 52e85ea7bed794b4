"""Working days ("公示(5个工作日)", Art. 15; DESIGN §5): statutory holidays and make-up days from
chinesecalendar, the province's own calendar for years the package does not cover, and the
stored start and end dates of the notices.

Every expected date below is a literal checked against `chinese_calendar.is_workday`
(`test_the_calendar_facts_the_expectations_rest_on` re-checks them), so a change in the packaged
data shows up there rather than as a mysterious product failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import chinese_calendar
import pytest

from models.announcement import Announcement
from models.enums import Role
from models.working_days import (
    CalendarMissing,
    WorkingCalendarDay,
    WorkingCalendarYear,
    WorkingDays,
)
from tests.support.builders import agency_view, events_of, make_agency, mutate, pk, terminate
from tests.support.documents import SET_WORKING_CALENDAR
from tests.support.snapshot import unchanged


def _covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# ============================================================================================
# The facts (chinesecalendar 1.11) the literal expectations rest on


WORKDAY_FACTS = {
    # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (调休).
    date(2026, 9, 30): True,
    date(2026, 10, 1): False,
    date(2026, 10, 2): False,
    date(2026, 10, 3): False,
    date(2026, 10, 4): False,
    date(2026, 10, 5): False,
    date(2026, 10, 6): False,
    date(2026, 10, 7): False,
    date(2026, 10, 8): True,
    date(2026, 10, 9): True,
    date(2026, 10, 10): True,
    date(2026, 10, 11): False,
    date(2026, 10, 12): True,
    date(2026, 10, 13): True,
    date(2026, 10, 14): True,
    date(2026, 10, 15): True,
    # Spring Festival 2026: Saturday 02-14 worked, 02-15..02-23 off.
    date(2026, 2, 13): True,
    date(2026, 2, 14): True,
    date(2026, 2, 15): False,
    date(2026, 2, 23): False,
    date(2026, 2, 24): True,
    date(2026, 2, 25): True,
    date(2026, 2, 26): True,
    # An ordinary week.
    date(2026, 3, 10): True,
    date(2026, 3, 13): True,
    date(2026, 3, 14): False,
    date(2026, 3, 15): False,
    date(2026, 3, 16): True,
    # The last days of the packaged data.
    date(2026, 12, 28): True,
    date(2026, 12, 29): True,
    date(2026, 12, 30): True,
    date(2026, 12, 31): True,
}


@pytest.mark.article(15)
def test_the_calendar_facts_the_expectations_rest_on() -> None:
    for day, working in WORKDAY_FACTS.items():
        assert chinese_calendar.is_workday(day) is working, day
    # 2026-10-10 is a make-up Saturday: a weekend day that is worked.
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))
    assert date(2026, 2, 14).weekday() == 5 and chinese_calendar.is_workday(date(2026, 2, 14))


# ============================================================================================
# Unit level: WorkingDays.span


@pytest.mark.article(15)
def test_span_uses_the_packaged_holidays_and_make_up_days() -> None:
    calendar = WorkingDays({})
    assert calendar.span(date(2026, 9, 30), 5) == (date(2026, 9, 30), date(2026, 10, 12))
    assert calendar.span(date(2026, 10, 10), 5) == (date(2026, 10, 10), date(2026, 10, 15))
    assert calendar.span(date(2026, 10, 2), 5) == (date(2026, 10, 8), date(2026, 10, 13))
    assert calendar.span(date(2026, 10, 3), 1) == (date(2026, 10, 8), date(2026, 10, 8))
    assert calendar.span(date(2026, 2, 13), 5) == (date(2026, 2, 13), date(2026, 2, 26))


@pytest.mark.article(15)
def test_span_with_a_hand_built_calendar() -> None:
    # 2099: Thu 01-01 and Fri 01-02 off, Sunday 01-04 worked.
    calendar = WorkingDays(
        {2099: {date(2099, 1, 1): False, date(2099, 1, 2): False, date(2099, 1, 4): True}}
    )
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 4), date(2099, 1, 8))
    assert calendar.span(date(2099, 1, 3), 1) == (date(2099, 1, 4), date(2099, 1, 4))
    # Days not listed follow Monday-Friday.
    assert calendar.span(date(2099, 3, 6), 5) == (date(2099, 3, 6), date(2099, 3, 12))
    # The entered calendar overrides the package, which does know 2026.
    corrected = WorkingDays({2026: {date(2026, 10, 10): False}})
    assert corrected.span(date(2026, 10, 10), 5) == (date(2026, 10, 12), date(2026, 10, 16))


@pytest.mark.article(15)
def test_span_into_a_year_nobody_covers_fails_loudly() -> None:
    calendar = WorkingDays({2099: {}})
    with pytest.raises(CalendarMissing) as exc:
        calendar.span(date(2099, 12, 28), 5)
    assert exc.value.year == 2100
    if not _covered(2027):
        with pytest.raises(CalendarMissing) as exc:
            WorkingDays({}).span(date(2026, 12, 28), 5)
        assert exc.value.year == 2027
        # Never a silent Monday-Friday fall back, even for one day.
        with pytest.raises(CalendarMissing):
            WorkingDays({}).is_working_day(date(2027, 3, 3))


# ============================================================================================
# Through the API: terminateAgency stores the computed period


@pytest.mark.article(15)
@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        # Across National Day: 09-30, 10-08, 10-09, Saturday 10-10 (make-up), 10-12.
        (date(2026, 9, 30), "2026-09-30", "2026-10-12"),
        # Starting on the make-up Saturday: 10-10, 10-12, 10-13, 10-14, 10-15.
        (date(2026, 10, 10), "2026-10-10", "2026-10-15"),
        # Starting on a holiday: the first working day after it is day one.
        (date(2026, 10, 2), "2026-10-08", "2026-10-13"),
        # Spring Festival: Fri 02-13, Saturday 02-14 (make-up), then 02-24, 02-25, 02-26.
        (date(2026, 2, 13), "2026-02-13", "2026-02-26"),
        # An ordinary week: Tue..Fri and the next Monday.
        (date(2026, 3, 10), "2026-03-10", "2026-03-16"),
    ],
    ids=["national-day", "make-up-saturday", "holiday", "spring-festival", "ordinary"],
)
async def test_termination_notice_runs_five_working_days(api_on, today, start, end) -> None:  # type: ignore[no-untyped-def]
    async with api_on(today) as api:
        agency = await make_agency(api)
        result = await terminate(api, agency, "UNAPPROVED_SITE_CHANGE")
    assert result["__typename"] == "TerminateAgencySuccess", result
    notice = result["announcement"]
    assert (notice["startDate"], notice["endDate"]) == (start, end)
    # Stored, not recomputed on read.
    row = await Announcement.get(id=pk(notice["id"]))
    assert (row.start_date.isoformat(), row.end_date.isoformat()) == (start, end)
    # Running on its start day (a notice from a holiday is not running yet).
    assert notice["current"] is (today.isoformat() >= start)


# ============================================================================================
# A year the package does not cover: fail loudly, then the province enters the calendar


@pytest.fixture
async def without_2027_calendar() -> AsyncIterator[None]:
    """The province's 2027 calendar persists in the session database: start and leave without
    one, so the test does not depend on, nor leak into, any other test."""

    async def clear() -> None:
        await WorkingCalendarDay.filter(
            day__gte=date(2027, 1, 1), day__lte=date(2027, 12, 31)
        ).delete()
        await WorkingCalendarYear.filter(year=2027).delete()

    await clear()
    yield
    await clear()


@pytest.mark.article(15)
@pytest.mark.skipif(_covered(2027), reason="chinesecalendar now knows 2027")
async def test_a_notice_into_an_uncovered_year_needs_the_provinces_calendar(
    api_on: Any, without_2027_calendar: None
) -> None:
    async with api_on(date(2026, 12, 28)) as api:
        agency = await make_agency(api)
        events_before = len(await events_of(agency))
        async with unchanged(agency):
            refused = await terminate(api, agency, "VOLUNTARY")
        assert refused["__typename"] == "RuleViolation", refused
        assert refused["code"] == "CALENDAR_MISSING" and refused["article"] == 15
        assert "2027" in refused["message"]
        # Nothing changed: still ACTIVE, no announcement, no audit event.
        assert len(await events_of(agency)) == events_before
        assert not await Announcement.exists(agency_id=agency.pk)
        assert (await agency_view(api, agency))["status"] == "ACTIVE"

        # 2027: New Year's Day falls on a Friday (01-01..01-03 off, no make-up day).
        entered = await mutate(
            api,
            SET_WORKING_CALENDAR,
            {
                "year": 2027,
                "holidays": ["2027-01-01"],
                "makeupWorkingDays": [],
            },
            api.token(Role.PROVINCE),
        )
        assert entered == {
            "__typename": "SetWorkingCalendarSuccess",
            "year": 2027,
            "holidays": ["2027-01-01"],
            "makeupWorkingDays": [],
        }

        done = await terminate(api, agency, "VOLUNTARY")
        assert done["__typename"] == "TerminateAgencySuccess", done
        notice = done["announcement"]
        # 12-28, 12-29, 12-30, 12-31, then 01-01 (entered holiday) .. 01-03 off: 01-04.
        assert (notice["startDate"], notice["endDate"]) == ("2026-12-28", "2027-01-04")
        row = await Announcement.get(id=pk(notice["id"]))
        assert (row.start_date, row.end_date) == (date(2026, 12, 28), date(2027, 1, 4))
        assert done["agency"]["status"] == "TERMINATED"
