from __future__ import annotations

import strawberry

from models.inspection import Inspector as InspectorRow
from schema.core.ids import to_global_id
from schema.node.types import Node
from schema.region.types import Region, region_of


@strawberry.type(description="An inspector (督导人员) of a department's pool.")
class Inspector(Node):
    name: str
    row: strawberry.Private[InspectorRow]

    @classmethod
    def from_row(cls, row: InspectorRow) -> Inspector:
        return cls(id=strawberry.ID(to_global_id("Inspector", row.id)), name=row.name, row=row)

    @strawberry.field
    def region(self) -> Region:
        return region_of(self.row.region_id)
