from __future__ import annotations

from typing import Annotated

import strawberry

from models.errors import RuleViolation as DomainRuleViolation
from models.inspection import Inspector as InspectorRow
from models.operations.draw_inspections import DrawRequest, draw_inspections
from models.rules import RuleCode
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.enums import AgencyKind
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require
from schema.draw.types import Draw


@strawberry.input
class DrawInspectionsInput:
    count: int | None = None
    ratio: float | None = None
    region_code: str | None = strawberry.field(
        default=None, description="Narrow the population to agencies filed with this region.")
    kind: AgencyKind | None = None
    inspector_ids: list[strawberry.ID]
    inspectors_per_agency: int | None = 2
    seed: str | None = strawberry.field(default=None, description="Generated when omitted.")
    published: bool | None = True


@strawberry.type
class DrawInspectionsSuccess:
    draw: Draw


DrawInspectionsResult = Annotated[
    DrawInspectionsSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("DrawInspectionsResult"),
]


@strawberry.type
class DrawMutations:
    @strawberry.mutation(extensions=[Authorize("draw", action="run")],
                         description="双随机 (Art. 20): the province over the province, a city "
                         "over the agencies filed with it.")
    async def draw_inspections(self, info: Info,
                               input: DrawInspectionsInput) -> DrawInspectionsResult:
        ctx = info.context

        async def run() -> DrawInspectionsSuccess:
            if not ctx.guard.allows("draw", "run"):
                raise DomainRuleViolation(RuleCode.NOT_SUPERVISOR, "draws are run by the province "
                                          "and the cities (Art. 20)", 20)
            pool = []
            for n, inspector_id in enumerate(input.inspector_ids):
                pool.append(await require(ctx, InspectorRow, "inspector", inspector_id,
                                          f"inspectorIds[{n}]"))
            draw = await draw_inspections(ctx.actor, DrawRequest(
                scope=ctx.guard.filter("draw", "run"), count=input.count, ratio=input.ratio,
                region_code=input.region_code, kind=input.kind, inspectors=pool,
                per_agency=2 if input.inspectors_per_agency is None
                else input.inspectors_per_agency, seed=input.seed,
                published=input.published is not False,
                authority=ctx.viewer.region_code or "350000"), ctx.today)
            return DrawInspectionsSuccess(draw=Draw.from_row(draw))

        return await typed(run)
