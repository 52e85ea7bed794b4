"""The authority accepts a rectification (Art. 22): the suspension ends unless another
rectification is still open."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, SanctionGrade, SanctionStatus
from models.errors import RuleViolation
from models.labels import label
from models.locking import locked_agency, save_changes
from models.rules import RuleCode
from models.sanction import Sanction
from models.snapshot import snapshot


async def accept_rectification(actor: Actor, sanction: Sanction, *, today: date) -> Sanction:
    if sanction.grade is not SanctionGrade.RECTIFICATION:
        raise RuleViolation(RuleCode.NOT_RECTIFICATION, "仅对整改通知办理整改验收（第22条）", 22)
    if sanction.status is not SanctionStatus.EFFECTIVE:
        raise RuleViolation(
            RuleCode.NOT_EFFECTIVE,
            f"该处理决定当前为「{label(sanction.status)}」状态，不能办理整改验收（第22条）",
            22,
        )
    if sanction.rectified_at is not None:
        raise RuleViolation(
            RuleCode.ALREADY_RECTIFIED,
            f"该整改已于{sanction.rectified_at.isoformat()}验收（第22条）",
            22,
        )
    before_sanction = snapshot(sanction)
    async with in_transaction() as conn:
        agency = await locked_agency(conn, sanction.agency_id)
        before_agency = snapshot(agency)
        # Of two acceptances racing, the second finds it accepted once the first commits.
        if (
            not await Sanction.filter(id=sanction.id, rectified_at__isnull=True)
            .using_db(conn)
            .update(rectified_at=today)
        ):
            raise RuleViolation(RuleCode.ALREADY_RECTIFIED, "办理期间该整改已被验收（第22条）", 22)
        sanction.rectified_at = today
        still_open = (
            await Sanction.filter(
                agency_id=agency.id,
                grade=SanctionGrade.RECTIFICATION,
                status=SanctionStatus.EFFECTIVE,
                rectified_at__isnull=True,
            )
            .using_db(conn)
            .exists()
        )
        if agency.state is AgencyState.SUSPENDED and not still_open:
            agency.state = AgencyState.ACTIVE
            await save_changes(conn, agency, before_agency)
            await record(
                conn,
                actor,
                AuditAction.ACCEPT_RECTIFICATION_AGENCY,
                agency,
                agency_id=agency.id,
                region_code=agency.filing_region_id,
                before=before_agency,
                after=snapshot(agency),
            )
        await record(
            conn,
            actor,
            AuditAction.ACCEPT_RECTIFICATION,
            sanction,
            agency_id=agency.id,
            region_code=sanction.authority_id,
            before=before_sanction,
            after=snapshot(sanction),
        )
    return sanction
