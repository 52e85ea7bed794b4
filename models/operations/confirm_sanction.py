"""The authority confirms a sanction the system proposed (Art. 23(十一)); until then it has no
effect."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, record
from models.enums import AgencyState, SanctionStatus
from models.errors import RuleViolation
from models.operations.issue_sanction import apply_effect
from models.sanction import Sanction
from models.snapshot import snapshot


async def confirm_sanction(actor: Actor, sanction: Sanction, today: date,
                           now: datetime) -> Sanction:
    if sanction.status is not SanctionStatus.PROPOSED:
        raise RuleViolation("NOT_PROPOSED", f"the sanction is {sanction.status.value}",
                            sanction.article)
    agency = await Agency.get(id=sanction.agency_id)
    if agency.state in (AgencyState.TERMINATED, AgencyState.REVOKED):
        raise RuleViolation("NOT_FILED", f"the agency is already {agency.state.value}",
                            sanction.article)
    before_sanction, before_agency = snapshot(sanction), snapshot(agency)
    async with in_transaction() as conn:
        if not await Sanction.filter(id=sanction.id, status=SanctionStatus.PROPOSED).using_db(
                conn).update(status=SanctionStatus.EFFECTIVE):
            raise RuleViolation("NOT_PROPOSED", "confirmed or withdrawn meanwhile",
                                sanction.article)
        sanction.status, sanction.decided_at, sanction.published = (
            SanctionStatus.EFFECTIVE, today, True)
        await sanction.save(using_db=conn)
        await apply_effect(conn, actor, agency, sanction, now)
        await agency.save(using_db=conn)
        await record(conn, actor, "confirmSanction", sanction, agency_id=agency.id,
                     region_code=sanction.authority_id, before=before_sanction,
                     after=snapshot(sanction))
        await record(conn, actor, "confirmSanction:agency", agency, agency_id=agency.id,
                     region_code=agency.filing_region_id, before=before_agency,
                     after=snapshot(agency))
    return sanction
