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
from models.labels import label
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
    if existing.agency_id == agency.id:
        return RuleViolation(
            RuleCode.DUPLICATE_SITE,
            f"该地址已登记为本机构的评价场所「{existing.name}」（场所编号{existing.id}），"
            "请在备案申请中直接选用，无需重复登记（第12条）",
            12,
        )
    return RuleViolation(
        RuleCode.DUPLICATE_SITE,
        "该地址已由其他机构登记为评价场所。严禁同一场地同一项目不同机构二次备案（第12条）",
        12,
    )


async def _check_may_add(agency: Agency, today: date) -> None:
    if agency.state in (AgencyState.TERMINATED, AgencyState.REVOKED):
        raise RuleViolation(
            RuleCode.AGENCY_CLOSED, f"该机构{label(agency.state)}，不能增设评价场所（第23条）", 23
        )
    if await restricted_since_period_start(agency, today):
        raise RuleViolation(
            RuleCode.SANCTIONED_PERIOD,
            "备案期内受到整改或撤销备案处理的，不得增设考点（第24条）",
            24,
        )


async def add_site(actor: Actor, agency: Agency, new: NewSite, *, today: date) -> Site:
    name, address = new.name.strip(), new.address.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "长度应为1至200个字符")
    key = address_key(address)
    if not key or len(address) > 300:
        raise InvalidInput("address", "应填写详细地址，不超过300个字符")
    region = await find_region(new.region_code)
    if region is None or region.level is not RegionLevel.CITY:
        raise InvalidInput("regionCode", "应为设区市或平潭综合实验区（350128）的行政区划代码")
    if new.tenure is SiteTenure.TEMPORARY_RENTAL:
        raise RuleViolation(
            RuleCode.TEMPORARY_SITE,
            "严禁使用临时性租用场地开展评价活动（第12条）",
            12,
        )
    await _check_may_add(agency, today)
    existing = await Site.get_or_none(region_id=region.code, address_key=key)
    if existing is not None:
        raise _duplicate(existing, agency)
    site = Site(
        agency_id=agency.id,
        name=name,
        address=address,
        address_key=key,
        region_id=region.code,
        tenure=new.tenure,
        has_video_surveillance=new.has_video_surveillance,
    )
    try:
        async with in_transaction() as conn:
            await locked_agency(conn, agency)
            await _check_may_add(agency, today)  # again: a sanction may have come meanwhile
            await site.save(using_db=conn)
            await record(
                conn,
                actor,
                AuditAction.ADD_SITE,
                site,
                agency_id=agency.id,
                region_code=region.code,
                before=None,
                after=snapshot(site),
            )
    except IntegrityError:
        existing = await Site.get_or_none(region_id=region.code, address_key=key)
        if existing is None:
            raise
        raise _duplicate(existing, agency) from None
    return site
