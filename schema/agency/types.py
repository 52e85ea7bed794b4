"""Agency (评价机构) as the API shows it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.agency import Agency as AgencyRow
from models.agency import derive_status
from schema.agency.loaders import agency_by_id, contact_by_agency, supervision_by_agency
from schema.core.context import Info
from schema.core.enums import AgencyKind, AgencyLevel, AgencyStatus, InspectionMode
from schema.core.ids import to_global_id
from schema.core.pagination import Connection
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.filing.types import Filing
    from schema.sanction.types import Sanction
    from schema.site.types import Site

SiteT = Annotated["Site", strawberry.lazy("schema.site.types")]
FilingT = Annotated["Filing", strawberry.lazy("schema.filing.types")]
SanctionT = Annotated["Sanction", strawberry.lazy("schema.sanction.types")]


@strawberry.type
class Agency(Node):
    name: str
    credit_code: str
    kind: AgencyKind
    is_college: bool
    level: AgencyLevel
    legal_representative: str | None
    valid_until: date | None
    banned_until: date | None
    row: strawberry.Private[AgencyRow]

    @classmethod
    def from_row(cls, row: AgencyRow) -> Agency:
        return cls(
            id=strawberry.ID(to_global_id("Agency", row.id)),
            name=row.name,
            credit_code=row.credit_code,
            kind=row.kind,
            is_college=row.is_college,
            level=row.level,
            legal_representative=row.legal_representative,
            valid_until=row.valid_until,
            banned_until=row.banned_until,
            row=row,
        )

    @strawberry.field(description="Derived from filings and sanctions; EXPIRED past validUntil.")
    def status(self, info: Info) -> AgencyStatus:
        return derive_status(self.row.state, self.row.valid_until, today=info.context.today)

    @strawberry.field
    def filing_region(self) -> Region:
        return region_of(self.row.filing_region_id)

    @strawberry.field(description="Private: the agency itself, its filing city or the province.")
    async def contact_name(self, info: Info) -> str | None:
        contact = await contact_by_agency(info.context).load(self.row.id)
        return contact[0] if contact else None

    @strawberry.field(description="Private: the agency itself, its filing city or the province.")
    async def contact_phone(self, info: Info) -> str | None:
        contact = await contact_by_agency(info.context).load(self.row.id)
        return contact[1] if contact else None

    @strawberry.field(
        description="EVERY_EXAM (逢考必督), or RANDOM for a social organisation "
        "from its second clean filing period (Art. 25(4)). Private."
    )
    async def supervision_mode(self, info: Info) -> InspectionMode | None:
        standing = await supervision_by_agency(info.context).load(self.row.id)
        return standing.mode if standing else None

    @strawberry.field(
        description="Art. 25(1)-(3) support while the current filing period is clean. Private."
    )
    async def incentives(self, info: Info) -> list[str] | None:
        standing = await supervision_by_agency(info.context).load(self.row.id)
        return standing.incentives if standing else None

    @strawberry.field(
        description="When its city recommended it be managed as provincial "
        "(Art. 27), awaiting the province. Private until decided."
    )
    async def upgrade_recommended_at(self, info: Info) -> datetime | None:
        standing = await supervision_by_agency(info.context).load(self.row.id)
        return self.row.upgrade_recommended_at if standing else None

    @strawberry.field(description="When the province recommended it for national level (Art. 28).")
    def national_recommended_at(self) -> datetime | None:
        return self.row.national_recommended_at

    @strawberry.field(description="Venues the agency registered or put on one of its filings.")
    async def sites(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SiteT]:
        from schema.site.loaders import sites_of_agency

        return await sites_of_agency(info, self.row.id, first, after)

    @strawberry.field
    async def filings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[FilingT]:
        from schema.filing.loaders import filings_of_agency

        return await filings_of_agency(info, self.row.id, first, after)

    @strawberry.field
    async def sanctions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SanctionT]:
        from schema.sanction.loaders import sanctions_of_agency

        return await sanctions_of_agency(info, self.row.id, first, after)


async def load_agency(info: Info, pk: int | None) -> Agency | None:
    """The agency if the viewer may see it, else None (indistinguishable from missing)."""
    if pk is None:
        return None
    row = await agency_by_id(info.context).load(pk)
    return Agency.from_row(row) if row else None
