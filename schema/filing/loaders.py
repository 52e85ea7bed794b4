from __future__ import annotations

from models.filing import Filing as FilingRow
from schema.core.context import Info
from schema.core.loaders import children
from schema.core.pagination import Connection, slice_page
from schema.filing.types import Filing


async def filings_of_agency(
    info: Info, agency_id: int, first: int | None, after: str | None
) -> Connection[Filing]:
    rows = await children(info.context, FilingRow, "agency_id").load(agency_id)
    return slice_page(rows, first, after, Filing.from_row)
