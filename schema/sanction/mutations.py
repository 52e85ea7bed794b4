from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.operations.accept_rectification import accept_rectification
from models.operations.confirm_sanction import confirm_sanction
from models.operations.issue_sanction import NewSanction, issue_sanction
from models.sanction import Sanction as SanctionRow
from policies import permissions
from schema.core.context import Context, Info
from schema.core.enums import CertificateInvalidation
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
from schema.sanction.inputs import (
    AcceptRectificationInput,
    ConfirmSanctionInput,
    IssueSanctionInput,
)
from schema.sanction.types import Sanction


@strawberry.type
class IssueSanctionSuccess:
    sanction: Sanction
    escalated: bool = strawberry.field(description="The ladder raised it (22.1 or 23.1).")


@strawberry.type
class ConfirmSanctionSuccess:
    sanction: Sanction


@strawberry.type
class AcceptRectificationSuccess:
    sanction: Sanction


async def _decidable(ctx: Context, sanction_id: strawberry.ID) -> SanctionRow:
    row = await require(ctx, SanctionRow, sanction_id)
    await ctx.guard.authorize(permissions.DECIDE_SANCTION, row)
    return row


@strawberry.type
class SanctionMutations:
    @mutation(
        permissions.ISSUE_SANCTION,
        description="Art. 21 interview, 22 rectification, 23 revocation, with escalation "
        "(22.1, 23.1).",
    )
    async def issue_sanction(
        self, info: Info, input: IssueSanctionInput
    ) -> IssueSanctionSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.ISSUE_SANCTION, agency)
        sanction, escalated = await issue_sanction(
            ctx.actor,
            agency,
            NewSanction(
                article=input.article,
                clause=input.clause,
                facts=input.facts,
                serious=bool(input.serious),
                certificates_invalidated=(
                    input.certificates_invalidated or CertificateInvalidation.NONE
                ),
                published=input.published,
                rectification_deadline=input.rectification_deadline,
            ),
            today=ctx.today,
            now=ctx.now,
        )
        return IssueSanctionSuccess(sanction=Sanction.from_row(sanction), escalated=escalated)

    @mutation(
        permissions.DECIDE_SANCTION,
        description="Confirm a sanction the system proposed (Art. 23(11)).",
    )
    async def confirm_sanction(
        self, info: Info, input: ConfirmSanctionInput
    ) -> ConfirmSanctionSuccess | Failure:
        ctx = info.context
        row = await _decidable(ctx, input.sanction_id)
        return ConfirmSanctionSuccess(
            sanction=Sanction.from_row(
                await confirm_sanction(ctx.actor, row, today=ctx.today, now=ctx.now)
            )
        )

    @mutation(
        permissions.DECIDE_SANCTION,
        description="Accept a rectification (Art. 22): ends the suspension unless another "
        "rectification is open.",
    )
    async def accept_rectification(
        self,
        info: Info,
        input: AcceptRectificationInput,
    ) -> AcceptRectificationSuccess | Failure:
        ctx = info.context
        row = await _decidable(ctx, input.sanction_id)
        return AcceptRectificationSuccess(
            sanction=Sanction.from_row(await accept_rectification(ctx.actor, row, today=ctx.today))
        )
