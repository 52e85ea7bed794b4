from __future__ import annotations

from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.inspection import Inspector as InspectorRow
from models.operations.register_inspector import register_inspector
from models.rules import RuleCode
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require
from schema.inspector.types import Inspector


@strawberry.input
class RegisterInspectorInput:
    name: str
    region_code: str
    conflict_agency_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Agencies the inspector must never be drawn for (回避).")


@strawberry.type
class RegisterInspectorSuccess:
    inspector: Inspector


RegisterInspectorResult = Annotated[
    RegisterInspectorSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("RegisterInspectorResult"),
]


@strawberry.type
class InspectorMutations:
    @strawberry.mutation(extensions=[Authorize("inspector", action="register")],
                         description="The province, or a city for its own pool (Art. 20).")
    async def register_inspector(self, info: Info,
                                 input: RegisterInspectorInput) -> RegisterInspectorResult:
        ctx = info.context

        async def run() -> RegisterInspectorSuccess:
            probe = InspectorRow(name=input.name, region_id=input.region_code)
            if not await ctx.guard.check("inspector", "register", probe):
                raise DomainRuleViolation(RuleCode.NOT_OWN_POOL, "a city registers inspectors of its "
                                          "own region; the province any (Art. 20)", 20)
            conflicts = []
            for n, agency_id in enumerate(input.conflict_agency_ids or []):
                agency = await require(ctx, AgencyRow, "agency", agency_id,
                                       f"conflictAgencyIds[{n}]")
                conflicts.append(agency)
            inspector = await register_inspector(ctx.actor, input.name, input.region_code,
                                                 conflicts)
            return RegisterInspectorSuccess(inspector=Inspector.from_row(inspector))

        return await typed(run)
