"""An independent statement of DESIGN §6 read scope, for the role x scope matrix test.

The rows come straight from the database with raw SQL and the rules are written out again in
plain Python from the table in DESIGN §6. Nothing here imports `policies` or `models`: if the
product's scopes and this file disagree, one of them misreads the design, and the matrix test
says which rows differ.

  "public agency"   its (derived) status is not PENDING; EXPIRED agencies are public
  "filed with c"    the agency's filing region is c
  "operates in c"   it registered a site located in c, or one of its filings (any status) has an
                    item at a site located in c
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections

PUBLIC = "PUBLIC"
AGENCY = "AGENCY"
CITY = "CITY"
PROVINCE = "PROVINCE"


# --------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    credit_code: str
    level: str
    filing_region: str
    state: str
    valid_until: str | None
    contact_name: str | None
    contact_phone: str | None


@dataclass(frozen=True)
class SiteRow:
    id: int
    agency_id: int
    region: str


@dataclass(frozen=True)
class FilingRow:
    id: int
    agency_id: int
    kind: str
    status: str
    authority: str


@dataclass(frozen=True)
class ItemRow:
    id: int
    filing_id: int
    occupation_code: str
    level: str
    site_id: int


@dataclass(frozen=True)
class SanctionRow:
    id: int
    agency_id: int
    authority: str
    published: bool
    escalated_from_id: int | None


def _date(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "t", "true")
    return bool(value)


@dataclass
class Snapshot:
    """Every row the scopes talk about, plus the indexes the rules need."""

    agencies: dict[int, AgencyRow]
    sites: dict[int, SiteRow]
    filings: dict[int, FilingRow]
    items: dict[int, ItemRow]
    sanctions: dict[int, SanctionRow]
    audit_event_count: int
    regions: dict[str, str] = field(default_factory=dict)  # code -> level

    items_of_filing: dict[int, list[ItemRow]] = field(init=False)
    filings_of_agency: dict[int, list[FilingRow]] = field(init=False)

    def __post_init__(self) -> None:
        self.items_of_filing = defaultdict(list)
        for item in sorted(self.items.values(), key=lambda i: i.id):
            self.items_of_filing[item.filing_id].append(item)
        self.filings_of_agency = defaultdict(list)
        for filing in self.filings.values():
            self.filings_of_agency[filing.agency_id].append(filing)

    def agency_by_credit_code(self, code: str) -> AgencyRow:
        matches = [a for a in self.agencies.values() if a.credit_code == code]
        assert len(matches) == 1, f"no single agency with credit code {code}"
        return matches[0]


async def load_snapshot(above: Mapping[str, int] | None = None) -> Snapshot:
    """Every row; with `above` (table -> key), only the rows with a larger key, for callers
    that keep the rest from an earlier snapshot."""
    conn = connections.get("default")

    async def rows(sql: str) -> list[dict[str, Any]]:
        if above is not None:
            table = sql.rsplit(" from ", 1)[1]
            sql += f" where id > {int(above[table])}"
        return list(await conn.execute_query_dict(sql))

    agencies = {
        r["id"]: AgencyRow(
            id=r["id"], name=r["name"], credit_code=r["credit_code"], level=r["level"],
            filing_region=r["filing_region_id"], state=r["state"],
            valid_until=_date(r["valid_until"]), contact_name=r["contact_name"],
            contact_phone=r["contact_phone"],
        )
        for r in await rows(
            "select id, name, credit_code, level, filing_region_id, state, valid_until,"
            " contact_name, contact_phone from agency"
        )
    }
    sites = {
        r["id"]: SiteRow(id=r["id"], agency_id=r["agency_id"], region=r["region_id"])
        for r in await rows("select id, agency_id, region_id from site")
    }
    filings = {
        r["id"]: FilingRow(id=r["id"], agency_id=r["agency_id"], kind=r["kind"],
                           status=r["status"], authority=r["authority_id"])
        for r in await rows("select id, agency_id, kind, status, authority_id from filing")
    }
    items = {
        r["id"]: ItemRow(id=r["id"], filing_id=r["filing_id"],
                         occupation_code=r["occupation_code"], level=r["level"],
                         site_id=r["site_id"])
        for r in await rows(
            "select id, filing_id, occupation_code, level, site_id from filing_item"
        )
    }
    sanctions = {
        r["id"]: SanctionRow(id=r["id"], agency_id=r["agency_id"], authority=r["authority_id"],
                             published=_bool(r["published"]),
                             escalated_from_id=r["escalated_from_id"])
        for r in await rows(
            "select id, agency_id, authority_id, published, escalated_from_id from sanction"
        )
    }
    audit = list(await conn.execute_query_dict("select count(*) as n from audit_event"))
    regions = {r["code"]: r["level"]
               for r in await conn.execute_query_dict("select code, level from region")}
    return Snapshot(agencies=agencies, sites=sites, filings=filings, items=items,
                    sanctions=sanctions, audit_event_count=int(audit[0]["n"]), regions=regions)


# --------------------------------------------------------------------------------------------
# Actors


@dataclass(frozen=True)
class Actor:
    role: str
    region: str | None = None  # CITY
    agency_id: int | None = None  # AGENCY


# --------------------------------------------------------------------------------------------
# The rules of DESIGN §6, one function per cell


class Oracle:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._public_sites = {
            item.site_id
            for item in snap.items.values()
            if snap.filings[item.filing_id].status == "APPROVED"
            and self.public_agency(snap.filings[item.filing_id].agency_id)
        }
        # Per agency: the sites it registered and the sites on its filings (any status), with
        # their regions, so that each rule below costs O(1) and the property test can ask
        # about every row of every example.
        self._registered: dict[int, set[int]] = defaultdict(set)
        self._registered_regions: dict[int, set[str]] = defaultdict(set)
        for s in snap.sites.values():
            self._registered[s.agency_id].add(s.id)
            self._registered_regions[s.agency_id].add(s.region)
        self._used: dict[int, set[int]] = defaultdict(set)
        self._used_regions: dict[int, set[str]] = defaultdict(set)
        for item in snap.items.values():
            agency_id = snap.filings[item.filing_id].agency_id
            self._used[agency_id].add(item.site_id)
            self._used_regions[agency_id].add(snap.sites[item.site_id].region)

    # building blocks ------------------------------------------------------------------------

    def public_agency(self, agency_id: int) -> bool:
        return self.snap.agencies[agency_id].state != "PENDING"

    def filed_with(self, agency_id: int, city: str) -> bool:
        return self.snap.agencies[agency_id].filing_region == city

    def operates_in(self, agency_id: int, city: str) -> bool:
        return (city in self._registered_regions.get(agency_id, ())
                or city in self._used_regions.get(agency_id, ()))

    def public_site(self, site_id: int) -> bool:
        """On an APPROVED filing of a public agency."""
        return site_id in self._public_sites

    def public_filing(self, filing_id: int) -> bool:
        f = self.snap.filings[filing_id]
        return f.status == "APPROVED" and self.public_agency(f.agency_id)

    def sites_of_agency(self, agency_id: int) -> set[int]:
        """Registered by the agency, or on any of its filings (any status)."""
        return self._registered.get(agency_id, set()) | self._used.get(agency_id, set())

    # cells ----------------------------------------------------------------------------------

    def agency_visible(self, actor: Actor, agency_id: int) -> bool:
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (self.filed_with(agency_id, actor.region)
                    or self.operates_in(agency_id, actor.region)
                    or self.public_agency(agency_id))
        if actor.role == AGENCY:
            return agency_id == actor.agency_id or self.public_agency(agency_id)
        return self.public_agency(agency_id)

    def contact_visible(self, actor: Actor, agency_id: int) -> bool:
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (self.filed_with(agency_id, actor.region)
                    or self.operates_in(agency_id, actor.region))
        if actor.role == AGENCY:
            return agency_id == actor.agency_id
        return False

    def site_visible(self, actor: Actor, site_id: int) -> bool:
        s = self.snap.sites[site_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (s.region == actor.region or self.filed_with(s.agency_id, actor.region)
                    or self.public_site(site_id))
        if actor.role == AGENCY:
            assert actor.agency_id is not None
            return (site_id in self._registered.get(actor.agency_id, ())
                    or site_id in self._used.get(actor.agency_id, ())
                    or self.public_site(site_id))
        return self.public_site(site_id)

    def filing_visible(self, actor: Actor, filing_id: int) -> bool:
        f = self.snap.filings[filing_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            c = actor.region
            assert c
            return (f.authority == c or self.filed_with(f.agency_id, c)
                    or any(self.snap.sites[i.site_id].region == c
                           for i in self.snap.items_of_filing.get(filing_id, []))
                    or self.public_filing(filing_id))
        if actor.role == AGENCY:
            return f.agency_id == actor.agency_id or self.public_filing(filing_id)
        return self.public_filing(filing_id)

    def sanction_visible(self, actor: Actor, sanction_id: int) -> bool:
        s = self.snap.sanctions[sanction_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (s.authority == actor.region or self.filed_with(s.agency_id, actor.region)
                    or s.published)
        if actor.role == AGENCY:
            return s.agency_id == actor.agency_id or s.published
        return s.published


@dataclass(frozen=True)
class Expected:
    """What one actor may see, as primary-key sets."""

    agencies: frozenset[int]
    contacts: frozenset[int]
    sites: frozenset[int]
    filings: frozenset[int]
    sanctions: frozenset[int]


def expected(snap: Snapshot, actor: Actor) -> Expected:
    o = Oracle(snap)
    return Expected(
        agencies=frozenset(a for a in snap.agencies if o.agency_visible(actor, a)),
        contacts=frozenset(a for a in snap.agencies if o.contact_visible(actor, a)),
        sites=frozenset(s for s in snap.sites if o.site_visible(actor, s)),
        filings=frozenset(f for f in snap.filings if o.filing_visible(actor, f)),
        sanctions=frozenset(s for s in snap.sanctions if o.sanction_visible(actor, s)),
    )
