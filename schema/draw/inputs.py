"""Input types of the draw mutations."""

from __future__ import annotations

import strawberry

from schema.core.enums import AgencyKind


@strawberry.input
class DrawInspectionsInput:
    count: int | None = None
    ratio: float | None = None
    region_code: str | None = strawberry.field(
        default=None, description="Narrow the population to agencies filed with this region."
    )
    kind: AgencyKind | None = None
    inspector_ids: list[strawberry.ID]
    inspectors_per_agency: int | None = 2
    seed: str | None = strawberry.field(default=None, description="Generated when omitted.")
    published: bool | None = True
