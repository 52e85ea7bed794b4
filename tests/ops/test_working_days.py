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

import chinese_calendar
import pytest

from models.announcement import Announcement
from models.audit import AuditEvent
from models.enums import Role
from models.working_days import (
    CalendarMissing,
    WorkingCalendarDay,
    WorkingCalendarYear,
    WorkingDays,
)
from tests.support.fresh_agencies import (
    SET_CALENDAR,
    counts,
    events_of,
    make_agency,
    mutate,
    pk,
    terminate,
)

AGENCY_STATUS = "query ($id: ID!) { agency(id: $id) { status } }"


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
    date(2026, 9, 30): True, date(2026, 10, 1): False, date(2026, 10, 2): False,
    date(2026, 10, 3): False, date(2026, 10, 4): False, date(2026, 10, 5): False,
    date(2026, 10, 6): False, date(2026, 10, 7): False, date(2026, 10, 8): True,
    date(2026, 10, 9): True, date(2026, 10, 10): True, date(2026, 10, 11): False,
    date(2026, 10, 12): True, date(2026, 10, 13): True, date(2026, 10, 14): True,
    date(2026, 10, 15): True,
    # Spring Festival 2026: Saturday 02-14 worked, 02-15..02-23 off.
    date(2026, 2, 13): True, date(2026, 2, 14): True, date(2026, 2, 15): False,
    date(2026, 2, 23): False, date(2026, 2, 24): True, date(2026, 2, 25): True,
    date(2026, 2, 26): True,
    # An ordinary week.
    date(2026, 3, 10): True, date(2026, 3, 13): True, date(2026, 3, 14): False,
    date(2026, 3, 15): False, date(2026, 3, 16): True,
    # The last days of the packaged data.
    date(2026, 12, 28): True, date(2026, 12, 29): True, date(2026, 12, 30): True,
    date(2026, 12, 31): True,
}


def test_the_calendar_facts_the_expectations_rest_on() -> None:
    for day, working in WORKDAY_FACTS.items():
        assert chinese_calendar.is_workday(day) is working, day
    # 2026-10-10 is a make-up Saturday: a weekend day that is worked.
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))
    assert date(2026, 2, 14).weekday() == 5 and chinese_calendar.is_workday(date(2026, 2, 14))


# ============================================================================================
# Unit level: WorkingDays.span


def test_span_uses_the_packaged_holidays_and_make_up_days() -> None:
    calendar = WorkingDays({})
    assert calendar.span(date(2026, 9, 30), 5) == (date(2026, 9, 30), date(2026, 10, 12))
    assert calendar.span(date(2026, 10, 10), 5) == (date(2026, 10, 10), date(2026, 10, 15))
    assert calendar.span(date(2026, 10, 2), 5) == (date(2026, 10, 8), date(2026, 10, 13))
    assert calendar.span(date(2026, 10, 3), 1) == (date(2026, 10, 8), date(2026, 10, 8))
    assert calendar.span(date(2026, 2, 13), 5) == (date(2026, 2, 13), date(2026, 2, 26))


def test_span_with_a_hand_built_calendar() -> None:
    # 2099: Thu 01-01 and Fri 01-02 off, Sunday 01-04 worked.
    calendar = WorkingDays({2099: {date(2099, 1, 1): False, date(2099, 1, 2): False,
                                   date(2099, 1, 4): True}})
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 4), date(2099, 1, 8))
    assert calendar.span(date(2099, 1, 3), 1) == (date(2099, 1, 4), date(2099, 1, 4))
    # Days not listed follow Monday-Friday.
    assert calendar.span(date(2099, 3, 6), 5) == (date(2099, 3, 6), date(2099, 3, 12))
    # The entered calendar overrides the package, which does know 2026.
    corrected = WorkingDays({2026: {date(2026, 10, 10): False}})
    assert corrected.span(date(2026, 10, 10), 5) == (date(2026, 10, 12), date(2026, 10, 16))


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


@pytest.mark.parametrize(("today", "start", "end"), [
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
], ids=["national-day", "make-up-saturday", "holiday", "spring-festival", "ordinary"])
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
        await WorkingCalendarDay.filter(day__gte=date(2027, 1, 1),
                                        day__lte=date(2027, 12, 31)).delete()
        await WorkingCalendarYear.filter(year=2027).delete()

    await clear()
    yield
    await clear()


@pytest.mark.skipif(_covered(2027), reason="chinesecalendar now knows 2027")
async def test_a_notice_into_an_uncovered_year_needs_the_provinces_calendar(
        api_on, without_2027_calendar) -> None:  # type: ignore[no-untyped-def]
    async with api_on(date(2026, 12, 28)) as api:
        agency = await make_agency(api)
        before, events_before = await counts(), len(await events_of(agency))
        refused = await terminate(api, agency, "VOLUNTARY")
        assert refused["__typename"] == "RuleViolation", refused
        assert refused["code"] == "CALENDAR_MISSING" and refused["article"] == 15
        assert "2027" in refused["message"]
        # Nothing changed: still ACTIVE, no announcement, no audit event.
        assert await counts() == before
        assert len(await events_of(agency)) == events_before
        assert not await Announcement.exists(agency_id=agency.pk)
        status = await api.query(AGENCY_STATUS, {"id": agency.id}, api.token(Role.PROVINCE))
        assert status["agency"]["status"] == "ACTIVE"

        # 2027: New Year's Day falls on a Friday (01-01..01-03 off, no make-up day).
        entered = await mutate(api, SET_CALENDAR, {
            "year": 2027, "holidays": ["2027-01-01"], "makeupWorkingDays": [],
        }, api.token(Role.PROVINCE))
        assert entered == {"__typename": "SetWorkingCalendarSuccess", "year": 2027,
                           "holidays": ["2027-01-01"], "makeupWorkingDays": []}

        done = await terminate(api, agency, "VOLUNTARY")
        assert done["__typename"] == "TerminateAgencySuccess", done
        notice = done["announcement"]
        # 12-28, 12-29, 12-30, 12-31, then 01-01 (entered holiday) .. 01-03 off: 01-04.
        assert (notice["startDate"], notice["endDate"]) == ("2026-12-28", "2027-01-04")
        row = await Announcement.get(id=pk(notice["id"]))
        assert (row.start_date, row.end_date) == (date(2026, 12, 28), date(2027, 1, 4))
        assert done["agency"]["status"] == "TERMINATED"


