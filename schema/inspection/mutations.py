from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import NotFound as DomainNotFound
from models.errors import RuleViolation as DomainRuleViolation
from models.inspection import Inspection as InspectionRow
from models.operations.record_inspection import NewInspection, record_inspection
from models.rules import RuleCode
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.enums import InspectionKind, InspectionMode, InspectionResult
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.ids import pk_of
from schema.core.loaders import require
from schema.inspection.types import Inspection
from schema.sanction.types import Sanction, load_sanction
from schema.site.types import load_site


@strawberry.input
class RecordInspectionInput:
    agency_id: strawberry.ID
    site_id: strawberry.ID | None = None
    kind: InspectionKind
    mode: InspectionMode
    date: datetime.date
    result: InspectionResult
    findings: str | None = None
    published: bool | None = False


@strawberry.type
class RecordInspectionSuccess:
    inspection: Inspection
    proposed_sanction: Sanction | None = strawberry.field(
        description="A PROPOSED Art. 23(11) revocation when this is the agency's third "
        "UNQUALIFIED external result of the calendar year; no effect until confirmed.")


RecordInspectionResult = Annotated[
    RecordInspectionSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("RecordInspectionResult"),
]


@strawberry.type
class InspectionMutations:
    @strawberry.mutation(extensions=[Authorize("inspection", action="record")],
                         description="The province; a city for agencies filed with it and any "
                         "agency's sites in it (Art. 4, 20).")
    async def record_inspection(self, info: Info,
                                input: RecordInspectionInput) -> RecordInspectionResult:
        ctx = info.context

        async def run() -> RecordInspectionSuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            site = None
            if input.site_id is not None:
                site = await load_site(info, pk_of(input.site_id, "Site"))
                if site is None:
                    raise DomainNotFound("no such site")
            probe = InspectionRow(agency_id=agency.id, site_id=site.row.id if site else None)
            if not await ctx.guard.check("inspection", "record", probe):
                raise DomainRuleViolation(
                    RuleCode.NOT_SUPERVISOR, "a city supervises the agencies filed with it and the "
                    "sites on its territory (Art. 4, 20)", 4)
            inspection, proposal = await record_inspection(ctx.actor, agency, NewInspection(
                site=site.row if site else None, kind=input.kind, mode=input.mode,
                date=input.date, result=input.result, findings=input.findings,
                published=bool(input.published), authority=ctx.viewer.region_code or "350000",
            ), ctx.today)
            # The proposal belongs to the agency's filing authority; the recorder sees it only
            # where its own sanction scope reaches.
            return RecordInspectionSuccess(
                inspection=Inspection.from_row(inspection),
                proposed_sanction=await load_sanction(info, proposal.id if proposal else None))

        return await typed(run)
