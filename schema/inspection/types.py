from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.inspection import Inspection as InspectionRow
from schema.core.context import Info
from schema.core.enums import InspectionKind, InspectionMode, InspectionResult
from schema.core.ids import to_global_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency
    from schema.site.types import Site

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]
SiteT = Annotated["Site", strawberry.lazy("schema.site.types")]


@strawberry.type(description="A supervision result (督导, Art. 19, 20).")
class Inspection(Node):
    kind: InspectionKind
    mode: InspectionMode
    date: date
    result: InspectionResult
    findings: str | None
    published: bool
    row: strawberry.Private[InspectionRow]

    @classmethod
    def from_row(cls, row: InspectionRow) -> Inspection:
        return cls(
            id=strawberry.ID(to_global_id("Inspection", row.id)),
            kind=row.kind,
            mode=row.mode,
            date=row.date,
            result=row.result,
            findings=row.findings,
            published=row.published,
            row=row,
        )

    @strawberry.field
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.row.agency_id)

    @strawberry.field
    async def site(self, info: Info) -> SiteT | None:
        from schema.site.types import load_site

        return await load_site(info, self.row.site_id)

    @strawberry.field(description="The department that inspected.")
    def authority(self) -> Region:
        return region_of(self.row.authority_id)
