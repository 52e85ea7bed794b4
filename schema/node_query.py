"""`node(id)`: dispatch on the id's type to the same scoped loaders the fields use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from models.announcement import Announcement as AnnouncementRow
from schema.agency.types import load_agency
from schema.announcement.types import Announcement
from schema.authz import Authorize
from schema.context import Info
from schema.filing.types import load_filing
from schema.ids import from_global_id
from schema.loaders import scoped_by_id
from schema.node import Node
from schema.sanction.types import load_sanction
from schema.site.types import load_site


async def load_announcement(info: Info, pk: int) -> Announcement | None:
    row = await scoped_by_id(info.context, AnnouncementRow, "announcement").load(pk)
    return Announcement.from_row(row) if row else None


LOADERS: dict[str, Callable[[Info, int], Awaitable[Any]]] = {
    "Announcement": load_announcement,
    "Agency": load_agency,
    "Site": load_site,
    "Filing": load_filing,
    "Sanction": load_sanction,
}


@strawberry.type
class NodeQueries:
    @strawberry.field(
        extensions=[Authorize("agency", "site", "filing", "sanction", "announcement")],
        description="Any object by global id; null when missing or out of scope.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = from_global_id(id)
        if parsed is None or parsed[0] not in LOADERS:
            return None
        result: Node | None = await LOADERS[parsed[0]](info, parsed[1])
        return result
