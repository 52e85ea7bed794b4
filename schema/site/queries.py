from __future__ import annotations

import strawberry
from tortoise.expressions import Q, Subquery

from models.agency import Agency as AgencyRow
from models.enums import AgencyLevel, AgencyState
from models.filing import FilingItem
from models.site import Site as SiteRow
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
        q &= Q(acknowledged_at__isnull=not f.acknowledged)
    if f.agency_id is not None:
        pk = pk_of(f.agency_id, "Agency") or 0
        used = FilingItem.filter(filing__agency_id=pk).values("site_id")
        q &= Q(agency_id=pk) | Q(id__in=Subquery(used))
    return q


@strawberry.type
class SiteQueries:
    @strawberry.field(extensions=[Authorize(permissions.READ_SITE)])
    async def sites(self, info: Info, first: int | None = None, after: str | None = None,
                    filter: SiteFilter | None = None) -> Connection[Site]:
        qs = SiteRow.filter(info.context.guard.filter(permissions.READ_SITE), filter_q(filter))
        return await paginate(qs, first, after, Site.from_row)

    @strawberry.field(extensions=[Authorize(permissions.ACKNOWLEDGE_SITE)],
                      description="Provincial agencies' sites in the viewer's city that await "
                      "acknowledgement (报备, Art. 4).")
    async def acknowledgement_queue(self, info: Info, first: int | None = None,
                                    after: str | None = None) -> Connection[Site]:
        # A closed agency's venues need no acknowledgement any more.
        provincial = AgencyRow.filter(level=AgencyLevel.PROVINCIAL).exclude(
            state__in=[AgencyState.TERMINATED, AgencyState.REVOKED]).values("id")
        qs = SiteRow.filter(info.context.guard.filter(permissions.ACKNOWLEDGE_SITE),
                            acknowledged_at__isnull=True, agency_id__in=Subquery(provincial))
        return await paginate(qs, first, after, Site.from_row)
