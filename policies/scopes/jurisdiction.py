"""Building blocks of DESIGN §6 shared by several resources, as SQL subqueries.

"Filed with c": the agency's filing region is c. "Operates in c": it registered a site located
in c, or one of its filings (any status) has an item at a site located in c. "Public agency":
status is not PENDING.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from models.agency import Agency
from models.enums import AgencyState, FilingStatus
from models.filing import Filing, FilingItem
from models.site import Site


def public_agency_q() -> Q:
    return ~Q(state=AgencyState.PENDING)


def public_agency_ids() -> Subquery:
    return Subquery(Agency.filter(public_agency_q()).values("id"))


def agencies_filed_with(city: str | None) -> Subquery:
    return Subquery(Agency.filter(filing_region_id=city).values("id"))


def sites_in(city: str | None) -> Subquery:
    return Subquery(Site.filter(region_id=city).values("id"))


def filings_with_item_in(city: str | None) -> Subquery:
    return Subquery(FilingItem.filter(site_id__in=sites_in(city)).values("filing_id"))


def operates_in_q(city: str | None) -> Q:
    """Agency rows that operate in the city (column `id` of agency)."""
    return Q(id__in=Subquery(Site.filter(region_id=city).values("agency_id"))) | Q(
        id__in=Subquery(Filing.filter(id__in=filings_with_item_in(city)).values("agency_id"))
    )


def public_site_ids() -> Subquery:
    """Sites on an APPROVED filing of a public agency."""
    approved = Filing.filter(status=FilingStatus.APPROVED, agency_id__in=public_agency_ids())
    items = FilingItem.filter(filing_id__in=Subquery(approved.values("id")))
    return Subquery(items.values("site_id"))


async def is_public_agency(agency_id: int) -> bool:
    return await Agency.filter(public_agency_q(), id=agency_id).exists()


async def operates_in(agency_id: int, city: str | None) -> bool:
    if await Site.exists(agency_id=agency_id, region_id=city):
        return True
    return await FilingItem.exists(filing__agency_id=agency_id, site__region_id=city)


async def filed_with(agency_id: int, city: str | None) -> bool:
    return await Agency.exists(id=agency_id, filing_region_id=city)
