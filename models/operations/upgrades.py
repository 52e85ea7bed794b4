"""Upgrades: a city agency managed as provincial (Art. 26, 27), a provincial agency recommended
for national level (Art. 28)."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, record
from models.enums import AgencyLevel, AgencyState
from models.errors import InvalidInput, RuleViolation
from models.periods import period_start
from models.region import PROVINCE_CODE
from models.sanction import Sanction
from models.snapshot import snapshot
from models.supervision import sanctioned_since


async def _save(actor: Actor, agency: Agency, action: str, before: dict[str, object]) -> Agency:
    async with in_transaction() as conn:
        await agency.save(using_db=conn)
        await record(conn, actor, action, agency, agency_id=agency.id,
                     region_code=agency.filing_region_id, before=before, after=snapshot(agency))
    return agency


async def recommend_upgrade(actor: Actor, agency: Agency, basis: list[int],
                            now: datetime) -> Agency:
    """Art. 27: the city recommends its agency that meets an Art. 26 case."""
    if agency.level is not AgencyLevel.CITY:
        raise RuleViolation("NOT_CITY_AGENCY", "only a city-level agency is recommended to be "
                            "managed as provincial", 27)
    if agency.state is not AgencyState.ACTIVE:
        raise RuleViolation("NOT_ACTIVE", f"the agency is {agency.state.value}", 27)
    if not basis or any(b not in range(1, 6) for b in basis):
        raise InvalidInput("basis", "name the Art. 26 cases it meets, 1 to 5")
    if agency.upgrade_recommended_at is not None:
        raise RuleViolation("ALREADY_RECOMMENDED", "the recommendation is awaiting the province",
                            27)
    before = snapshot(agency)
    agency.upgrade_recommended_at = now
    agency.upgrade_basis = ",".join(str(b) for b in sorted(set(basis)))
    return await _save(actor, agency, "recommendUpgrade", before)


async def approve_upgrade(actor: Actor, agency: Agency) -> Agency:
    """Art. 27: the province agrees; the agency is filed with the province from now on."""
    if agency.upgrade_recommended_at is None:
        raise RuleViolation("NOT_RECOMMENDED", "its city has not recommended it (Art. 27)", 27)
    if agency.state is not AgencyState.ACTIVE:
        raise RuleViolation("NOT_ACTIVE", f"the agency is {agency.state.value}", 27)
    before = snapshot(agency)
    agency.level, agency.filing_region_id = AgencyLevel.PROVINCIAL, PROVINCE_CODE
    agency.upgrade_recommended_at = None
    return await _save(actor, agency, "approveUpgrade", before)


async def recommend_national(actor: Actor, agency: Agency, today: date,
                             now: datetime) -> Agency:
    """Art. 28: a provincial agency with a clean filing period."""
    if agency.level is not AgencyLevel.PROVINCIAL or agency.state is not AgencyState.ACTIVE:
        raise RuleViolation("NOT_ELIGIBLE", "an ACTIVE provincial agency is recommended for "
                            "national level", 28)
    if agency.national_recommended_at is not None:
        raise RuleViolation("ALREADY_RECOMMENDED", "already recommended", 28)
    sanctions = await Sanction.filter(agency_id=agency.id)
    if sanctioned_since(sanctions, period_start(agency, today)):
        raise RuleViolation("NOT_CLEAN", "the filing period has an Art. 21-23 sanction", 28)
    before = snapshot(agency)
    agency.national_recommended_at = now
    return await _save(actor, agency, "recommendNational", before)
