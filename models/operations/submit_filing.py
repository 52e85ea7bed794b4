"""An agency files an application (Art. 7, 12, 13, 15, 16, 17, 22, 23, 24)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency, in_force, renewal_window
from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, FilingKind, FilingStatus
from models.errors import InvalidInput, RuleViolation
from models.filing import Filing, FilingItem
from models.labels import label
from models.locking import locked_agency
from models.operations.items import (
    SCOPE_KINDS,
    NewItem,
    as_new_items,
    check_items,
    check_no_additions_when_sanctioned,
    check_pairs_free,
    current_items,
)
from models.periods import add_years
from models.rules import RuleCode
from models.snapshot import snapshot

# The article each kind of application is made under.
KIND_ARTICLE = {
    FilingKind.INITIAL: 16,
    FilingKind.RENEWAL: 16,
    FilingKind.SCOPE_CHANGE: 13,
    FilingKind.INFO_CHANGE: 13,
    FilingKind.TERMINATION: 17,
}

MIN_OPERATION_YEARS = 1  # Art. 13: 原则上开展一年以上评价工作后 … 申请变更


@dataclass(frozen=True)
class NewFiling:
    kind: FilingKind
    items: list[NewItem] = field(default_factory=list)
    new_name: str | None = None
    new_legal_representative: str | None = None
    reason: str | None = None


def check_initial(agency: Agency, today: date) -> None:
    if agency.banned_until is not None and agency.banned_until >= today:
        raise RuleViolation(
            RuleCode.BANNED,
            f"该机构备案已被撤销，{agency.banned_until.isoformat()}前"
            "不再受理该统一社会信用代码的备案申请（第23条）",
            23,
        )
    if in_force(agency, today=today):
        raise RuleViolation(
            RuleCode.ALREADY_FILED,
            "该机构备案仍在有效期内，请申请延续备案或备案范围变更（第13条、第16条）",
            16,
        )


def check_renewal(agency: Agency, today: date) -> None:
    window = renewal_window(agency)
    if window is None or not in_force(agency, today=today):
        raise RuleViolation(RuleCode.NOT_IN_FORCE, "仅有效期内的备案可以申请延续（第16条）", 16)
    opens, closes = window
    if not opens <= today <= closes:
        raise RuleViolation(
            RuleCode.RENEWAL_WINDOW,
            f"延续申请应于有效期满前90日内提出，即{opens.isoformat()}至"
            f"{closes.isoformat()}（第16条）",
            16,
        )


def check_scope_change(agency: Agency, today: date) -> None:
    if not in_force(agency, today=today):
        raise RuleViolation(
            RuleCode.NOT_IN_FORCE, "仅有效期内的备案可以申请变更备案范围（第13条）", 13
        )
    first = agency.first_approved_on
    if first is None or add_years(first, MIN_OPERATION_YEARS) > today:
        since = f"首次备案于{first.isoformat()}通过" if first else "尚无通过的首次备案"
        raise RuleViolation(
            RuleCode.TOO_EARLY,
            f"原则上开展一年以上评价工作后方可申请变更，该机构{since}（第13条）",
            13,
        )


def check_filed(agency: Agency, kind: FilingKind) -> None:
    if agency.state in (AgencyState.PENDING, AgencyState.TERMINATED, AgencyState.REVOKED):
        article = 17 if kind is FilingKind.TERMINATION else 13
        raise RuleViolation(
            RuleCode.NOT_FILED,
            f"该机构当前为「{label(agency.state)}」状态，没有可变更的备案（第{article}条）",
            article,
        )


async def check_submission(agency: Agency, new: NewFiling, today: date) -> None:
    """Every rule a submission must pass; raises the first one broken."""
    if new.kind in SCOPE_KINDS and not new.items and new.kind is not FilingKind.RENEWAL:
        raise InvalidInput("items", f"{label(new.kind)}申请应至少列明一个备案项目")
    if new.kind not in SCOPE_KINDS and new.items:
        raise InvalidInput("items", f"{label(new.kind)}申请不填写备案项目")
    if new.kind is FilingKind.INITIAL:
        check_initial(agency, today)
    elif new.kind is FilingKind.RENEWAL:
        check_renewal(agency, today)
    elif new.kind is FilingKind.SCOPE_CHANGE:
        check_scope_change(agency, today)
    else:
        check_filed(agency, new.kind)
    if new.kind is FilingKind.INFO_CHANGE:
        if not (new.new_name or "").strip() and not (new.new_legal_representative or "").strip():
            raise InvalidInput("newName", "备案信息变更应填写新的机构名称或法定代表人（第13条）")
        if new.new_name is not None and len(new.new_name.strip()) > 200:
            raise InvalidInput("newName", "不超过200个字符")
        if (
            new.new_legal_representative is not None
            and len(new.new_legal_representative.strip()) > 64
        ):
            raise InvalidInput("newLegalRepresentative", "不超过64个字符")
    if new.kind is FilingKind.RENEWAL:
        scope = {(i.site_id, i.occupation_code, i.level) for i in await current_items(agency.id)}
        if {(i.site.id, i.occupation_code, i.level) for i in new.items} != scope:
            raise RuleViolation(
                RuleCode.SCOPE_CHANGE_NEEDED,
                "延续备案沿用现有备案范围；变更场所、"
                "职业（工种）或等级的，请申请备案范围变更（第13条）",
                13,
            )
    check_items(agency, new.items)
    if new.kind in (FilingKind.RENEWAL, FilingKind.SCOPE_CHANGE):
        await check_no_additions_when_sanctioned(agency, new.items, today)
    await check_pairs_free(agency, new.items, today)
    if await Filing.exists(agency_id=agency.id, kind=new.kind, status=FilingStatus.SUBMITTED):
        raise RuleViolation(
            RuleCode.OPEN_FILING,
            f"该机构已有一项{label(new.kind)}申请正在审核中（第{KIND_ARTICLE[new.kind]}条）",
            KIND_ARTICLE[new.kind],
        )


async def submit_filing(
    actor: Actor, agency: Agency, new: NewFiling, *, today: date, now: datetime
) -> Filing:
    async with in_transaction() as conn:
        # Applications of one agency are checked one at a time, so two at once cannot both
        # pass the one-open-filing-per-kind rule, nor land after the agency was closed.
        await locked_agency(conn, agency)
        if new.kind is FilingKind.RENEWAL and not new.items:
            # A renewal without items carries the scope in force over unchanged.
            new = replace(new, items=await as_new_items(await current_items(agency.id)))
        await check_submission(agency, new, today)
        filing = await Filing.create(
            using_db=conn,
            agency_id=agency.id,
            kind=new.kind,
            status=FilingStatus.SUBMITTED,
            authority_id=agency.filing_region_id,
            submitted_at=now,
            reason=new.reason,
            new_name=(new.new_name or "").strip() or None,
            new_legal_representative=(new.new_legal_representative or "").strip() or None,
        )
        await FilingItem.bulk_create(
            [
                FilingItem(
                    filing_id=filing.id,
                    occupation_code=i.occupation_code,
                    occupation_name=i.occupation_name.strip(),
                    level=i.level,
                    site_id=i.site.id,
                )
                for i in new.items
            ],
            using_db=conn,
        )
        await record(
            conn,
            actor,
            AuditAction.SUBMIT_FILING,
            filing,
            agency_id=agency.id,
            region_code=agency.filing_region_id,
            before=None,
            after=snapshot(filing),
        )
    return filing
