from __future__ import annotations

from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.operations.register_agency import NewAgency, register_agency, validate_new_agency
from models.operations.terminate_agency import terminate_agency
from models.rules import RuleCode
from schema.agency.inputs import RegisterAgencyInput, TerminateAgencyInput
from schema.agency.types import Agency
from schema.announcement.types import Announcement
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require


@strawberry.type
class RegisterAgencySuccess:
    agency: Agency


RegisterAgencyResult = Annotated[
    RegisterAgencySuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("RegisterAgencyResult"),
]


@strawberry.type
class TerminateAgencySuccess:
    agency: Agency
    announcement: Announcement


TerminateAgencyResult = Annotated[
    TerminateAgencySuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("TerminateAgencyResult"),
]


@strawberry.type
class AgencyMutations:
    @strawberry.mutation(extensions=[Authorize("agency", action="register")])
    async def register_agency(self, info: Info,
                              input: RegisterAgencyInput) -> RegisterAgencyResult:
        ctx = info.context

        refused = DomainRuleViolation(
            RuleCode.NOT_FILING_AUTHORITY,
            "only the province center, or the city for its own city-level agencies, "
            "registers an agency (Art. 3, 4)",
            3,
        )

        async def run() -> RegisterAgencySuccess:
            if not ctx.guard.allows("agency", "register"):
                raise refused
            agency = await validate_new_agency(NewAgency(
                name=input.name, credit_code=input.credit_code, kind=input.kind,
                is_college=input.is_college, level=input.level,
                filing_region_code=input.filing_region_code, contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                legal_representative=input.legal_representative,
            ))
            # Art. 3, 4: the province files anyone; a city only CITY-level agencies of its own.
            if not await ctx.guard.check("agency", "register", agency):
                raise refused
            return RegisterAgencySuccess(agency=Agency.from_row(
                await register_agency(ctx.actor, agency)))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("agency", action="manage")],
                         description="The filing authority terminates a filing (Art. 15, 17).")
    async def terminate_agency(self, info: Info,
                               input: TerminateAgencyInput) -> TerminateAgencyResult:
        ctx = info.context

        async def run() -> TerminateAgencySuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            if not await ctx.guard.check("agency", "manage", agency):
                raise DomainRuleViolation(
                    RuleCode.NOT_FILING_AUTHORITY, "the department the agency is filed with "
                    "terminates its filing (Art. 3, 4)", 3)
            agency, notice = await terminate_agency(ctx.actor, agency, input.reason, input.note,
                                                    ctx.today, ctx.now)
            return TerminateAgencySuccess(agency=Agency.from_row(agency),
                                          announcement=Announcement.from_row(notice))

        return await typed(run)
