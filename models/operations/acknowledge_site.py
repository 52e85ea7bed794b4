"""A city registers (报备) a provincial agency's site located in it (Art. 4)."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import AgencyLevel
from models.errors import RuleViolation
from models.rules import RuleCode
from models.site import Site
from models.snapshot import snapshot


async def acknowledge_site(actor: Actor, site: Site, *, now: datetime) -> Site:
    agency = await Agency.get(id=site.agency_id)
    if agency.level is not AgencyLevel.PROVINCIAL:
        raise RuleViolation(
            RuleCode.NOT_PROVINCIAL,
            "考点报备仅适用于省级评价机构在本地区的考点，"
            "市级评价机构的考点由所在设区市管理（第4条）",
            4,
        )
    if site.acknowledged_at is not None:
        raise RuleViolation(
            RuleCode.ALREADY_ACKNOWLEDGED,
            f"该考点已于{site.acknowledged_at.date().isoformat()}报备（第4条）",
            4,
        )
    before = snapshot(site)
    async with in_transaction() as conn:
        # Of two acknowledgements racing, the second finds the site acknowledged.
        if (
            not await Site.filter(id=site.id, acknowledged_at__isnull=True)
            .using_db(conn)
            .update(acknowledged_at=now)
        ):
            raise RuleViolation(
                RuleCode.ALREADY_ACKNOWLEDGED, "办理期间该考点已完成报备（第4条）", 4
            )
        site.acknowledged_at = now
        await site.save(using_db=conn, update_fields=["acknowledged_at"])
        await record(
            conn,
            actor,
            AuditAction.ACKNOWLEDGE_SITE,
            site,
            agency_id=agency.id,
            region_code=site.region_id,
            before=before,
            after=snapshot(site),
        )
    return site
