"""The registry's calendar day: Fujian's, whatever the server's timezone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(TIMEZONE).date()
