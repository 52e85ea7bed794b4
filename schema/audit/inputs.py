from __future__ import annotations

import strawberry


@strawberry.input
class AuditEventFilter:
    agency_id: strawberry.ID | None = None
    object_type: str | None = None
    action: str | None = None
