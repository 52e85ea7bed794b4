"""Region: a jurisdiction (DESIGN §3). Regions are public reference data."""

from __future__ import annotations

import strawberry

from models.region import JURISDICTIONS, PROVINCE_CODE
from models.region import Region as RegionRow
from schema.core.enums import RegionLevel


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
    def parent(self) -> Region | None:
        return None if self.parent_code is None else region_of(self.parent_code)


# The jurisdictions are a fixed table (models.region.JURISDICTIONS, which also fills the
# `region` table): a reference to one is answered from it, without a statement or an await.
REGIONS = {
    code: Region(
        code=code,
        name=name,
        level=level,
        parent_code=None if code == PROVINCE_CODE else PROVINCE_CODE,
    )
    for code, name, level in JURISDICTIONS
}


def region_of(code: str) -> Region:
    """The region a stored code names (a foreign key guarantees it is one of them)."""
    return REGIONS[code]
