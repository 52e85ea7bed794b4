"""A stand-in working-day calendar for a year the packaged holiday data (chinesecalendar) does
not cover yet.

A notice is published for 5 working days (Art. 15), and the registry refuses to guess them
(models/working_days.py): before deciding in such a year the province must enter the year's
calendar (setWorkingCalendar). Generated data (the demo, `--scale`) that reaches into such a
year enters this stand-in as the province would: the statutory holidays that fall on fixed
dates. The lunar ones (春节, 清明, 端午, 中秋) and the make-up working days are not known here.
"""

from __future__ import annotations

from datetime import date

# 全国年节及纪念日放假办法: 元旦, 劳动节, 国庆节.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def stand_in_holidays(year: int) -> list[date]:
    """The fixed-date holidays of `year` that fall on weekdays (weekends are off already)."""
    return [d for d in (date(year, m, n) for m, n in FIXED_HOLIDAYS) if d.weekday() < 5]
