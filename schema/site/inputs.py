from __future__ import annotations

import strawberry

from schema.core.enums import SiteTenure


@strawberry.input
class SiteFilter:
    region_code: str | None = None
    agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="Sites the agency registered or put on one of its filings."
    )
    acknowledged: bool | None = strawberry.field(
        default=None, description="Whether the city acknowledged it (Art. 4)."
    )


@strawberry.input
class AddSiteInput:
    agency_id: strawberry.ID
    name: str
    address: str
    region_code: str
    tenure: SiteTenure
    has_video_surveillance: bool


@strawberry.input
class AcknowledgeSiteInput:
    site_id: strawberry.ID
