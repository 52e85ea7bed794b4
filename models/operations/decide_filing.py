"""The filing authority approves or rejects a filing (Art. 3, 4, 12, 13, 16, 17, 24)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.agency import Agency, in_force
from models.audit import Actor, AuditAction, record
from models.claim import claim_items, release_agency_claims, release_lapsed_claims
from models.enums import AgencyState, AnnouncementKind, FilingKind, FilingStatus
from models.errors import InvalidInput, RuleViolation
from models.filing import Filing, FilingItem
from models.labels import label
from models.locking import locked_agency, save_changes
from models.operations.announce import announce, publication_period
from models.operations.items import (
    NewItem,
    as_new_items,
    check_items,
    check_no_additions_when_sanctioned,
    check_pairs_free,
)
from models.operations.submit_filing import KIND_ARTICLE, check_filed, check_initial
from models.periods import PERIOD_YEARS, add_years
from models.region import PROVINCE_CODE
from models.rules import RuleCode
from models.snapshot import snapshot


async def _check_approval(
    agency: Agency, filing: Filing, new_items: list[NewItem], today: date
) -> None:
    """The rules are checked again at the decision: the world may have moved since submission."""
    if filing.kind is FilingKind.RENEWAL:
        # Applied for in the window (Art. 16); it extends the scope in force, whatever it is now.
        if agency.state not in (AgencyState.ACTIVE, AgencyState.SUSPENDED):
            raise RuleViolation(
                RuleCode.NOT_IN_FORCE, "该机构备案已不在有效期内，不能批准延续（第16条）", 16
            )
        return
    if filing.kind is FilingKind.INITIAL:
        check_initial(agency, today)
    elif filing.kind is FilingKind.SCOPE_CHANGE:
        if not in_force(agency, today=today):
            raise RuleViolation(
                RuleCode.NOT_IN_FORCE,
                "该机构备案已不在有效期内，不能变更备案范围（第13条、第16条）",
                13,
            )
        await check_no_additions_when_sanctioned(agency, new_items, today)
    else:
        check_filed(agency, filing.kind)
    check_items(agency, new_items)
    await check_pairs_free(agency, new_items, today)


async def put_in_force(
    conn: BaseDBAsyncClient, agency: Agency, items: list[FilingItem], today: date, now: datetime
) -> None:
    """Replace the agency's Art. 12 claims with these items'."""
    await release_agency_claims(conn, agency.id, now)
    pairs = {(i.site_id, i.occupation_code) for i in items}
    await release_lapsed_claims(conn, pairs, agency.id, today, now)
    await claim_items(conn, agency.id, items)


async def _apply(
    conn: BaseDBAsyncClient,
    actor: Actor,
    agency: Agency,
    filing: Filing,
    items: list[FilingItem],
    today: date,
    now: datetime,
    period: tuple[date, date] | None,
) -> None:
    kind = filing.kind
    if kind is FilingKind.INITIAL:
        # Art. 16: valid 3 years, from the decision day through the same date 3 years on.
        filing.valid_from, filing.valid_until = today, add_years(today, PERIOD_YEARS)
        agency.state = AgencyState.ACTIVE
        agency.first_approved_on = agency.first_approved_on or today
        agency.valid_until = filing.valid_until
    elif kind is FilingKind.RENEWAL:
        assert agency.valid_until is not None
        filing.valid_from = agency.valid_until + timedelta(days=1)
        filing.valid_until = add_years(agency.valid_until, PERIOD_YEARS)
        agency.valid_until = filing.valid_until
    elif kind is FilingKind.SCOPE_CHANGE:
        filing.valid_from, filing.valid_until = today, agency.valid_until
    if kind in (FilingKind.INITIAL, FilingKind.SCOPE_CHANGE):
        await put_in_force(conn, agency, items, today, now)
    elif kind is FilingKind.INFO_CHANGE:
        assert period is not None
        changes = []
        if filing.new_name:
            changes.append(f"名称由「{agency.name}」变更为「{filing.new_name}」")
            agency.name = filing.new_name
        if filing.new_legal_representative:
            changes.append(f"法定代表人变更为{filing.new_legal_representative}")
            agency.legal_representative = filing.new_legal_representative
        await announce(
            conn,
            actor,
            kind=AnnouncementKind.INFO_CHANGE,
            agency_id=agency.id,
            authority=filing.authority_id,
            period=period,
            filing_id=filing.id,
            body=f"{agency.credit_code}：" + "；".join(changes) + "（第十三条）",
        )
    elif kind is FilingKind.TERMINATION:
        assert period is not None
        await close_agency(conn, actor, agency, now, keep_filing=filing.id)
        await announce(
            conn,
            actor,
            kind=AnnouncementKind.TERMINATION,
            agency_id=agency.id,
            authority=PROVINCE_CODE,
            period=period,
            filing_id=filing.id,
            reported_to_ministry_at=now,
            body=f"{agency.name}（{agency.credit_code}）自愿终止评价工作，"
            "终止备案（第十七条），已报备人社部。",
        )


async def close_agency(
    conn: BaseDBAsyncClient,
    actor: Actor,
    agency: Agency,
    now: datetime,
    keep_filing: int | None = None,
) -> None:
    """TERMINATED: nothing stays in force and open applications are withdrawn."""
    agency.state = AgencyState.TERMINATED
    await release_agency_claims(conn, agency.id, now)
    await withdraw_open_filings(conn, actor, agency, now, keep_filing)


async def withdraw_open_filings(
    conn: BaseDBAsyncClient,
    actor: Actor,
    agency: Agency,
    now: datetime,
    keep_filing: int | None = None,
) -> None:
    open_filings = Filing.filter(agency_id=agency.id, status=FilingStatus.SUBMITTED)
    if keep_filing is not None:
        open_filings = open_filings.exclude(id=keep_filing)
    for f in await open_filings.using_db(conn):
        before = snapshot(f)
        f.status, f.decided_at = FilingStatus.WITHDRAWN, now
        f.reason = f"agency {agency.state.value.lower()}"
        await f.save(using_db=conn, update_fields=["status", "decided_at", "reason"])
        await record(
            conn,
            actor,
            AuditAction.WITHDRAW_FILING,
            f,
            agency_id=agency.id,
            region_code=f.authority_id,
            before=before,
            after=snapshot(f),
        )


async def decide_filing(
    actor: Actor, filing: Filing, approve: bool, reason: str | None, *, today: date, now: datetime
) -> Filing:
    if filing.status is not FilingStatus.SUBMITTED:
        raise RuleViolation(
            RuleCode.ALREADY_DECIDED,
            f"该备案申请当前为「{label(filing.status)}」"
            f"状态，不能再次审核（第{KIND_ARTICLE[filing.kind]}条）",
            KIND_ARTICLE[filing.kind],
        )
    if not approve and not (reason or "").strip():
        raise InvalidInput("reason", "不予通过的，应当说明理由")
    items = await FilingItem.filter(filing_id=filing.id).order_by("id")
    new_items = await as_new_items(items)
    needs_notice = approve and filing.kind in (FilingKind.INFO_CHANGE, FilingKind.TERMINATION)
    filing_before = snapshot(filing)
    try:
        async with in_transaction() as conn:
            # The agency first, as every operation on it does: its state is decided on as the
            # operation before this one left it.
            agency = await locked_agency(conn, filing.agency_id)
            # Claim the decision: of two decisions racing on one filing, the second finds it
            # no longer SUBMITTED once the first commits, and changes nothing.
            taken = (
                await Filing.filter(id=filing.id, status=FilingStatus.SUBMITTED)
                .using_db(conn)
                .update(decided_at=now)
            )
            if not taken:
                raise RuleViolation(
                    RuleCode.ALREADY_DECIDED,
                    f"办理期间该备案申请已审核完毕（第{KIND_ARTICLE[filing.kind]}条）",
                    KIND_ARTICLE[filing.kind],
                )
            if approve:
                await _check_approval(agency, filing, new_items, today)
            period = await publication_period(today) if needs_notice else None
            filing.status = FilingStatus.APPROVED if approve else FilingStatus.REJECTED
            filing.decided_at = now
            if reason:
                filing.reason = reason.strip()
            if approve:
                agency_before = snapshot(agency)
                await _apply(conn, actor, agency, filing, items, today, now, period)
                await save_changes(conn, agency, agency_before)
                await record(
                    conn,
                    actor,
                    AuditAction.APPROVE_FILING_AGENCY,
                    agency,
                    agency_id=agency.id,
                    region_code=agency.filing_region_id,
                    before=agency_before,
                    after=snapshot(agency),
                )
            await save_changes(conn, filing, filing_before)
            await record(
                conn,
                actor,
                AuditAction.DECIDE_FILING,
                filing,
                agency_id=agency.id,
                region_code=filing.authority_id,
                before=filing_before,
                after=snapshot(filing),
            )
    except IntegrityError:
        # Another approval took one of the (site, occupation) pairs first (Art. 12).
        raise RuleViolation(
            RuleCode.SITE_OCCUPATION_TAKEN,
            "办理期间，本申请中的场所及职业（工种）已在其他机构的备案中生效。"
            "严禁同一场地同一项目不同机构二次备案（第12条）",
            12,
        ) from None
    return filing
