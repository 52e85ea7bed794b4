from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.filing import Filing as FilingRow
from models.operations.decide_filing import decide_filing
from models.operations.import_filing import import_filing
from models.operations.submit_filing import NewFiling, submit_filing
from policies import permissions
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
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


@strawberry.type
class FilingMutations:
    @mutation(permissions.SUBMIT_FILING, description="The agency applies (Art. 13, 16, 17).")
    async def submit_filing(
        self, info: Info, input: SubmitFilingInput
    ) -> SubmitFilingSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.SUBMIT_FILING, agency)
        new = NewFiling(
            kind=input.kind,
            items=await resolve_items(info, input.items),
            new_name=input.new_name,
            new_legal_representative=input.new_legal_representative,
            reason=input.reason,
        )
        filing = await submit_filing(ctx.actor, agency, new, today=ctx.today, now=ctx.now)
        return SubmitFilingSuccess(filing=Filing.from_row(filing))

    @mutation(
        permissions.DECIDE_FILING,
        description="The filing authority approves or rejects (Art. 3, 4).",
    )
    async def decide_filing(
        self, info: Info, input: DecideFilingInput
    ) -> DecideFilingSuccess | Failure:
        ctx = info.context
        filing = await require(ctx, FilingRow, input.filing_id)
        await ctx.guard.authorize(permissions.DECIDE_FILING, filing)
        decided = await decide_filing(
            ctx.actor, filing, input.approve, input.reason, today=ctx.today, now=ctx.now
        )
        return DecideFilingSuccess(filing=Filing.from_row(decided))

    @mutation(
        permissions.IMPORT_FILING,
        description="The province records a filing approved before the registry, with "
        "its original dates.",
    )
    async def import_filing(
        self, info: Info, input: ImportFilingInput
    ) -> ImportFilingSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.IMPORT_FILING, agency)
        filing = await import_filing(
            ctx.actor,
            agency,
            input.valid_from,
            await resolve_items(info, input.items),
            today=ctx.today,
            now=ctx.now,
        )
        return ImportFilingSuccess(filing=Filing.from_row(filing))
