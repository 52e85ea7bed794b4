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


def period_start(agency: Agency) -> date | None:
    if agency.valid_until is None:
        return None
    return add_years(agency.valid_until, -PERIOD_YEARS)


async def restricted_since_period_start(agency: Agency) -> bool:
    """An effective Art. 22 or 23 sanction in the current filing period (Art. 24)."""
    start = period_start(agency)
    if start is None:
        return False
    return await Sanction.exists(
        agency_id=agency.id,
        status=SanctionStatus.EFFECTIVE,
        grade__in=[SanctionGrade.RECTIFICATION, SanctionGrade.REVOCATION],
        decided_at__gte=start,
    )
