from __future__ import annotations

from models.filing import Filing as FilingRow
from schema.context import Info
from schema.filing.types import Filing
from schema.loaders import children
from schema.pagination import Connection, slice_page


async def filings_of_agency(info: Info, agency_id: int, first: int | None,
                            after: str | None) -> Connection[Filing]:
    rows = await children(info.context, FilingRow, "filing", "agency_id").load(agency_id)
    return slice_page(rows, first, after, Filing.from_row)
