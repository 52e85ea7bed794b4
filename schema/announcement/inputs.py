from __future__ import annotations

import strawberry

from schema.core.enums import AnnouncementKind


@strawberry.input
class AnnouncementFilter:
    current: bool | None = strawberry.field(
        default=None, description="true: running today; false: ended or not yet started."
    )
    kind: AnnouncementKind | None = None
    agency_id: strawberry.ID | None = None
