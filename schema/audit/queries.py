from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.audit import AuditEvent as AuditRow
from policies import permissions
from schema.audit.inputs import AuditEventFilter
from schema.audit.types import AuditEvent
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.filters import equals
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate


def filter_q(f: AuditEventFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.agency_id is not None:
        q &= Q(agency_id=pk_of(f.agency_id, "Agency") or 0)
    if f.object_type is not None:
        q &= equals(AuditRow, "object_type", f.object_type)
    if f.action is not None:
        q &= equals(AuditRow, "action", f.action)
    return q


@strawberry.type
class AuditQueries:
    @strawberry.field(
        extensions=[Authorize(permissions.READ_AUDIT_EVENT)],
        description="The province sees all; a city events about its records.",
    )
    async def audit_events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> Connection[AuditEvent]:
        qs = AuditRow.filter(
            info.context.guard.filter(permissions.READ_AUDIT_EVENT), filter_q(filter)
        )
        return await paginate(qs, first, after, AuditEvent.from_row)
