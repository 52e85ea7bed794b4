"""setWorkingCalendar (Art. 15: 公示5个工作日; DESIGN §5): the province enters a year's holidays
and make-up working days for a year chinesecalendar does not cover; it replaces the year as a
whole, with the change in the audit trail. Nobody else may; invalid calendars change nothing.

Year 2099: no other test depends on it. tests/ops/test_working_days.py covers what the entered
calendar does to the notices' dates.
"""

from __future__ import annotations

from datetime import date

import pytest

from models.audit import AuditEvent
from models.enums import Role
from models.working_days import WorkingCalendarYear, WorkingDays
from tests.support.builders import make_agency, mutate
from tests.support.documents import SET_WORKING_CALENDAR
from tests.support.snapshot import unchanged


@pytest.mark.article(15)
async def test_the_province_enters_and_replaces_a_years_calendar(api) -> None:  # type: ignore[no-untyped-def]
    province = api.token(Role.PROVINCE)
    first = await mutate(
        api,
        SET_WORKING_CALENDAR,
        {
            "year": 2099,
            "holidays": ["2099-01-02", "2099-01-01", "2099-01-01"],
            "makeupWorkingDays": ["2099-01-04"],
        },
        province,
    )
    assert first == {
        "__typename": "SetWorkingCalendarSuccess",
        "year": 2099,
        "holidays": ["2099-01-01", "2099-01-02"],
        "makeupWorkingDays": ["2099-01-04"],
    }
    calendar = await WorkingDays.load(range(2099, 2100))
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 4), date(2099, 1, 8))
    event = await AuditEvent.filter(action="setWorkingCalendar").order_by("-id").first()
    assert event is not None and event.actor_role == "PROVINCE"
    assert event.object_type == "WorkingCalendarYear"
    assert event.after == {
        "holidays": ["2099-01-01", "2099-01-02"],
        "makeupWorkingDays": ["2099-01-04"],
    }

    # Entered again: replaced as a whole, the trail keeps what it replaced.
    second = await mutate(
        api,
        SET_WORKING_CALENDAR,
        {
            "year": 2099,
            "holidays": ["2099-01-01"],
            "makeupWorkingDays": [],
        },
        province,
    )
    assert second["__typename"] == "SetWorkingCalendarSuccess", second
    calendar = await WorkingDays.load(range(2099, 2100))
    assert calendar.span(date(2099, 1, 1), 5) == (date(2099, 1, 2), date(2099, 1, 8))
    assert await WorkingCalendarYear.filter(year=2099).count() == 1
    replaced = await AuditEvent.filter(action="setWorkingCalendar").order_by("-id").first()
    assert replaced is not None and replaced.id != event.id
    assert replaced.before == {
        "holidays": ["2099-01-01", "2099-01-02"],
        "makeupWorkingDays": ["2099-01-04"],
    }
    assert replaced.after == {"holidays": ["2099-01-01"], "makeupWorkingDays": []}


@pytest.mark.article(15)
@pytest.mark.parametrize("actor", ["city", "pingtan", "agency", "public"])
async def test_only_the_province_enters_calendars(api, actor: str) -> None:  # type: ignore[no-untyped-def]
    if actor == "agency":
        token = (await make_agency(api, active=False)).token
    else:
        token = {
            "city": api.token(Role.CITY, region="350100"),
            "pingtan": api.token(Role.CITY, region="350128"),
            "public": None,
        }[actor]
    async with unchanged():
        result = await mutate(
            api,
            SET_WORKING_CALENDAR,
            {
                "year": 2099,
                "holidays": ["2099-01-01"],
                "makeupWorkingDays": [],
            },
            token,
        )
    assert result["__typename"] == "RuleViolation", result


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({"year": 2099, "holidays": ["2098-12-31"], "makeupWorkingDays": []}, "holidays"),
        ({"year": 2099, "holidays": [], "makeupWorkingDays": ["2100-01-02"]}, "makeupWorkingDays"),
        # 2099-01-03 is a Saturday: weekends are off already.
        ({"year": 2099, "holidays": ["2099-01-03"], "makeupWorkingDays": []}, "holidays"),
        # 2099-01-05 is a Monday: a make-up working day falls on a weekend.
        ({"year": 2099, "holidays": [], "makeupWorkingDays": ["2099-01-05"]}, "makeupWorkingDays"),
        # The same day both off and worked.
        (
            {"year": 2099, "holidays": ["2099-01-04"], "makeupWorkingDays": ["2099-01-04"]},
            "makeupWorkingDays",
        ),
        (
            {"year": 2099, "holidays": ["2099-01-02"], "makeupWorkingDays": ["2099-01-02"]},
            "makeupWorkingDays",
        ),
        ({"year": 1999, "holidays": [], "makeupWorkingDays": []}, "year"),
        ({"year": 2101, "holidays": [], "makeupWorkingDays": []}, "year"),
    ],
    ids=[
        "holiday-outside-year",
        "make-up-outside-year",
        "weekend-holiday",
        "weekday-make-up",
        "overlap-weekend",
        "overlap-weekday",
        "year-too-early",
        "year-too-late",
    ],
)
async def test_invalid_calendars_change_nothing(api, input, field) -> None:  # type: ignore[no-untyped-def]
    async with unchanged():
        result = await mutate(api, SET_WORKING_CALENDAR, input, api.token(Role.PROVINCE))
    assert result["__typename"] == "InvalidInput" and result["field"] == field, result
