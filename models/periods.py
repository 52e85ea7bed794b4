"""Filing periods: a filing is valid 3 years (Art. 16); some restrictions last for the rest of
the period in which a sanction was issued (Art. 22, 24)."""

from __future__ import annotations

from datetime import date

from models.agency import Agency
from models.enums import SanctionGrade, SanctionStatus
from models.sanction import Sanction

PERIOD_YEARS = 3


def add_years(day: date, years: int) -> date:
    """Same day N years on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def period_start(agency: Agency, today: date) -> date | None:
    """The first day of the filing period running today. A renewal approved early (Art. 16)
    already moved `valid_until` on, so step back whole periods until one has begun."""
    if agency.valid_until is None:
        return None
    start = add_years(agency.valid_until, -PERIOD_YEARS)
    first = agency.first_approved_on or start
    while start > today and add_years(start, -PERIOD_YEARS) >= first:
        start = add_years(start, -PERIOD_YEARS)
    return start


def period_number(agency: Agency, today: date) -> int:
    """1 in the first filing period, 2 in the one after the first renewal, …"""
    start = period_start(agency, today)
    if start is None or agency.first_approved_on is None:
        return 0
    n, begin = 1, agency.first_approved_on
    while add_years(begin, PERIOD_YEARS) <= start:
        n, begin = n + 1, add_years(begin, PERIOD_YEARS)
    return n


async def restricted_since_period_start(agency: Agency, today: date) -> bool:
    """An effective Art. 22 or 23 sanction in the current filing period (Art. 24)."""
    start = period_start(agency, today)
    if start is None:
        return False
    return await Sanction.exists(
        agency_id=agency.id,
        status=SanctionStatus.EFFECTIVE,
        grade__in=[SanctionGrade.RECTIFICATION, SanctionGrade.REVOCATION],
        decided_at__gte=start,
    )
