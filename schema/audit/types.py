"""AuditEvent: one change in the trail (Art. 11)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models.audit import AuditEvent as AuditRow
from schema.core.ids import to_global_id
from schema.node.types import Node


@strawberry.type
class AuditEvent(Node):
    at: datetime
    actor_role: str
    actor_id: str
    action: str
    object_type: str
    object_id: strawberry.ID
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEvent:
        return cls(
            id=strawberry.ID(to_global_id("AuditEvent", row.id)),
            at=row.at,
            actor_role=row.actor_role,
            actor_id=row.actor_id,
            action=row.action,
            object_type=row.object_type,
            object_id=strawberry.ID(
                to_global_id(row.object_type, int(row.object_id))
                if row.object_id.isdigit()
                else row.object_id
            ),
            before=row.before,
            after=row.after,
        )
