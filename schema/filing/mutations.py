from __future__ import annotations

from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.filing import Filing as FilingRow
from models.operations.decide_filing import decide_filing
from models.operations.import_filing import import_filing
from models.operations.submit_filing import NewFiling, submit_filing
from models.rules import RuleCode
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require
from schema.filing.inputs import (
    DecideFilingInput,
    ImportFilingInput,
    SubmitFilingInput,
    resolve_items,
)
from schema.filing.types import Filing


@strawberry.type
class SubmitFilingSuccess:
    filing: Filing


@strawberry.type
class DecideFilingSuccess:
    filing: Filing


@strawberry.type
class ImportFilingSuccess:
    filing: Filing


SubmitFilingResult = Annotated[SubmitFilingSuccess | RuleViolation | InvalidInput | NotFound,
                               strawberry.union("SubmitFilingResult")]
DecideFilingResult = Annotated[DecideFilingSuccess | RuleViolation | InvalidInput | NotFound,
                               strawberry.union("DecideFilingResult")]
ImportFilingResult = Annotated[ImportFilingSuccess | RuleViolation | InvalidInput | NotFound,
                               strawberry.union("ImportFilingResult")]


@strawberry.type
class FilingMutations:
    @strawberry.mutation(extensions=[Authorize("filing", action="submit")],
                         description="The agency applies (Art. 13, 16, 17).")
    async def submit_filing(self, info: Info, input: SubmitFilingInput) -> SubmitFilingResult:
        ctx = info.context

        async def run() -> SubmitFilingSuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            if not await ctx.guard.check("filing", "submit", agency):
                raise DomainRuleViolation(RuleCode.NOT_OWN_AGENCY, "an agency files for itself with "
                                          "its filing authority (Art. 16)", 16)
            new = NewFiling(kind=input.kind, items=await resolve_items(info, input.items),
                            new_name=input.new_name,
                            new_legal_representative=input.new_legal_representative,
                            reason=input.reason)
            filing = await submit_filing(ctx.actor, agency, new, ctx.today, ctx.now)
            return SubmitFilingSuccess(filing=Filing.from_row(filing))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("filing", action="decide")],
                         description="The filing authority approves or rejects (Art. 3, 4).")
    async def decide_filing(self, info: Info, input: DecideFilingInput) -> DecideFilingResult:
        ctx = info.context

        async def run() -> DecideFilingSuccess:
            filing = await require(ctx, FilingRow, "filing", input.filing_id)
            if not await ctx.guard.check("filing", "decide", filing):
                raise DomainRuleViolation(
                    RuleCode.NOT_FILING_AUTHORITY, "the department the agency is filed with decides "
                    "(Art. 3, 4)", 3)
            decided = await decide_filing(ctx.actor, filing, input.approve, input.reason,
                                          ctx.today, ctx.now)
            return DecideFilingSuccess(filing=Filing.from_row(decided))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("filing", action="import")],
                         description="The province records a filing approved before the "
                         "registry, with its original dates.")
    async def import_filing(self, info: Info, input: ImportFilingInput) -> ImportFilingResult:
        ctx = info.context

        async def run() -> ImportFilingSuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            if not await ctx.guard.check("filing", "import", agency):
                raise DomainRuleViolation(RuleCode.NOT_PROVINCE, "only the province center imports "
                                          "earlier filings (Art. 3)", 3)
            filing = await import_filing(ctx.actor, agency, input.valid_from,
                                         await resolve_items(info, input.items), ctx.today,
                                         ctx.now)
            return ImportFilingSuccess(filing=Filing.from_row(filing))

        return await typed(run)
