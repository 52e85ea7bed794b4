"""`node(id)`: dispatch on the id's type to the same scoped loaders the fields use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from models.announcement import Announcement as AnnouncementRow
from models.audit import AuditEvent as AuditRow
from models.draw import Draw as DrawRow
from models.inspection import Inspection as InspectionRow
from models.inspection import Inspector as InspectorRow
from policies import permissions
from schema.agency.types import load_agency
from schema.announcement.types import Announcement
from schema.audit.types import AuditEvent
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import from_global_id
from schema.core.loaders import scoped_by_id
from schema.draw.types import Draw
from schema.filing.types import load_filing
from schema.inspection.types import Inspection
from schema.inspector.types import Inspector
from schema.node.types import Node
from schema.sanction.types import load_sanction
from schema.site.types import load_site


async def load_announcement(info: Info, pk: int) -> Announcement | None:
    row = await scoped_by_id(info.context, AnnouncementRow).load(pk)
    return Announcement.from_row(row) if row else None


async def load_inspection(info: Info, pk: int) -> Inspection | None:
    row = await scoped_by_id(info.context, InspectionRow).load(pk)
    return Inspection.from_row(row) if row else None


async def load_draw(info: Info, pk: int) -> Draw | None:
    row = await scoped_by_id(info.context, DrawRow).load(pk)
    return Draw.from_row(row) if row else None


async def load_inspector(info: Info, pk: int) -> Inspector | None:
    row = await scoped_by_id(info.context, InspectorRow).load(pk)
    return Inspector.from_row(row) if row else None


async def load_audit_event(info: Info, pk: int) -> AuditEvent | None:
    row = await scoped_by_id(info.context, AuditRow).load(pk)
    return AuditEvent.from_row(row) if row else None


LOADERS: dict[str, Callable[[Info, int], Awaitable[Any]]] = {
    "AuditEvent": load_audit_event,
    "Inspection": load_inspection,
    "Draw": load_draw,
    "Inspector": load_inspector,
    "Announcement": load_announcement,
    "Agency": load_agency,
    "Site": load_site,
    "Filing": load_filing,
    "Sanction": load_sanction,
}


@strawberry.type
class NodeQueries:
    @strawberry.field(
        extensions=[
            Authorize(
                permissions.READ_AGENCY,
                permissions.READ_SITE,
                permissions.READ_FILING,
                permissions.READ_SANCTION,
                permissions.READ_ANNOUNCEMENT,
                permissions.READ_INSPECTION,
                permissions.READ_INSPECTOR,
                permissions.READ_DRAW,
                permissions.READ_AUDIT_EVENT,
            )
        ],
        description="Any object by global id; null when missing or out of scope.",
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = from_global_id(id)
        if parsed is None or parsed[0] not in LOADERS:
            return None
        result: Node | None = await LOADERS[parsed[0]](info, parsed[1])
        return result
