"""Recording an inspection result (Art. 19, 20); the third UNQUALIFIED external result of an
agency in one calendar year proposes an Art. 23(十一) revocation for the authority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import (
    AgencyState,
    InspectionKind,
    InspectionMode,
    InspectionResult,
    SanctionGrade,
    SanctionStatus,
)
from models.errors import InvalidInput
from models.inspection import Inspection
from models.locking import locked_agency
from models.sanction import Sanction
from models.site import Site, uses_site
from models.snapshot import snapshot

UNQUALIFIED_LIMIT = 3  # Art. 23(十一): 一个自然年度内…三次及以上"不合格"


@dataclass(frozen=True)
class NewInspection:
    site: Site | None
    kind: InspectionKind
    mode: InspectionMode
    date: date
    result: InspectionResult
    findings: str | None
    published: bool
    authority: str


async def validate(agency: Agency, new: NewInspection, today: date) -> None:
    if new.date > today:
        raise InvalidInput("date", "督导结果应在督导完成后录入，日期不得晚于今日")
    if new.findings is not None and len(new.findings) > 5000:
        raise InvalidInput("findings", "不超过5000个字符")
    if new.site is not None and not await uses_site(agency.id, new.site):
        raise InvalidInput("siteId", "该场所既非该机构登记，也不在该机构的备案中")


async def record_inspection(
    actor: Actor, agency: Agency, new: NewInspection, *, today: date
) -> tuple[Inspection, Sanction | None]:
    await validate(agency, new, today)
    counts = new.kind is InspectionKind.EXTERNAL and new.result is InspectionResult.UNQUALIFIED
    async with in_transaction() as conn:
        if counts:
            # One agency's failures are counted one transaction at a time, so concurrent
            # failures cannot each see "the third" and propose twice.
            await locked_agency(conn, agency)
            counts = agency.state not in (AgencyState.TERMINATED, AgencyState.REVOKED)
        inspection = await Inspection.create(
            using_db=conn,
            agency_id=agency.id,
            site_id=new.site.id if new.site else None,
            kind=new.kind,
            mode=new.mode,
            date=new.date,
            result=new.result,
            findings=new.findings,
            published=new.published,
            authority_id=new.authority,
        )
        await record(
            conn,
            actor,
            AuditAction.RECORD_INSPECTION,
            inspection,
            agency_id=agency.id,
            region_code=new.site.region_id if new.site else new.authority,
            before=None,
            after=snapshot(inspection),
        )
        proposal = None
        if counts:
            year = new.date.year
            failures = (
                await Inspection.filter(
                    agency_id=agency.id,
                    kind=InspectionKind.EXTERNAL,
                    result=InspectionResult.UNQUALIFIED,
                    date__gte=date(year, 1, 1),
                    date__lte=date(year, 12, 31),
                )
                .using_db(conn)
                .count()
            )
            # Exactly at the third, so one year's failures propose once.
            if failures == UNQUALIFIED_LIMIT:
                proposal = await Sanction.create(
                    using_db=conn,
                    agency_id=agency.id,
                    article=23,
                    clause=11,
                    grade=SanctionGrade.REVOCATION,
                    status=SanctionStatus.PROPOSED,
                    facts=f"{year}年外部督导结果{failures}次不合格（第二十三条第（十一）项），"
                    "由系统提出，待备案部门确认。",
                    authority_id=agency.filing_region_id,
                    published=False,
                )
                await record(
                    conn,
                    actor,
                    AuditAction.PROPOSE_SANCTION,
                    proposal,
                    agency_id=agency.id,
                    region_code=agency.filing_region_id,
                    before=None,
                    after=snapshot(proposal),
                )
    return inspection, proposal
