"""The registry's calendar day: Fujian's, whatever the server's timezone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(TIMEZONE)


def today() -> date:
    return now().date()
