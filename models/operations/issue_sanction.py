"""Sanctions under Art. 21-24, with the escalation ladder: a second interview in a filing period
becomes a rectification (22.1), a second rectification a revocation (23.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.claim import release_agency_claims
from models.enums import (
    AgencyState,
    CertificateInvalidation,
    SanctionGrade,
    SanctionStatus,
)
from models.errors import InvalidInput, RuleViolation
from models.labels import label
from models.locking import locked_agency, save_changes
from models.operations.decide_filing import withdraw_open_filings
from models.periods import add_years, period_start
from models.rules import RuleCode
from models.sanction import Sanction
from models.snapshot import snapshot

CLAUSES = {21: 9, 22: 9, 23: 12}  # the numbered items (一)… of each article
GRADE = {21: SanctionGrade.INTERVIEW, 22: SanctionGrade.RECTIFICATION, 23: SanctionGrade.REVOCATION}
BAN_YEARS = 3  # Art. 23: 三年内不再受理其…备案申请
DEFAULT_RECTIFICATION_DAYS = 30


@dataclass(frozen=True)
class NewSanction:
    article: int
    clause: int
    facts: str
    serious: bool = False
    certificates_invalidated: CertificateInvalidation = CertificateInvalidation.NONE
    published: bool | None = None  # Art. 21: the authority decides; 22, 23: always published
    rectification_deadline: date | None = None


def validate(new: NewSanction, today: date) -> None:
    if new.article not in CLAUSES:
        raise InvalidInput("article", "违规处理应依据第21条、第22条或第23条作出")
    if not 1 <= new.clause <= CLAUSES[new.article]:
        raise InvalidInput("clause", f"第{new.article}条共有第1项至第{CLAUSES[new.article]}项")
    if not new.facts.strip() or len(new.facts) > 5000:
        raise InvalidInput("facts", "应填写违规事实，不超过5000个字符")
    if new.article != 21 and new.certificates_invalidated is not CertificateInvalidation.NONE:
        raise InvalidInput("certificatesInvalidated", "仅依据第21条处理时可宣布证书无效")
    if new.rectification_deadline is not None and new.rectification_deadline <= today:
        raise InvalidInput("rectificationDeadline", "应晚于今日")


async def _earlier(agency: Agency, grade: SanctionGrade, today: date) -> Sanction | None:
    """The latest effective sanction of that grade in the agency's current filing period."""
    start = period_start(agency, today)
    qs = Sanction.filter(agency_id=agency.id, grade=grade, status=SanctionStatus.EFFECTIVE)
    if start is not None:
        qs = qs.filter(decided_at__gte=start)
    return await qs.order_by("-decided_at", "-id").first()


async def ladder(agency: Agency, new: NewSanction, today: date) -> tuple[int, int, Sanction | None]:
    """(article, clause, escalated from) after applying the escalation rules."""
    article, clause, source = new.article, new.clause, None
    if article == 21:
        interview = await _earlier(agency, SanctionGrade.INTERVIEW, today)
        if new.serious or interview is not None:  # Art. 22(一): 情节严重的，或约谈后再次发生的
            article, clause, source = 22, 1, interview
    if article == 22:
        notice = await _earlier(agency, SanctionGrade.RECTIFICATION, today)
        if notice is not None:  # Art. 23(一): 已被出具书面通知后再次违反第二十二条规定的
            article, clause, source = 23, 1, notice
    return article, clause, source


async def apply_effect(
    conn: BaseDBAsyncClient, actor: Actor, agency: Agency, sanction: Sanction, now: datetime
) -> None:
    """What an effective sanction does to the agency (Art. 22, 23)."""
    assert sanction.decided_at is not None
    if sanction.grade is SanctionGrade.RECTIFICATION and agency.state is AgencyState.ACTIVE:
        agency.state = AgencyState.SUSPENDED  # 暂停评价活动并进行整改
    elif sanction.grade is SanctionGrade.REVOCATION:
        agency.state = AgencyState.REVOKED
        agency.banned_until = add_years(sanction.decided_at, BAN_YEARS)
        await release_agency_claims(conn, agency.id, now)
        await withdraw_open_filings(conn, actor, agency, now)


async def issue_sanction(
    actor: Actor, agency: Agency, new: NewSanction, *, today: date, now: datetime
) -> tuple[Sanction, bool]:
    """Returns the sanction and whether the ladder escalated it."""
    validate(new, today)
    async with in_transaction() as conn:
        # Sanctions of one agency are decided one at a time, each on the ladder as the one
        # before it left it: two Art. 21 sanctions at once are an interview and a 22.1.
        await locked_agency(conn, agency)
        if agency.state in (AgencyState.PENDING, AgencyState.TERMINATED, AgencyState.REVOKED):
            raise RuleViolation(
                RuleCode.NOT_FILED,
                f"该机构当前为「{label(agency.state)}」状态，"
                f"没有可予处理的备案（第{new.article}条）",
                new.article,
            )
        article, clause, source = await ladder(agency, new, today)
        grade = GRADE[article]
        deadline = None
        if grade is SanctionGrade.RECTIFICATION:
            deadline = new.rectification_deadline or today + timedelta(DEFAULT_RECTIFICATION_DAYS)
        published = True if article in (22, 23) else bool(new.published)  # 并对社会公布
        before = snapshot(agency)
        sanction = await Sanction.create(
            using_db=conn,
            agency_id=agency.id,
            article=article,
            clause=clause,
            grade=grade,
            status=SanctionStatus.EFFECTIVE,
            facts=new.facts.strip(),
            serious=new.serious,
            certificates_invalidated=new.certificates_invalidated,
            authority_id=agency.filing_region_id,
            decided_at=today,
            published=published,
            escalated_from_id=source.id if source else None,
            rectification_deadline=deadline,
        )
        await apply_effect(conn, actor, agency, sanction, now)
        await record(
            conn,
            actor,
            AuditAction.ISSUE_SANCTION,
            sanction,
            agency_id=agency.id,
            region_code=agency.filing_region_id,
            before=None,
            after=snapshot(sanction),
        )
        if await save_changes(conn, agency, before):
            await record(
                conn,
                actor,
                AuditAction.ISSUE_SANCTION_AGENCY,
                agency,
                agency_id=agency.id,
                region_code=agency.filing_region_id,
                before=before,
                after=snapshot(agency),
            )
    return sanction, (article, clause) != (new.article, new.clause)
