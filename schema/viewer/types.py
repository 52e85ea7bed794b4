from __future__ import annotations

import strawberry

from schema.agency.types import Agency, load_agency
from schema.core.context import Info
from schema.core.enums import Role
from schema.region.types import Region, region_of


@strawberry.type(description="Who the API takes the caller to be.")
class Viewer:
    role: Role

    @strawberry.field
    def region(self, info: Info) -> Region | None:
        v = info.context.viewer
        return region_of(v.region_code) if v.agency_id is None and v.region_code else None

    @strawberry.field
    async def agency(self, info: Info) -> Agency | None:
        return await load_agency(info, info.context.viewer.agency_id)
