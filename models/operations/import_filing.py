"""The province records a filing approved before the registry existed, with its original dates
(Art. 16); it passes the same checks as an approval."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import AgencyState, FilingKind, FilingStatus
from models.errors import InvalidInput
from models.filing import Filing, FilingItem
from models.locking import locked_agency, save_changes
from models.operations.decide_filing import put_in_force
from models.operations.items import NewItem, check_items, check_pairs_free, pair_taken
from models.operations.submit_filing import check_initial
from models.periods import PERIOD_YEARS, add_years
from models.snapshot import snapshot

EARLIEST = date(2019, 1, 1)  # the national 职业技能等级认定 system began in 2019


async def import_filing(
    actor: Actor,
    agency: Agency,
    valid_from: date,
    items: list[NewItem],
    *,
    today: date,
    now: datetime,
) -> Filing:
    if not EARLIEST <= valid_from <= today:
        raise InvalidInput("validFrom", f"应在{EARLIEST.isoformat()}至今日之间")
    if not items:
        raise InvalidInput("items", "导入的备案应至少列明一个备案项目")
    try:
        async with in_transaction() as conn:
            await locked_agency(conn, agency)
            check_initial(agency, today)
            check_items(agency, items)
            await check_pairs_free(agency, items, today)
            before = snapshot(agency)
            filing = await Filing.create(
                using_db=conn,
                agency_id=agency.id,
                kind=FilingKind.INITIAL,
                status=FilingStatus.APPROVED,
                authority_id=agency.filing_region_id,
                submitted_at=now,
                decided_at=now,
                valid_from=valid_from,
                valid_until=add_years(valid_from, PERIOD_YEARS),
                imported=True,
                reason="imported: approved before the registry",
            )
            rows = [
                FilingItem(
                    filing_id=filing.id,
                    occupation_code=i.occupation_code,
                    occupation_name=i.occupation_name.strip(),
                    level=i.level,
                    site_id=i.site.id,
                )
                for i in items
            ]
            await FilingItem.bulk_create(rows, using_db=conn)
            saved = await FilingItem.filter(filing_id=filing.id).using_db(conn)
            await put_in_force(conn, agency, saved, today, now)
            agency.state = AgencyState.ACTIVE
            agency.first_approved_on = agency.first_approved_on or valid_from
            agency.valid_until = filing.valid_until
            await save_changes(conn, agency, before)
            await record(
                conn,
                actor,
                AuditAction.IMPORT_FILING,
                filing,
                agency_id=agency.id,
                region_code=agency.filing_region_id,
                before=None,
                after=snapshot(filing),
            )
            await record(
                conn,
                actor,
                AuditAction.IMPORT_FILING_AGENCY,
                agency,
                agency_id=agency.id,
                region_code=agency.filing_region_id,
                before=before,
                after=snapshot(agency),
            )
    except IntegrityError:
        raise pair_taken(items[0].site, items[0].occupation_code) from None
    return filing
