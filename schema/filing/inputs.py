from __future__ import annotations

import strawberry

from schema.enums import FilingKind, FilingStatus


@strawberry.input
class FilingFilter:
    status: FilingStatus | None = None
    kind: FilingKind | None = None
    agency_id: strawberry.ID | None = None
