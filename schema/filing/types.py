"""Filing (备案) and its items as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.dataloader import DataLoader

from models.filing import Filing as FilingRow
from models.filing import FilingItem as FilingItemRow
from models.id_sets import among
from schema.core.context import Context, Info
from schema.core.enums import FilingKind, FilingStatus, SkillLevel
from schema.core.ids import to_global_id
from schema.core.loaders import SharedLoader, grouped, scoped_by_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency
    from schema.site.types import Site

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]
SiteT = Annotated["Site", strawberry.lazy("schema.site.types")]


def items_by_filing(ctx: Context) -> DataLoader[int, list[FilingItemRow]]:
    """Items of filings the viewer already holds (a visible filing shows all its items)."""

    async def load(filing_ids: Sequence[int]) -> list[list[FilingItemRow]]:
        rows = await FilingItemRow.filter(among("filing_id", filing_ids)).order_by("id")
        return grouped(rows, filing_ids, "filing_id")

    return ctx.loader("items_by_filing", lambda: SharedLoader(load_fn=load))


@strawberry.type
class FilingItem:
    occupation_code: str
    occupation_name: str
    level: SkillLevel
    row: strawberry.Private[FilingItemRow]

    @strawberry.field(description="The venue, if the viewer may see it.")
    async def site(self, info: Info) -> SiteT | None:
        from schema.site.types import load_site

        return await load_site(info, self.row.site_id)


@strawberry.type
class Filing(Node):
    kind: FilingKind
    status: FilingStatus
    submitted_at: datetime
    decided_at: datetime | None
    valid_from: date | None
    valid_until: date | None
    reason: str | None
    new_name: str | None
    new_legal_representative: str | None
    row: strawberry.Private[FilingRow]

    @classmethod
    def from_row(cls, row: FilingRow) -> Filing:
        return cls(
            id=strawberry.ID(to_global_id("Filing", row.id)),
            kind=row.kind,
            status=row.status,
            submitted_at=row.submitted_at,
            decided_at=row.decided_at,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            reason=row.reason,
            new_name=row.new_name,
            new_legal_representative=row.new_legal_representative,
            row=row,
        )

    @strawberry.field
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.row.agency_id)

    @strawberry.field(description="The region of the department the agency is filed with.")
    def authority(self) -> Region:
        return region_of(self.row.authority_id)

    @strawberry.field
    async def items(self, info: Info) -> list[FilingItem]:
        rows = await items_by_filing(info.context).load(self.row.id)
        return [
            FilingItem(
                occupation_code=r.occupation_code,
                occupation_name=r.occupation_name,
                level=r.level,
                row=r,
            )
            for r in rows
        ]


async def load_filing(info: Info, pk: int | None) -> Filing | None:
    if pk is None:
        return None
    row = await scoped_by_id(info.context, FilingRow).load(pk)
    return Filing.from_row(row) if row else None
