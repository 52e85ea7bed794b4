"""Upgrades: a city agency managed as provincial (Art. 26, 27), a provincial agency recommended
for national level (Art. 28)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import AgencyLevel, AgencyState
from models.errors import InvalidInput, RuleViolation
from models.locking import locked_agency, save_changes
from models.periods import period_start
from models.region import PROVINCE_CODE
from models.rules import RuleCode
from models.sanction import Sanction
from models.snapshot import snapshot
from models.supervision import sanctioned_since


async def _change(actor: Actor, agency: Agency, action: AuditAction,
                  change: Callable[[Agency], Awaitable[None]]) -> Agency:
    """Apply `change` (which checks its rules, then sets fields) to the locked, current row."""
    async with in_transaction() as conn:
        await locked_agency(conn, agency)
        before = snapshot(agency)
        await change(agency)
        await save_changes(conn, agency, before)
        await record(conn, actor, action, agency, agency_id=agency.id,
                     region_code=agency.filing_region_id, before=before, after=snapshot(agency))
    return agency


async def recommend_upgrade(actor: Actor, agency: Agency, basis: list[int],
                            *, now: datetime) -> Agency:
    """Art. 27: the city recommends its agency that meets an Art. 26 case."""

    async def change(agency: Agency) -> None:
        if agency.level is not AgencyLevel.CITY:
            raise RuleViolation(RuleCode.NOT_CITY_AGENCY, "only a city-level agency is recommended "
                                "to be managed as provincial", 27)
        if agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(RuleCode.NOT_ACTIVE, f"the agency is {agency.state.value}", 27)
        if not basis or any(b not in range(1, 6) for b in basis):
            raise InvalidInput("basis", "name the Art. 26 cases it meets, 1 to 5")
        if agency.upgrade_recommended_at is not None:
            raise RuleViolation(RuleCode.ALREADY_RECOMMENDED, "the recommendation is awaiting the "
                                "province", 27)
        agency.upgrade_recommended_at = now
        agency.upgrade_basis = ",".join(str(b) for b in sorted(set(basis)))

    return await _change(actor, agency, AuditAction.RECOMMEND_UPGRADE, change)


async def approve_upgrade(actor: Actor, agency: Agency) -> Agency:
    """Art. 27: the province agrees; the agency is filed with the province from now on."""

    async def change(agency: Agency) -> None:
        if agency.upgrade_recommended_at is None:
            raise RuleViolation(RuleCode.NOT_RECOMMENDED, "its city has not recommended it (Art. 27)",
                                27)
        if agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(RuleCode.NOT_ACTIVE, f"the agency is {agency.state.value}", 27)
        agency.level, agency.filing_region_id = AgencyLevel.PROVINCIAL, PROVINCE_CODE
        agency.upgrade_recommended_at = None

    return await _change(actor, agency, AuditAction.APPROVE_UPGRADE, change)


async def recommend_national(actor: Actor, agency: Agency, *, today: date,
                             now: datetime) -> Agency:
    """Art. 28: a provincial agency with a clean filing period."""

    async def change(agency: Agency) -> None:
        if agency.level is not AgencyLevel.PROVINCIAL or agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(RuleCode.NOT_ELIGIBLE, "an ACTIVE provincial agency is recommended "
                                "for national level", 28)
        if agency.national_recommended_at is not None:
            raise RuleViolation(RuleCode.ALREADY_RECOMMENDED, "already recommended", 28)
        sanctions = await Sanction.filter(agency_id=agency.id)
        if sanctioned_since(sanctions, period_start(agency, today)):
            raise RuleViolation(RuleCode.NOT_CLEAN, "the filing period has an Art. 21-23 sanction", 28)
        agency.national_recommended_at = now

    return await _change(actor, agency, AuditAction.RECOMMEND_NATIONAL, change)
