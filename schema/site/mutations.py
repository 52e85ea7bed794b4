from __future__ import annotations

import strawberry

from models.agency import Agency as AgencyRow
from models.operations.acknowledge_site import acknowledge_site
from models.operations.add_site import NewSite, add_site
from models.site import Site as SiteRow
from policies import permissions
from schema.core.context import Info
from schema.core.errors import Failure
from schema.core.loaders import require
from schema.core.mutation import mutation
from schema.site.inputs import AcknowledgeSiteInput, AddSiteInput
from schema.site.types import Site


@strawberry.type
class AddSiteSuccess:
    site: Site


@strawberry.type
class AcknowledgeSiteSuccess:
    site: Site


@strawberry.type
class SiteMutations:
    @mutation(
        permissions.ADD_SITE, description="An agency registers a venue of its own (Art. 12, 15)."
    )
    async def add_site(self, info: Info, input: AddSiteInput) -> AddSiteSuccess | Failure:
        ctx = info.context
        agency = await require(ctx, AgencyRow, input.agency_id)
        # A site is the agency's own filing material: only the agency adds it (DESIGN §6).
        await ctx.guard.authorize(permissions.ADD_SITE, SiteRow(agency_id=agency.id))
        site = await add_site(
            ctx.actor,
            agency,
            NewSite(
                name=input.name,
                address=input.address,
                region_code=input.region_code,
                tenure=input.tenure,
                has_video_surveillance=input.has_video_surveillance,
            ),
            today=ctx.today,
        )
        return AddSiteSuccess(site=Site.from_row(site))

    @mutation(
        permissions.ACKNOWLEDGE_SITE,
        description="The city registers (报备) a provincial agency's site located in it (Art. 4).",
    )
    async def acknowledge_site(
        self, info: Info, input: AcknowledgeSiteInput
    ) -> AcknowledgeSiteSuccess | Failure:
        ctx = info.context
        site = await require(ctx, SiteRow, input.site_id)
        await ctx.guard.authorize(permissions.ACKNOWLEDGE_SITE, site)
        return AcknowledgeSiteSuccess(
            site=Site.from_row(await acknowledge_site(ctx.actor, site, now=ctx.now))
        )
