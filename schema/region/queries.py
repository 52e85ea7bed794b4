import strawberry

from models.region import Region as RegionRow
from schema.core.authz import Public
from schema.region.types import Region


@strawberry.type
class RegionQueries:
    @strawberry.field(extensions=[Public()], description="The 11 jurisdictions (DESIGN §3).")
    async def regions(self) -> list[Region]:
        return [Region.from_row(r) for r in await RegionRow.all().order_by("code")]
