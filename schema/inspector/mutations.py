from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.inspection import Inspector as InspectorRow
from models.operations.register_inspector import register_inspector
from policies import permissions
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
from schema.inspector.inputs import RegisterInspectorInput
from schema.inspector.types import Inspector


@strawberry.type
class RegisterInspectorSuccess:
    inspector: Inspector


@strawberry.type
class InspectorMutations:
    @mutation(
        permissions.REGISTER_INSPECTOR,
        description="The province, or a city for its own pool (Art. 20).",
    )
    async def register_inspector(
        self,
        info: Info,
        input: RegisterInspectorInput,
    ) -> RegisterInspectorSuccess | Failure:
        ctx = info.context
        await ctx.guard.authorize(
            permissions.REGISTER_INSPECTOR,
            InspectorRow(name=input.name, region_id=input.region_code),
        )
        conflicts = [
            await require(ctx, AgencyRow, agency_id, f"conflictAgencyIds[{n}]")
            for n, agency_id in enumerate(input.conflict_agency_ids or [])
        ]
        inspector = await register_inspector(ctx.actor, input.name, input.region_code, conflicts)
        return RegisterInspectorSuccess(inspector=Inspector.from_row(inspector))
