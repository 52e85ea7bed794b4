"""Site (评价场所/考点) as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.site import Site as SiteRow
from schema.core.context import Info
from schema.core.enums import SiteTenure
from schema.core.ids import to_global_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]


@strawberry.type
class Site(Node):
    name: str
    address: str
    tenure: SiteTenure
    has_video_surveillance: bool
    acknowledged_at: datetime | None = strawberry.field(
        description="When the city it lies in acknowledged (报备) a provincial agency's site "
        "(Art. 4)."
    )
    row: strawberry.Private[SiteRow]

    @classmethod
    def from_row(cls, row: SiteRow) -> Site:
        return cls(
            id=strawberry.ID(to_global_id("Site", row.id)),
            name=row.name,
            address=row.address,
            tenure=row.tenure,
            has_video_surveillance=row.has_video_surveillance,
            acknowledged_at=row.acknowledged_at,
            row=row,
        )

    @strawberry.field
    def region(self) -> Region:
        return region_of(self.row.region_id)

    @strawberry.field(description="The agency that registered the venue, if the viewer may see it.")
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.row.agency_id)


async def load_site(info: Info, pk: int | None) -> Site | None:
    from schema.core.loaders import scoped_by_id

    if pk is None:
        return None
    row = await scoped_by_id(info.context, SiteRow).load(pk)
    return Site.from_row(row) if row else None
