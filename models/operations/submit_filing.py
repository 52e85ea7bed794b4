"""An agency files an application (Art. 7, 12, 13, 15, 16, 17, 22, 23, 24)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency, in_force, renewal_due, renewal_window
from models.audit import Actor, record
from models.enums import AgencyState, FilingKind, FilingStatus
from models.errors import InvalidInput, RuleViolation
from models.filing import Filing, FilingItem
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
from models.snapshot import snapshot

# The article each kind of application is made under.
KIND_ARTICLE = {FilingKind.INITIAL: 16, FilingKind.RENEWAL: 16, FilingKind.SCOPE_CHANGE: 13,
                FilingKind.INFO_CHANGE: 13, FilingKind.TERMINATION: 17}

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
            "BANNED", f"the filing was revoked; no new filing under this credit code until "
            f"{agency.banned_until.isoformat()} (Art. 23)", 23)
    if in_force(agency, today=today):
        raise RuleViolation(
            "ALREADY_FILED", "the agency's filing is in force: renew it or change its scope "
            "(Art. 13, 16)", 16)


def check_renewal(agency: Agency, today: date) -> None:
    window = renewal_window(agency)
    if window is None or not in_force(agency, today=today):
        raise RuleViolation("NOT_IN_FORCE", "only a filing in force can be renewed (Art. 16)", 16)
    if not renewal_due(agency, today=today):
        opens, closes = window
        raise RuleViolation(
            "RENEWAL_WINDOW", f"renewal may be applied for from {opens.isoformat()} to "
            f"{closes.isoformat()}, the 90 days before expiry (Art. 16)", 16)


def check_scope_change(agency: Agency, today: date) -> None:
    if not in_force(agency, today=today):
        raise RuleViolation("NOT_IN_FORCE", "the scope of a filing in force is changed "
                            "(Art. 13)", 13)
    first = agency.first_approved_on
    if first is None or add_years(first, MIN_OPERATION_YEARS) > today:
        since = first.isoformat() if first else "-"
        raise RuleViolation(
            "TOO_EARLY", f"scope changes after one year of operation (first approved {since}, "
            "Art. 13)", 13)


def check_filed(agency: Agency, kind: FilingKind) -> None:
    if agency.state in (AgencyState.PENDING, AgencyState.TERMINATED, AgencyState.REVOKED):
        article = 17 if kind is FilingKind.TERMINATION else 13
        raise RuleViolation("NOT_FILED", f"the agency has no filing to change "
                            f"({agency.state.value})", article)


async def check_submission(agency: Agency, new: NewFiling, today: date) -> None:
    """Every rule a submission must pass; raises the first one broken."""
    if new.kind in SCOPE_KINDS and not new.items and new.kind is not FilingKind.RENEWAL:
        raise InvalidInput("items", f"a {new.kind.value} filing lists at least one item")
    if new.kind not in SCOPE_KINDS and new.items:
        raise InvalidInput("items", f"a {new.kind.value} filing has no items")
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
            raise InvalidInput("newName", "an INFO_CHANGE names a new name or legal "
                               "representative (Art. 13)")
        if new.new_name is not None and len(new.new_name.strip()) > 200:
            raise InvalidInput("newName", "at most 200 characters")
        if (new.new_legal_representative is not None
                and len(new.new_legal_representative.strip()) > 64):
            raise InvalidInput("newLegalRepresentative", "at most 64 characters")
    if new.kind is FilingKind.RENEWAL:
        scope = {(i.site_id, i.occupation_code, i.level) for i in await current_items(agency.id)}
        if {(i.site.id, i.occupation_code, i.level) for i in new.items} != scope:
            raise RuleViolation("SCOPE_CHANGE_NEEDED", "a renewal carries the scope in force "
                                "over; change sites, occupations or levels with a SCOPE_CHANGE "
                                "(Art. 13)", 13)
    check_items(agency, new.items)
    if new.kind in (FilingKind.RENEWAL, FilingKind.SCOPE_CHANGE):
        await check_no_additions_when_sanctioned(agency, new.items, today)
    await check_pairs_free(agency, new.items, today)
    if await Filing.exists(agency_id=agency.id, kind=new.kind, status=FilingStatus.SUBMITTED):
        raise RuleViolation("OPEN_FILING", f"a {new.kind.value} filing of this agency is "
                            "already awaiting a decision", KIND_ARTICLE[new.kind])


async def submit_filing(actor: Actor, agency: Agency, new: NewFiling, today: date,
                        now: datetime) -> Filing:
    async with in_transaction() as conn:
        # Applications of one agency are checked one at a time, so two at once cannot both
        # pass the one-open-filing-per-kind rule, nor land after the agency was closed.
        await locked_agency(conn, agency)
        if new.kind is FilingKind.RENEWAL and not new.items:
            # A renewal without items carries the scope in force over unchanged.
            new = replace(new, items=await as_new_items(await current_items(agency.id)))
        await check_submission(agency, new, today)
        filing = await Filing.create(
            using_db=conn, agency_id=agency.id, kind=new.kind, status=FilingStatus.SUBMITTED,
            authority_id=agency.filing_region_id, submitted_at=now, reason=new.reason,
            new_name=(new.new_name or "").strip() or None,
            new_legal_representative=(new.new_legal_representative or "").strip() or None,
        )
        await FilingItem.bulk_create([
            FilingItem(filing_id=filing.id, occupation_code=i.occupation_code,
                       occupation_name=i.occupation_name.strip(), level=i.level,
                       site_id=i.site.id)
            for i in new.items
        ], using_db=conn)
        await record(conn, actor, "submitFiling", filing, agency_id=agency.id,
                     region_code=agency.filing_region_id, before=None, after=snapshot(filing))
    return filing
