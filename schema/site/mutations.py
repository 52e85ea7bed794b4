from __future__ import annotations

from typing import Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.errors import RuleViolation as DomainRuleViolation
from models.operations.acknowledge_site import acknowledge_site
from models.operations.add_site import NewSite, add_site
from models.rules import RuleCode
from models.site import Site as SiteRow
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.errors import InvalidInput, NotFound, RuleViolation, typed
from schema.core.loaders import require
from schema.site.inputs import AcknowledgeSiteInput, AddSiteInput
from schema.site.types import Site


@strawberry.type
class AddSiteSuccess:
    site: Site


AddSiteResult = Annotated[
    AddSiteSuccess | RuleViolation | InvalidInput | NotFound, strawberry.union("AddSiteResult")
]


@strawberry.type
class AcknowledgeSiteSuccess:
    site: Site


AcknowledgeSiteResult = Annotated[
    AcknowledgeSiteSuccess | RuleViolation | InvalidInput | NotFound,
    strawberry.union("AcknowledgeSiteResult"),
]


@strawberry.type
class SiteMutations:
    @strawberry.mutation(extensions=[Authorize("site", action="add")])
    async def add_site(self, info: Info, input: AddSiteInput) -> AddSiteResult:
        ctx = info.context

        async def run() -> AddSiteSuccess:
            agency = await require(ctx, AgencyRow, "agency", input.agency_id)
            # A site is the agency's own filing material: only the agency adds it (DESIGN §6).
            if not await ctx.guard.check("site", "add", SiteRow(agency_id=agency.id)):
                raise DomainRuleViolation(
                    RuleCode.NOT_OWN_AGENCY, "an agency registers its own sites (Art. 12, 15)", 12
                )
            site = await add_site(ctx.actor, agency, NewSite(
                name=input.name, address=input.address, region_code=input.region_code,
                tenure=input.tenure, has_video_surveillance=input.has_video_surveillance,
            ), ctx.today)
            return AddSiteSuccess(site=Site.from_row(site))

        return await typed(run)

    @strawberry.mutation(extensions=[Authorize("site", action="acknowledge")],
                         description="The city registers (报备) a provincial agency's site "
                         "located in it (Art. 4).")
    async def acknowledge_site(self, info: Info,
                               input: AcknowledgeSiteInput) -> AcknowledgeSiteResult:
        ctx = info.context

        async def run() -> AcknowledgeSiteSuccess:
            site = await require(ctx, SiteRow, "site", input.site_id)
            if not await ctx.guard.check("site", "acknowledge", site):
                raise DomainRuleViolation(RuleCode.NOT_SITE_CITY, "the city the site lies in "
                                          "acknowledges it (Art. 4)", 4)
            return AcknowledgeSiteSuccess(
                site=Site.from_row(await acknowledge_site(ctx.actor, site, ctx.now)))

        return await typed(run)
