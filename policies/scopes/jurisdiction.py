"""Building blocks of DESIGN §6 shared by several resources, as SQL subqueries.

"Filed with c": the agency's filing region is c. "Operates in c": it registered a site located
in c, or one of its filings (any status) has an item at a site located in c. "Public agency":
status is not PENDING.
"""

from __future__ import annotations

from tortoise import connections
from tortoise.expressions import Q, RawSQL, Subquery

from models.agency import Agency
from models.enums import AgencyState, FilingStatus
from models.filing import FilingItem
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


# The agency row the correlated subqueries below test (table `agency`, unaliased).
_AGENCY_ID = RawSQL('"agency"."id"')


def operates_in_q(city: str | None) -> Q:
    """Agency rows (table `agency`, unaliased) that operate in the city.

    Correlated, so PostgreSQL probes the indexes for each agency it still has to test, and
    a page stops after its rows; uncorrelated, it hashed every venue in the city and every
    item at them first (50 ms for a page of 50 at 10,000 agencies)."""
    return Q(
        id__in=Subquery(Site.filter(agency_id=_AGENCY_ID, region_id=city).values("agency_id"))
    ) | Q(
        id__in=Subquery(
            FilingItem.filter(filing__agency_id=_AGENCY_ID, site__region_id=city).values(
                "filing__agency_id"
            )
        )
    )


# A correlated EXISTS, not `id IN (subquery)`, probing the indexes per venue tested: `id IN`
# hashed every public venue first (75,000 items at 10,000 agencies), even to test the dozens
# of a page. `OFFSET 0` keeps PostgreSQL from turning the EXISTS back into that hash when it
# misjudges how many venues it will test (an agency's venues at 1,000 agencies: 7.5 ms hashed,
# 1.8 ms probed; a public page of venues at 10,000: 108 ms hashed, 18 ms probed). Counting
# every public venue costs about twice the hash (275 ms against 122 ms at 10,000 agencies),
# which pages, asked far more often, pay for. The CASE yields NULL, never false, when no such
# filing exists, so the test stays closed even under NOT.
# (SQLite has no such planner choice, and no OFFSET without LIMIT.)
_PUBLIC_SITE_SQL = (
    'CASE WHEN EXISTS (SELECT 1 FROM "filing_item" "pub_i" '
    'JOIN "filing" "pub_f" ON "pub_f"."id"="pub_i"."filing_id" '
    'JOIN "agency" "pub_a" ON "pub_a"."id"="pub_f"."agency_id" '
    f'WHERE "pub_i"."site_id"="site"."id" AND "pub_f"."status"=\'{FilingStatus.APPROVED.value}\' '
    f'AND "pub_a"."state"<>\'{AgencyState.PENDING.value}\'{{probe}}) THEN "site"."id" END'
)
_PUBLIC_SITE = {
    dialect: RawSQL(_PUBLIC_SITE_SQL.format(probe=probe))
    for dialect, probe in (("postgres", " OFFSET 0"), ("sqlite", ""))
}


def public_site_q() -> Q:
    """Site rows (table `site`, unaliased) on an APPROVED filing of a public agency."""
    dialect = connections.get("default").capabilities.dialect
    return Q(id=_PUBLIC_SITE.get(dialect, _PUBLIC_SITE["sqlite"]))


async def is_public_agency(agency_id: int) -> bool:
    return await Agency.filter(public_agency_q(), id=agency_id).exists()


async def operates_in(agency_id: int, city: str | None) -> bool:
    if await Site.exists(agency_id=agency_id, region_id=city):
        return True
    return await FilingItem.exists(filing__agency_id=agency_id, site__region_id=city)


async def filed_with(agency_id: int, city: str | None) -> bool:
    return await Agency.exists(id=agency_id, filing_region_id=city)