# ============================================================================================
# setWorkingCalendar: who, what, and the audit trail (year 2099: no other test depends on it)


async def test_the_province_enters_and_replaces_a_years_calendar(api) -> None:  # type: ignore[no-untyped-def]
    province = api.token(Role.PROVINCE)
    first = await mutate(api, SET_CALENDAR, {
        "year": 2099, "holidays": ["2099-01-02", "2099-01-01", "2099-01-01"],
        "makeupWorkingDays": ["2099-01-04"],
    }, province)
    assert first == {"__typename": "SetWorkingCalendarSuccess", "year": 2099,
                     "holidays": ["2099-01-01", "2099-01-02"],
                     "makeupWorkingDays": ["2099-01-04"]}
    calendar = await WorkingDays.load(range(2099, 2100))
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 4), date(2099, 1, 8))
    event = await AuditEvent.filter(action="setWorkingCalendar").order_by("-id").first()
    assert event is not None and event.actor_role == "PROVINCE"
    assert event.object_type == "WorkingCalendarYear"
    assert event.after == {"holidays": ["2099-01-01", "2099-01-02"],
                           "makeupWorkingDays": ["2099-01-04"]}

    # Entered again: replaced as a whole, the trail keeps what it replaced.
    second = await mutate(api, SET_CALENDAR, {
        "year": 2099, "holidays": ["2099-01-01"], "makeupWorkingDays": [],
    }, province)
    assert second["__typename"] == "SetWorkingCalendarSuccess", second
    calendar = await WorkingDays.load(range(2099, 2100))
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 2), date(2099, 1, 8))
    assert await WorkingCalendarYear.filter(year=2099).count() == 1
    replaced = await AuditEvent.filter(action="setWorkingCalendar").order_by("-id").first()
    assert replaced is not None and replaced.id != event.id
    assert replaced.before == {"holidays": ["2099-01-01", "2099-01-02"],
                               "makeupWorkingDays": ["2099-01-04"]}
    assert replaced.after == {"holidays": ["2099-01-01"], "makeupWorkingDays": []}


@pytest.mark.parametrize("actor", ["city", "pingtan", "agency", "public"])
async def test_only_the_province_enters_calendars(api, actor: str) -> None:  # type: ignore[no-untyped-def]
    if actor == "agency":
        token = (await make_agency(api, active=False)).token(api)
    else:
        token = {"city": api.token(Role.CITY, region="350100"),
                 "pingtan": api.token(Role.CITY, region="350128"), "public": None}[actor]
    before = await counts()
    result = await mutate(api, SET_CALENDAR, {
        "year": 2099, "holidays": ["2099-01-01"], "makeupWorkingDays": [],
    }, token)
    assert result["__typename"] == "RuleViolation", result
    assert await counts() == before


@pytest.mark.parametrize(("input", "field"), [
    ({"year": 2099, "holidays": ["2098-12-31"], "makeupWorkingDays": []}, "holidays"),
    ({"year": 2099, "holidays": [], "makeupWorkingDays": ["2100-01-02"]}, "makeupWorkingDays"),
    # 2099-01-03 is a Saturday: weekends are off already.
    ({"year": 2099, "holidays": ["2099-01-03"], "makeupWorkingDays": []}, "holidays"),
    # 2099-01-05 is a Monday: a make-up working day falls on a weekend.
    ({"year": 2099, "holidays": [], "makeupWorkingDays": ["2099-01-05"]}, "makeupWorkingDays"),
    # The same day both off and worked.
    ({"year": 2099, "holidays": ["2099-01-04"], "makeupWorkingDays": ["2099-01-04"]},
     "makeupWorkingDays"),
    ({"year": 2099, "holidays": ["2099-01-02"], "makeupWorkingDays": ["2099-01-02"]},
     "makeupWorkingDays"),
    ({"year": 1999, "holidays": [], "makeupWorkingDays": []}, "year"),
    ({"year": 2101, "holidays": [], "makeupWorkingDays": []}, "year"),
], ids=["holiday-outside-year", "make-up-outside-year", "weekend-holiday", "weekday-make-up",
        "overlap-weekend", "overlap-weekday", "year-too-early", "year-too-late"])
async def test_invalid_calendars_change_nothing(api, input, field) -> None:  # type: ignore[no-untyped-def]
    before = await counts()
    result = await mutate(api, SET_CALENDAR, input, api.token(Role.PROVINCE))
    assert result["__typename"] == "InvalidInput" and result["field"] == field, result
    assert await counts() == before
