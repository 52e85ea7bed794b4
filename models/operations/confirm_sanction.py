"""The authority confirms a sanction the system proposed (Art. 23(十一)); until then it has no
effect."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, SanctionStatus
from models.errors import RuleViolation
from models.labels import label
from models.locking import locked_agency, save_changes
from models.operations.issue_sanction import apply_effect
from models.rules import RuleCode
from models.sanction import Sanction
from models.snapshot import snapshot


async def confirm_sanction(
    actor: Actor, sanction: Sanction, *, today: date, now: datetime
) -> Sanction:
    if sanction.status is not SanctionStatus.PROPOSED:
        raise RuleViolation(
            RuleCode.NOT_PROPOSED,
            f"该处理决定当前为「{label(sanction.status)}」状态，"
            f"仅待确认的处理决定可以确认（第{sanction.article}条）",
            sanction.article,
        )
    before_sanction = snapshot(sanction)
    async with in_transaction() as conn:
        agency = await locked_agency(conn, sanction.agency_id)
        if agency.state in (AgencyState.TERMINATED, AgencyState.REVOKED):
            raise RuleViolation(
                RuleCode.NOT_FILED,
                f"该机构{label(agency.state)}，不能再确认该处理决定（第{sanction.article}条）",
                sanction.article,
            )
        before_agency = snapshot(agency)
        if (
            not await Sanction.filter(id=sanction.id, status=SanctionStatus.PROPOSED)
            .using_db(conn)
            .update(status=SanctionStatus.EFFECTIVE, decided_at=today, published=True)
        ):
            raise RuleViolation(
                RuleCode.NOT_PROPOSED,
                f"办理期间该处理决定已被确认或撤回（第{sanction.article}条）",
                sanction.article,
            )
        sanction.status, sanction.decided_at, sanction.published = (
            SanctionStatus.EFFECTIVE,
            today,
            True,
        )
        await apply_effect(conn, actor, agency, sanction, now)
        await save_changes(conn, agency, before_agency)
        await record(
            conn,
            actor,
            AuditAction.CONFIRM_SANCTION,
            sanction,
            agency_id=agency.id,
            region_code=sanction.authority_id,
            before=before_sanction,
            after=snapshot(sanction),
        )
        await record(
            conn,
            actor,
            AuditAction.CONFIRM_SANCTION_AGENCY,
            agency,
            agency_id=agency.id,
            region_code=agency.filing_region_id,
            before=before_agency,
            after=snapshot(agency),
        )
    return sanction
