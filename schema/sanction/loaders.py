from __future__ import annotations

from models.sanction import Sanction as SanctionRow
from schema.core.context import Info
from schema.core.loaders import children
from schema.core.pagination import Connection, slice_page
from schema.sanction.types import Sanction


async def sanctions_of_agency(
    info: Info, agency_id: int, first: int | None, after: str | None
) -> Connection[Sanction]:
    rows = await children(info.context, SanctionRow, "agency_id").load(agency_id)
    return slice_page(rows, first, after, Sanction.from_row)
