"""Upgrade mutations (Art. 26, 27, 28)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.operations.upgrades import approve_upgrade, recommend_national, recommend_upgrade
from models.rules import RuleCode
from schema.agency.types import Agency
from schema.core.authz import Authorize
from schema.core.context import Context, Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require


@strawberry.input
class RecommendUpgradeInput:
    agency_id: strawberry.ID
    basis: list[int] = strawberry.field(description="The Art. 26 cases (1-5) it meets.")


@strawberry.input
class AgencyInput:
    agency_id: strawberry.ID


@strawberry.type
class UpgradeSuccess:
    agency: Agency


UpgradeResult = Annotated[UpgradeSuccess | RuleViolation | InvalidInput | NotFound,
                          strawberry.union("UpgradeResult")]


async def _target(ctx: Context, agency_id: strawberry.ID, action: str,
                  article: int) -> AgencyRow:
    agency = await require(ctx, AgencyRow, "agency", agency_id)
    if not await ctx.guard.check("agency", action, agency):
        raise DomainRuleViolation(RuleCode.NOT_FILING_AUTHORITY, "a city recommends its own agencies; the "
                                  "province decides (Art. 27, 28)", article)
    return agency


@strawberry.type
class UpgradeMutations:
    @strawberry.mutation(extensions=[Authorize("agency", action="recommend_upgrade")],
                         description="A city recommends its agency to be managed as "
                         "provincial (Art. 26, 27).")
    async def recommend_upgrade(self, info: Info, input: RecommendUpgradeInput) -> UpgradeResult:
        ctx = info.context

        async def run() -> UpgradeSuccess:
            agency = await _target(ctx, input.agency_id, "recommend_upgrade", 27)
            return UpgradeSuccess(agency=Agency.from_row(
                await recommend_upgrade(ctx.actor, agency, input.basis, ctx.now)))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("agency", action="approve_upgrade")],
                         description="The province agrees: the agency becomes PROVINCIAL, "
                         "filed with 350000 (Art. 27).")
    async def approve_upgrade(self, info: Info, input: AgencyInput) -> UpgradeResult:
        ctx = info.context

        async def run() -> UpgradeSuccess:
            agency = await _target(ctx, input.agency_id, "approve_upgrade", 27)
            return UpgradeSuccess(agency=Agency.from_row(await approve_upgrade(ctx.actor, agency)))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("agency", action="recommend_national")],
                         description="The province recommends a provincial agency with a clean "
                         "period for national level (Art. 28).")
    async def recommend_national(self, info: Info, input: AgencyInput) -> UpgradeResult:
        ctx = info.context

        async def run() -> UpgradeSuccess:
            agency = await _target(ctx, input.agency_id, "recommend_national", 28)
            return UpgradeSuccess(agency=Agency.from_row(
                await recommend_national(ctx.actor, agency, ctx.today, ctx.now)))

        return await typed(run)
