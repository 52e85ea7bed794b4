"""Region: a jurisdiction (DESIGN §3). Regions are public reference data."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry.dataloader import DataLoader

from models.region import Region as RegionRow
from schema.context import Context, Info
from schema.enums import RegionLevel


def region_loader(ctx: Context) -> DataLoader[str, RegionRow | None]:
    """All eleven jurisdictions at the first use, so regions asked for at different depths of
    one query never cost a second statement."""

    async def load(codes: Sequence[str]) -> list[RegionRow | None]:
        rows = {r.code: r for r in await RegionRow.all()}
        loader.prime_many(rows)
        return [rows.get(c) for c in codes]

    loader: DataLoader[str, RegionRow | None] = ctx.loader(
        "regions", lambda: DataLoader(load_fn=load))
    return loader


@strawberry.type
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RegionRow) -> Region:
        return cls(code=row.code, name=row.name, level=row.level, parent_code=row.parent_id)

    @strawberry.field
    async def parent(self, info: Info) -> Region | None:
        return await load_region(info, self.parent_code)


async def load_region(info: Info, code: str | None) -> Region | None:
    if code is None:
        return None
    row = await region_loader(info.context).load(code)
    return Region.from_row(row) if row else None


async def require_region(info: Info, code: str) -> Region:
    region = await load_region(info, code)
    if region is None:  # a foreign key guarantees it; reaching here is a data fault
        raise LookupError(f"region {code} missing")
    return region
