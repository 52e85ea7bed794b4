from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.inspection import Inspection as InspectionRow
from models.operations.record_inspection import NewInspection, record_inspection
from models.site import Site as SiteRow
from policies import permissions
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
from schema.inspection.inputs import RecordInspectionInput
from schema.inspection.types import Inspection
from schema.sanction.types import Sanction, load_sanction


@strawberry.type
class RecordInspectionSuccess:
    inspection: Inspection
    proposed_sanction: Sanction | None = strawberry.field(
        description="A PROPOSED Art. 23(11) revocation when this is the agency's third "
        "UNQUALIFIED external result of the calendar year; no effect until confirmed."
    )


@strawberry.type
class InspectionMutations:
    @mutation(
        permissions.RECORD_INSPECTION,
        description="The province; a city for agencies filed with it and any agency's "
        "sites in it (Art. 4, 20).",
    )
    async def record_inspection(
        self, info: Info, input: RecordInspectionInput
    ) -> RecordInspectionSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        site = None
        if input.site_id is not None:
            site = await require(ctx, SiteRow, input.site_id, "siteId")
        await ctx.guard.authorize(
            permissions.RECORD_INSPECTION,
            InspectionRow(agency_id=agency.id, site_id=site.id if site else None),
        )
        inspection, proposal = await record_inspection(
            ctx.actor,
            agency,
            NewInspection(
                site=site,
                kind=input.kind,
                mode=input.mode,
                date=input.date,
                result=input.result,
                findings=input.findings,
                published=bool(input.published),
                authority=ctx.viewer.region_code or "350000",
            ),
            today=ctx.today,
        )
        # The proposal belongs to the agency's filing authority; the recorder sees it only
        # where its own sanction scope reaches.
        return RecordInspectionSuccess(
            inspection=Inspection.from_row(inspection),
            proposed_sanction=await load_sanction(info, proposal.id if proposal else None),
        )
