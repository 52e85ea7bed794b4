from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.filing import Filing as FilingRow
from models.filing import awaiting_decision_q
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate
from schema.filing.inputs import FilingFilter
from schema.filing.types import Filing


def filter_q(f: FilingFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.status is not None:
        q &= Q(status=f.status)
    if f.kind is not None:
        q &= Q(kind=f.kind)
    if f.agency_id is not None:
        q &= Q(agency_id=pk_of(f.agency_id, "Agency") or 0)
    return q


@strawberry.type
class FilingQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_FILING)])
    async def filings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: FilingFilter | None = None,
    ) -> Connection[Filing]:
        qs = FilingRow.filter(info.context.guard.filter(permissions.READ_FILING), filter_q(filter))
        return await paginate(qs, first, after, Filing.from_row)

    @strawberry.field(
        extensions=[Authorize(permissions.DECIDE_FILING)],
        description="Filings awaiting a decision the viewer may take.",
    )
    async def filing_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Filing]:
        qs = FilingRow.filter(
            info.context.guard.filter(permissions.DECIDE_FILING), awaiting_decision_q()
        )
        return await paginate(qs, first, after, Filing.from_row)
