"""Register a venue for an agency (Art. 4, 12, 24; DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.address import address_key
from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, RegionLevel, SiteTenure
from models.errors import InvalidInput, RuleViolation
from models.locking import locked_agency
from models.periods import restricted_since_period_start
from models.region import find_region
from models.rules import RuleCode
from models.site import Site
from models.snapshot import snapshot


@dataclass(frozen=True)
class NewSite:
    name: str
    address: str
    region_code: str
    tenure: SiteTenure
    has_video_surveillance: bool


def _duplicate(existing: Site, agency: Agency) -> RuleViolation:
    # The agency's own venue is named so it can be put on the filing; another agency's venue
    # may be outside what the caller may read (DESIGN §6), so it is not described at all.
    where = (f"as site {existing.id} 「{existing.name}」; put that site on the filing instead of "
             "registering it again" if existing.agency_id == agency.id
             else "as another agency's venue")
    return RuleViolation(
        RuleCode.DUPLICATE_SITE,
        f"this address is already registered in the region {where} "
        "(Art. 12: 严禁同一场地同一项目不同机构二次备案)",
        12,
    )


async def _check_may_add(agency: Agency, today: date) -> None:
    if agency.state in (AgencyState.TERMINATED, AgencyState.REVOKED):
        raise RuleViolation(
            RuleCode.AGENCY_CLOSED, f"the agency's filing is {agency.state.value.lower()}", 23
        )
    if await restricted_since_period_start(agency, today):
        raise RuleViolation(
            RuleCode.SANCTIONED_PERIOD,
            "no new sites in a filing period with a rectification or revocation (Art. 24)",
            24,
        )


async def add_site(actor: Actor, agency: Agency, new: NewSite, *, today: date) -> Site:
    name, address = new.name.strip(), new.address.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "must be 1 to 200 characters")
    key = address_key(address)
    if not key or len(address) > 300:
        raise InvalidInput("address", "must be a postal address of at most 300 characters")
    region = await find_region(new.region_code)
    if region is None or region.level is not RegionLevel.CITY:
        raise InvalidInput("regionCode", "must be the code of a city or 350128")
    if new.tenure is SiteTenure.TEMPORARY_RENTAL:
        raise RuleViolation(
            RuleCode.TEMPORARY_SITE,
            "严禁使用临时性租用场地 (Art. 12): temporary rentals cannot be sites",
            12,
        )
    await _check_may_add(agency, today)
    existing = await Site.get_or_none(region_id=region.code, address_key=key)
    if existing is not None:
        raise _duplicate(existing, agency)
    site = Site(agency_id=agency.id, name=name, address=address, address_key=key,
                region_id=region.code, tenure=new.tenure,
                has_video_surveillance=new.has_video_surveillance)
    try:
        async with in_transaction() as conn:
            await locked_agency(conn, agency)
            await _check_may_add(agency, today)  # again: a sanction may have come meanwhile
            await site.save(using_db=conn)
            await record(conn, actor, AuditAction.ADD_SITE, site, agency_id=agency.id,
                         region_code=region.code, before=None, after=snapshot(site))
    except IntegrityError:
        existing = await Site.get_or_none(region_id=region.code, address_key=key)
        if existing is None:
            raise
        raise _duplicate(existing, agency) from None
    return site
