from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.operations.accept_rectification import accept_rectification
from models.operations.confirm_sanction import confirm_sanction
from models.operations.issue_sanction import NewSanction, issue_sanction
from models.rules import RuleCode
from models.sanction import Sanction as SanctionRow
from schema.core.authz import Authorize
from schema.core.context import Context, Info
from schema.core.enums import CertificateInvalidation
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require
from schema.sanction.types import Sanction


@strawberry.input
class IssueSanctionInput:
    agency_id: strawberry.ID
    article: int
    clause: int
    facts: str
    serious: bool | None = False
    certificates_invalidated: CertificateInvalidation | None = CertificateInvalidation.NONE
    published: bool | None = strawberry.field(
        default=None, description="Art. 21 interviews only; rectifications and revocations "
        "are always published.")
    rectification_deadline: datetime.date | None = None


@strawberry.input
class ConfirmSanctionInput:
    sanction_id: strawberry.ID


@strawberry.input
class AcceptRectificationInput:
    sanction_id: strawberry.ID


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


IssueSanctionResult = Annotated[IssueSanctionSuccess | RuleViolation | InvalidInput | NotFound,
                                strawberry.union("IssueSanctionResult")]
ConfirmSanctionResult = Annotated[
    ConfirmSanctionSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("ConfirmSanctionResult")]
AcceptRectificationResult = Annotated[
    AcceptRectificationSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("AcceptRectificationResult")]

NOT_AUTHORITY = (RuleCode.NOT_FILING_AUTHORITY, "the department the agency is filed with decides its "
                 "sanctions (Art. 21-23); a city does not sanction a provincial agency")


async def _decidable(ctx: Context, sanction_id: strawberry.ID) -> SanctionRow:
    row = await require(ctx, SanctionRow, "sanction", sanction_id)
    if not await ctx.guard.check("sanction", "decide", row):
        raise DomainRuleViolation(*NOT_AUTHORITY, row.article)
    return row


@strawberry.type
class SanctionMutations:
    @strawberry.mutation(extensions=[Authorize("sanction", action="issue")],
                         description="Art. 21 interview, 22 rectification, 23 revocation, with "
                         "escalation (22.1, 23.1).")
    async def issue_sanction(self, info: Info, input: IssueSanctionInput) -> IssueSanctionResult:
        ctx = info.context

        async def run() -> IssueSanctionSuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            if not await ctx.guard.check("sanction", "issue", agency):
                raise DomainRuleViolation(*NOT_AUTHORITY, input.article)
            sanction, escalated = await issue_sanction(ctx.actor, agency, NewSanction(
                article=input.article, clause=input.clause, facts=input.facts,
                serious=bool(input.serious),
                certificates_invalidated=(input.certificates_invalidated
                                          or CertificateInvalidation.NONE),
                published=input.published, rectification_deadline=input.rectification_deadline,
            ), ctx.today, ctx.now)
            return IssueSanctionSuccess(sanction=Sanction.from_row(sanction), escalated=escalated)

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("sanction", action="decide")],
                         description="Confirm a sanction the system proposed (Art. 23(11)).")
    async def confirm_sanction(self, info: Info,
                               input: ConfirmSanctionInput) -> ConfirmSanctionResult:
        ctx = info.context

        async def run() -> ConfirmSanctionSuccess:
            row = await _decidable(ctx, input.sanction_id)
            return ConfirmSanctionSuccess(sanction=Sanction.from_row(
                await confirm_sanction(ctx.actor, row, ctx.today, ctx.now)))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("sanction", action="decide")],
                         description="Accept a rectification (Art. 22): ends the suspension "
                         "unless another rectification is open.")
    async def accept_rectification(self, info: Info,
                                   input: AcceptRectificationInput) -> AcceptRectificationResult:
        ctx = info.context

        async def run() -> AcceptRectificationSuccess:
            row = await _decidable(ctx, input.sanction_id)
            return AcceptRectificationSuccess(sanction=Sanction.from_row(
                await accept_rectification(ctx.actor, row, ctx.today)))

        return await typed(run)
