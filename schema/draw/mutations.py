from __future__ import annotations

import strawberry

from models.inspection import Inspector as InspectorRow
from models.operations.draw_inspections import DrawRequest, draw_inspections
from policies import permissions
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
from schema.draw.inputs import DrawInspectionsInput
from schema.draw.types import Draw


@strawberry.type
class DrawInspectionsSuccess:
    draw: Draw


@strawberry.type
class DrawMutations:
    @mutation(
        permissions.RUN_DRAW,
        description="双随机 (Art. 20): the province over the province, a city over the "
        "agencies filed with it.",
    )
    async def draw_inspections(
        self,
        info: Info,
        input: DrawInspectionsInput,
    ) -> DrawInspectionsSuccess | Failure:
        ctx = info.context
        await ctx.guard.authorize(permissions.RUN_DRAW)
        pool = [
            await require(ctx, InspectorRow, inspector_id, f"inspectorIds[{n}]")
            for n, inspector_id in enumerate(input.inspector_ids)
        ]
        draw = await draw_inspections(
            ctx.actor,
            DrawRequest(
                scope=ctx.guard.filter(permissions.RUN_DRAW),
                count=input.count,
                ratio=input.ratio,
                region_code=input.region_code,
                kind=input.kind,
                inspectors=pool,
                per_agency=2
                if input.inspectors_per_agency is None
                else input.inspectors_per_agency,
                seed=input.seed,
                published=input.published is not False,
                authority=ctx.viewer.region_code or "350000",
            ),
            today=ctx.today,
        )
        return DrawInspectionsSuccess(draw=Draw.from_row(draw))
