from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.draw import Draw as DrawRow
from schema.core.context import Info
from schema.core.ids import to_global_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency
    from schema.inspector.types import Inspector

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]
InspectorT = Annotated["Inspector", strawberry.lazy("schema.inspector.types")]


@strawberry.type
class DrawAssignment:
    agency_pk: strawberry.Private[int]
    inspector_pks: strawberry.Private[list[int]]

    @strawberry.field
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.agency_pk)

    @strawberry.field(description="Inspector ids; names for viewers who may see the pool.")
    async def inspectors(self, info: Info) -> list[strawberry.ID]:
        return [strawberry.ID(to_global_id("Inspector", i)) for i in self.inspector_pks]


@strawberry.type(description="A 双随机 draw (Art. 20), re-runnable with verifyDraw.")
class Draw(Node):
    seed: str
    algorithm: str
    population_hash: str
    pool_hash: str
    created_at: datetime
    published: bool
    count: int
    inspectors_per_agency: int
    row: strawberry.Private[DrawRow]

    @classmethod
    def from_row(cls, row: DrawRow) -> Draw:
        return cls(
            id=strawberry.ID(to_global_id("Draw", row.id)),
            seed=row.seed,
            algorithm=row.algorithm,
            population_hash=row.population_hash,
            pool_hash=row.pool_hash,
            created_at=row.created_at,
            published=row.published,
            count=row.parameters["count"],
            inspectors_per_agency=row.parameters["perAgency"],
            row=row,
        )

    @strawberry.field
    def authority(self) -> Region:
        return region_of(self.row.authority_id)

    @strawberry.field
    def assignments(self) -> list[DrawAssignment]:
        return [
            DrawAssignment(agency_pk=a["agency"], inspector_pks=list(a["inspectors"]))
            for a in self.row.assignments
        ]
