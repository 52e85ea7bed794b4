"""The filing authority terminates a filing (Art. 15, 17): published for 5 working days and
reported to the ministry."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.announcement import Announcement
from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, AnnouncementKind, TerminationReason
from models.errors import InvalidInput, RuleViolation
from models.labels import label
from models.locking import locked_agency, save_changes
from models.operations.announce import announce, publication_period
from models.operations.decide_filing import close_agency
from models.region import PROVINCE_CODE
from models.rules import RuleCode
from models.snapshot import snapshot

ARTICLE = {TerminationReason.UNAPPROVED_SITE_CHANGE: 15, TerminationReason.VOLUNTARY: 17}
WORDING = {
    TerminationReason.UNAPPROVED_SITE_CHANGE: (
        "备案期内未经许可变更评价场地，视为终止备案（第十五条）"
    ),
    TerminationReason.VOLUNTARY: "自愿终止评价工作，终止备案（第十七条）",
    TerminationReason.OTHER: "终止备案",
}


def _check_filed(agency: Agency, reason: TerminationReason) -> None:
    if agency.state in (AgencyState.TERMINATED, AgencyState.REVOKED):
        article = ARTICLE.get(reason, 17)
        raise RuleViolation(
            RuleCode.ALREADY_CLOSED,
            f"该机构{label(agency.state)}，不能再终止备案（第{article}条）",
            article,
        )
    if agency.state is AgencyState.PENDING:
        raise RuleViolation(
            RuleCode.NOT_FILED, "该机构尚未通过备案，没有可终止的备案（第17条）", 17
        )


async def terminate_agency(
    actor: Actor,
    agency: Agency,
    reason: TerminationReason,
    note: str | None,
    *,
    today: date,
    now: datetime,
) -> tuple[Agency, Announcement]:
    _check_filed(agency, reason)
    if note is not None and len(note) > 2000:
        raise InvalidInput("note", "不超过2000个字符")
    period = await publication_period(today)
    async with in_transaction() as conn:
        await locked_agency(conn, agency)
        _check_filed(agency, reason)  # again: it may have been closed meanwhile
        before = snapshot(agency)
        body = f"{agency.name}（{agency.credit_code}）{WORDING[reason]}，已报备人社部。"
        if note:
            body += f"\n{note.strip()}"
        await close_agency(conn, actor, agency, now)
        await save_changes(conn, agency, before)
        await record(
            conn,
            actor,
            AuditAction.termination(reason.value),
            agency,
            agency_id=agency.id,
            region_code=agency.filing_region_id,
            before=before,
            after=snapshot(agency),
        )
        # Art. 15, 17: the province center publishes terminations and reports them.
        notice = await announce(
            conn,
            actor,
            kind=AnnouncementKind.TERMINATION,
            agency_id=agency.id,
            authority=PROVINCE_CODE,
            period=period,
            body=body,
            reason=reason,
            reported_to_ministry_at=now,
        )
    return agency, notice
