"""Announcement (公示): a public notice with explicit start and end dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.announcement import Announcement as AnnouncementRow
from models.announcement import is_running
from schema.core.context import Info
from schema.core.enums import AnnouncementKind, TerminationReason
from schema.core.ids import to_global_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]


@strawberry.type
class Announcement(Node):
    kind: AnnouncementKind
    start_date: date
    end_date: date
    body: str
    termination_reason: TerminationReason | None
    reported_to_ministry_at: datetime | None = strawberry.field(
        description="When a termination was reported (报备) to the ministry (Art. 15, 17)."
    )
    row: strawberry.Private[AnnouncementRow]

    @classmethod
    def from_row(cls, row: AnnouncementRow) -> Announcement:
        return cls(
            id=strawberry.ID(to_global_id("Announcement", row.id)),
            kind=row.kind,
            start_date=row.start_date,
            end_date=row.end_date,
            body=row.body,
            termination_reason=row.termination_reason,
            reported_to_ministry_at=row.reported_to_ministry_at,
            row=row,
        )

    @strawberry.field
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.row.agency_id)

    @strawberry.field(description="The department that published it.")
    def authority(self) -> Region:
        return region_of(self.row.authority_id)

    @strawberry.field(description="Whether today lies between startDate and endDate.")
    def current(self, info: Info) -> bool:
        return is_running(self.row, today=info.context.today)
