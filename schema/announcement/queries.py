from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.announcement import Announcement as AnnouncementRow
from models.announcement import running_q
from policies import permissions
from schema.announcement.inputs import AnnouncementFilter
from schema.announcement.types import Announcement
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate


def filter_q(f: AnnouncementFilter | None, info: Info) -> Q:
    q = Q()
    if f is None:
        return q
    if f.current is not None:
        running = running_q(today=info.context.today)
        q &= running if f.current else ~running
    if f.kind is not None:
        q &= Q(kind=f.kind)
    if f.agency_id is not None:
        q &= Q(agency_id=pk_of(f.agency_id, "Agency") or 0)
    return q


@strawberry.type
class AnnouncementQueries:
    @strawberry.field(
        extensions=[Authorize(permissions.READ_ANNOUNCEMENT)],
        description="Public notices (公示), current and past.",
    )
    async def announcements(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AnnouncementFilter | None = None,
    ) -> Connection[Announcement]:
        qs = AnnouncementRow.filter(
            info.context.guard.filter(permissions.READ_ANNOUNCEMENT), filter_q(filter, info)
        )
        return await paginate(qs, first, after, Announcement.from_row)
