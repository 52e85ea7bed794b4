from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.inspection import Inspection as InspectionRow
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate
from schema.inspection.inputs import InspectionFilter
from schema.inspection.types import Inspection


def filter_q(f: InspectionFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.agency_id is not None:
        q &= Q(agency_id=pk_of(f.agency_id, "Agency") or 0)
    if f.kind is not None:
        q &= Q(kind=f.kind)
    if f.result is not None:
        q &= Q(result=f.result)
    return q


@strawberry.type
class InspectionQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_INSPECTION)])
    async def inspections(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: InspectionFilter | None = None,
    ) -> Connection[Inspection]:
        qs = InspectionRow.filter(
            info.context.guard.filter(permissions.READ_INSPECTION), filter_q(filter)
        )
        return await paginate(qs, first, after, Inspection.from_row)
