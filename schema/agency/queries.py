from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.agency import Agency as AgencyRow
from models.agency import renewal_due_q, status_q
from policies import permissions
from schema.agency.inputs import AgencyFilter
from schema.agency.types import Agency, load_agency
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.filters import equals, holdable, nothing
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate


def filter_q(f: AgencyFilter | None, info: Info) -> Q:
    q = Q()
    if f is None:
        return q
    if f.status is not None:
        q &= status_q(f.status, today=info.context.today)
    if f.kind is not None:
        q &= Q(kind=f.kind)
    if f.level is not None:
        q &= Q(level=f.level)
    if f.filing_region_code is not None:
        q &= equals(AgencyRow, "filing_region_id", f.filing_region_code)
    if f.name_contains:
        q &= Q(name__icontains=f.name_contains) if holdable(f.name_contains) else nothing()
    return q


@strawberry.type
class AgencyQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_AGENCY)])
    async def agency(self, info: Info, id: strawberry.ID) -> Agency | None:
        return await load_agency(info, pk_of(id, "Agency"))

    @strawberry.field(extensions=[Authorize(permissions.READ_AGENCY)])
    async def agencies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AgencyFilter | None = None,
    ) -> Connection[Agency]:
        qs = AgencyRow.filter(
            info.context.guard.filter(permissions.READ_AGENCY), filter_q(filter, info)
        )
        return await paginate(qs, first, after, Agency.from_row)

    @strawberry.field(
        extensions=[Authorize(permissions.MANAGE_AGENCY)],
        description="Agencies the viewer manages inside their 90-day renewal window (Art. 16).",
    )
    async def renewals_due(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Agency]:
        qs = AgencyRow.filter(
            info.context.guard.filter(permissions.MANAGE_AGENCY),
            renewal_due_q(today=info.context.today),
        )
        return await paginate(qs, first, after, Agency.from_row)
