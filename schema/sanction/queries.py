from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.sanction import Sanction as SanctionRow
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate
from schema.sanction.inputs import SanctionFilter
from schema.sanction.types import Sanction


def filter_q(f: SanctionFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.grade is not None:
        q &= Q(grade=f.grade)
    if f.agency_id is not None:
        q &= Q(agency_id=pk_of(f.agency_id, "Agency") or 0)
    if f.published is not None:
        q &= Q(published=f.published)
    return q


@strawberry.type
class SanctionQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_SANCTION)])
    async def sanctions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: SanctionFilter | None = None,
    ) -> Connection[Sanction]:
        qs = SanctionRow.filter(
            info.context.guard.filter(permissions.READ_SANCTION), filter_q(filter)
        )
        return await paginate(qs, first, after, Sanction.from_row)
