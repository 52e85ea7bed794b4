from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.site import Site as SiteRow
from models.site import acknowledged_q, awaiting_acknowledgement_q, used_by_q
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.filters import equals
from schema.core.ids import pk_of
from schema.core.pagination import Connection, paginate
from schema.site.inputs import SiteFilter
from schema.site.types import Site


def filter_q(f: SiteFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.region_code is not None:
        q &= equals(SiteRow, "region_id", f.region_code)
    if f.acknowledged is not None:
        q &= acknowledged_q(f.acknowledged)
    if f.agency_id is not None:
        q &= used_by_q(pk_of(f.agency_id, "Agency") or 0)
    return q


@strawberry.type
class SiteQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_SITE)])
    async def sites(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: SiteFilter | None = None,
    ) -> Connection[Site]:
        qs = SiteRow.filter(info.context.guard.filter(permissions.READ_SITE), filter_q(filter))
        return await paginate(qs, first, after, Site.from_row)

    @strawberry.field(
        extensions=[Authorize(permissions.ACKNOWLEDGE_SITE)],
        description="Provincial agencies' sites in the viewer's city that await "
        "acknowledgement (报备, Art. 4).",
    )
    async def acknowledgement_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Site]:
        qs = SiteRow.filter(
            info.context.guard.filter(permissions.ACKNOWLEDGE_SITE), awaiting_acknowledgement_q()
        )
        return await paginate(qs, first, after, Site.from_row)
