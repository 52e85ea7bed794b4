"""Agency mutations: registration, termination (Art. 3, 4, 15, 17) and upgrades (Art. 26-28)."""

from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.operations.register_agency import NewAgency, register_agency, validate_new_agency
from models.operations.terminate_agency import terminate_agency
from models.operations.upgrades import approve_upgrade, recommend_national, recommend_upgrade
from policies import permissions
from schema.agency.inputs import (
    AgencyInput,
    RecommendUpgradeInput,
    RegisterAgencyInput,
    TerminateAgencyInput,
)
from schema.agency.types import Agency
from schema.announcement.types import Announcement
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation


@strawberry.type
class RegisterAgencySuccess:
    agency: Agency


@strawberry.type
class TerminateAgencySuccess:
    agency: Agency
    announcement: Announcement


@strawberry.type
class AgencyMutations:
    @mutation(
        permissions.REGISTER_AGENCY,
        description="The province center registers any agency; a city its own "
        "city-level agencies (Art. 3, 4).",
    )
    async def register_agency(
        self, info: Info, input: RegisterAgencyInput
    ) -> RegisterAgencySuccess | Failure:
        ctx = info.context
        await ctx.guard.authorize(permissions.REGISTER_AGENCY)
        agency = await validate_new_agency(
            NewAgency(
                name=input.name,
                credit_code=input.credit_code,
                kind=input.kind,
                is_college=input.is_college,
                level=input.level,
                filing_region_code=input.filing_region_code,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                legal_representative=input.legal_representative,
            )
        )
        # Art. 3, 4: the province files anyone; a city only CITY-level agencies of its own.
        await ctx.guard.authorize(permissions.REGISTER_AGENCY, agency)
        return RegisterAgencySuccess(
            agency=Agency.from_row(await register_agency(ctx.actor, agency))
        )

    @mutation(
        permissions.MANAGE_AGENCY,
        description="The filing authority terminates a filing (Art. 15, 17).",
    )
    async def terminate_agency(
        self, info: Info, input: TerminateAgencyInput
    ) -> TerminateAgencySuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.MANAGE_AGENCY, agency)
        agency, notice = await terminate_agency(
            ctx.actor, agency, input.reason, input.note, today=ctx.today, now=ctx.now
        )
        return TerminateAgencySuccess(
            agency=Agency.from_row(agency), announcement=Announcement.from_row(notice)
        )


@strawberry.type
class UpgradeSuccess:
    agency: Agency


@strawberry.type
class UpgradeMutations:
    @mutation(
        permissions.RECOMMEND_UPGRADE,
        result="UpgradeResult",
        description="A city recommends its agency to be managed as provincial (Art. 26, 27).",
    )
    async def recommend_upgrade(
        self, info: Info, input: RecommendUpgradeInput
    ) -> UpgradeSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.RECOMMEND_UPGRADE, agency)
        return UpgradeSuccess(
            agency=Agency.from_row(
                await recommend_upgrade(ctx.actor, agency, input.basis, now=ctx.now)
            )
        )

    @mutation(
        permissions.APPROVE_UPGRADE,
        result="UpgradeResult",
        description="The province agrees: the agency becomes PROVINCIAL, filed with "
        "350000 (Art. 27).",
    )
    async def approve_upgrade(self, info: Info, input: AgencyInput) -> UpgradeSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.APPROVE_UPGRADE, agency)
        return UpgradeSuccess(agency=Agency.from_row(await approve_upgrade(ctx.actor, agency)))

    @mutation(
        permissions.RECOMMEND_NATIONAL,
        result="UpgradeResult",
        description="The province recommends a provincial agency with a clean period "
        "for national level (Art. 28).",
    )
    async def recommend_national(self, info: Info, input: AgencyInput) -> UpgradeSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        await ctx.guard.authorize(permissions.RECOMMEND_NATIONAL, agency)
        return UpgradeSuccess(
            agency=Agency.from_row(
                await recommend_national(ctx.actor, agency, today=ctx.today, now=ctx.now)
            )
        )
