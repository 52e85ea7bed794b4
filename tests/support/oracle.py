"""An independent statement of DESIGN §6 read scope, for the scope matrix, the differential,
fuzz and hostile-input tests.

The rows come straight from the database with raw SQL and the rules are written out again in
plain Python from the table in DESIGN §6. Nothing here imports `policies`, `models` or `schema`:
if the product's scopes and this file disagree, one of them misreads the design, and the tests
say which rows differ.

  "public agency"   its (derived) status is not PENDING; EXPIRED agencies are public
  "filed with c"    the agency's filing region is c
  "operates in c"   it registered a site located in c, or one of its filings (any status) has an
                    item at a site located in c

  agency, contact fields, site, filing, sanction: the rows of the table in DESIGN §6
  announcement  PUBLIC, AGENCY: published; CITY c: published or authority c; PROVINCE: all
  inspection    PUBLIC: published; AGENCY a: a's or published; CITY c: authority c, at a site
                located in c, agency filed with c, or published; PROVINCE: all
  inspector     PUBLIC, AGENCY: none; CITY c: region c; PROVINCE: all
  draw          PUBLIC, AGENCY: published; CITY c: published or authority c; PROVINCE: all
  supervisionMode / incentives of an agency: the contact-field rule (a itself; CITY c: filed
                with c or operates in c; PROVINCE)
  audit event   PUBLIC, AGENCY: none; CITY c: placed in c (region c), or about an agency filed
                with c; PROVINCE: all. (Not "operating in c": a provincial agency's events
                elsewhere, e.g. about its site in another city or an unpublished sanction by
                the province, are not records in c's jurisdiction.)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from tortoise import connections

from server.demo.seeding import REQUEST_ID as DEMO_REQUEST_ID

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
    kind: str
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
    acknowledged: bool


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
    grade: str
    published: bool
    escalated_from_id: int | None


@dataclass(frozen=True)
class AnnouncementRow:
    id: int
    kind: str
    agency_id: int
    filing_id: int | None
    authority: str
    published: bool
    start_date: str | None
    end_date: str | None


@dataclass(frozen=True)
class InspectionRow:
    id: int
    agency_id: int
    site_id: int | None
    kind: str
    mode: str
    date: str | None
    result: str
    published: bool
    authority: str


@dataclass(frozen=True)
class InspectorRow:
    id: int
    name: str
    region: str


@dataclass(frozen=True)
class DrawRow:
    id: int
    published: bool
    authority: str
    assignments: tuple[tuple[int, tuple[int, ...]], ...]  # (agency, inspectors) in stored order
    seeded: bool  # made by `registry seed --demo` (the request id its audit event names)


@dataclass(frozen=True)
class AuditRow:
    id: int
    action: str
    agency_id: int | None
    region: str | None


def _date(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "t", "true")
    return bool(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


@dataclass
class Snapshot:
    """Every row the scopes talk about, plus the indexes the rules need."""

    agencies: dict[int, AgencyRow]
    sites: dict[int, SiteRow]
    filings: dict[int, FilingRow]
    items: dict[int, ItemRow]
    sanctions: dict[int, SanctionRow]
    announcements: dict[int, AnnouncementRow]
    inspections: dict[int, InspectionRow]
    inspectors: dict[int, InspectorRow]
    draws: dict[int, DrawRow]
    audit_events: dict[int, AuditRow]
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

    @property
    def audit_event_count(self) -> int:
        return len(self.audit_events)

    def agency_by_credit_code(self, code: str) -> AgencyRow:
        matches = [a for a in self.agencies.values() if a.credit_code == code]
        assert len(matches) == 1, f"no single agency with credit code {code}"
        return matches[0]

    def merged(self, newer: Snapshot) -> Snapshot:
        """These rows, updated and extended by `newer` (a load of the rows above a key)."""
        tables = {
            f.name: {**getattr(self, f.name), **getattr(newer, f.name)}
            for f in fields(self)
            if f.init and f.name != "regions"
        }
        return Snapshot(**tables, regions=newer.regions)


async def load_snapshot(above: Mapping[str, int] | None = None) -> Snapshot:
    """Every row; with `above` (table -> key), only the rows with a larger key, for callers
    that keep the rest from an earlier snapshot (`Snapshot.merged`)."""
    conn = connections.get("default")

    async def rows(sql: str) -> list[dict[str, Any]]:
        if above is not None:
            table = sql.rsplit(" from ", 1)[1]
            sql += f" where id > {int(above[table])}"
        return list(await conn.execute_query_dict(sql))

    agencies = {
        r["id"]: AgencyRow(
            id=r["id"],
            name=r["name"],
            credit_code=r["credit_code"],
            kind=r["kind"],
            level=r["level"],
            filing_region=r["filing_region_id"],
            state=r["state"],
            valid_until=_date(r["valid_until"]),
            contact_name=r["contact_name"],
            contact_phone=r["contact_phone"],
        )
        for r in await rows(
            "select id, name, credit_code, kind, level, filing_region_id, state, valid_until,"
            " contact_name, contact_phone from agency"
        )
    }
    sites = {
        r["id"]: SiteRow(
            id=r["id"],
            agency_id=r["agency_id"],
            region=r["region_id"],
            acknowledged=r["acknowledged_at"] is not None,
        )
        for r in await rows("select id, agency_id, region_id, acknowledged_at from site")
    }
    filings = {
        r["id"]: FilingRow(
            id=r["id"],
            agency_id=r["agency_id"],
            kind=r["kind"],
            status=r["status"],
            authority=r["authority_id"],
        )
        for r in await rows("select id, agency_id, kind, status, authority_id from filing")
    }
    items = {
        r["id"]: ItemRow(
            id=r["id"],
            filing_id=r["filing_id"],
            occupation_code=r["occupation_code"],
            level=r["level"],
            site_id=r["site_id"],
        )
        for r in await rows(
            "select id, filing_id, occupation_code, level, site_id from filing_item"
        )
    }
    sanctions = {
        r["id"]: SanctionRow(
            id=r["id"],
            agency_id=r["agency_id"],
            authority=r["authority_id"],
            grade=r["grade"],
            published=_bool(r["published"]),
            escalated_from_id=r["escalated_from_id"],
        )
        for r in await rows(
            "select id, agency_id, authority_id, grade, published, escalated_from_id from sanction"
        )
    }
    announcements = {
        r["id"]: AnnouncementRow(
            id=r["id"],
            kind=r["kind"],
            agency_id=r["agency_id"],
            filing_id=r["filing_id"],
            authority=r["authority_id"],
            published=_bool(r["published"]),
            start_date=_date(r["start_date"]),
            end_date=_date(r["end_date"]),
        )
        for r in await rows(
            "select id, kind, agency_id, filing_id, authority_id, published, start_date,"
            " end_date from announcement"
        )
    }
    inspections = {
        r["id"]: InspectionRow(
            id=r["id"],
            agency_id=r["agency_id"],
            site_id=r["site_id"],
            kind=r["kind"],
            mode=r["mode"],
            date=_date(r["date"]),
            result=r["result"],
            published=_bool(r["published"]),
            authority=r["authority_id"],
        )
        for r in await rows(
            "select id, agency_id, site_id, kind, mode, date, result, published, authority_id"
            " from inspection"
        )
    }
    inspectors = {
        r["id"]: InspectorRow(id=r["id"], name=r["name"], region=r["region_id"])
        for r in await rows("select id, name, region_id from inspector")
    }
    audit_events = {
        int(r["id"]): AuditRow(
            id=int(r["id"]), action=r["action"], agency_id=r["agency_id"], region=r["region_id"]
        )
        for r in await rows("select id, action, agency_id, region_id from audit_event")
    }
    seeded_draws = {
        str(r["object_id"])
        for r in await conn.execute_query_dict(
            "select object_id, request_id from audit_event where object_type = 'Draw'"
        )
        if r["request_id"] == DEMO_REQUEST_ID
    }
    draws = {
        r["id"]: DrawRow(
            id=r["id"],
            published=_bool(r["published"]),
            authority=r["authority_id"],
            assignments=tuple(
                (int(a["agency"]), tuple(int(i) for i in a["inspectors"]))
                for a in _json(r["assignments"])
            ),
            seeded=str(r["id"]) in seeded_draws,
        )
        for r in await rows("select id, published, authority_id, assignments from draw")
    }
    regions = {
        r["code"]: r["level"]
        for r in await conn.execute_query_dict("select code, level from region")
    }
    return Snapshot(
        agencies=agencies,
        sites=sites,
        filings=filings,
        items=items,
        sanctions=sanctions,
        announcements=announcements,
        inspections=inspections,
        inspectors=inspectors,
        draws=draws,
        audit_events=audit_events,
        regions=regions,
    )


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
        return city in self._registered_regions.get(
            agency_id, ()
        ) or city in self._used_regions.get(agency_id, ())

    def public_site(self, site_id: int) -> bool:
        """On an APPROVED filing of a public agency."""
        return site_id in self._public_sites

    def public_filing(self, filing_id: int) -> bool:
        f = self.snap.filings[filing_id]
        return f.status == "APPROVED" and self.public_agency(f.agency_id)

    def sites_of_agency(self, agency_id: int) -> set[int]:
        """Registered by the agency, or on any of its filings (any status)."""
        return self._registered.get(agency_id, set()) | self._used.get(agency_id, set())

    # the filing lifecycle -------------------------------------------------------------------

    def agency_visible(self, actor: Actor, agency_id: int) -> bool:
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (
                self.filed_with(agency_id, actor.region)
                or self.operates_in(agency_id, actor.region)
                or self.public_agency(agency_id)
            )
        if actor.role == AGENCY:
            return agency_id == actor.agency_id or self.public_agency(agency_id)
        return self.public_agency(agency_id)

    def contact_visible(self, actor: Actor, agency_id: int) -> bool:
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return self.filed_with(agency_id, actor.region) or self.operates_in(
                agency_id, actor.region
            )
        if actor.role == AGENCY:
            return agency_id == actor.agency_id
        return False

    def supervision_fields_visible(self, actor: Actor, agency_id: int) -> bool:
        """supervisionMode / incentives: the same rule as the contact fields."""
        return self.contact_visible(actor, agency_id)

    def site_visible(self, actor: Actor, site_id: int) -> bool:
        s = self.snap.sites[site_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (
                s.region == actor.region
                or self.filed_with(s.agency_id, actor.region)
                or self.public_site(site_id)
            )
        if actor.role == AGENCY:
            assert actor.agency_id is not None
            return (
                site_id in self._registered.get(actor.agency_id, ())
                or site_id in self._used.get(actor.agency_id, ())
                or self.public_site(site_id)
            )
        return self.public_site(site_id)

    def filing_visible(self, actor: Actor, filing_id: int) -> bool:
        f = self.snap.filings[filing_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            c = actor.region
            assert c
            return (
                f.authority == c
                or self.filed_with(f.agency_id, c)
                or any(
                    self.snap.sites[i.site_id].region == c
                    for i in self.snap.items_of_filing.get(filing_id, [])
                )
                or self.public_filing(filing_id)
            )
        if actor.role == AGENCY:
            return f.agency_id == actor.agency_id or self.public_filing(filing_id)
        return self.public_filing(filing_id)

    def sanction_visible(self, actor: Actor, sanction_id: int) -> bool:
        s = self.snap.sanctions[sanction_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return (
                s.authority == actor.region
                or self.filed_with(s.agency_id, actor.region)
                or s.published
            )
        if actor.role == AGENCY:
            return s.agency_id == actor.agency_id or s.published
        return s.published

    # supervision ----------------------------------------------------------------------------

    def announcement_visible(self, actor: Actor, announcement_id: int) -> bool:
        a = self.snap.announcements[announcement_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            assert actor.region
            return a.published or a.authority == actor.region
        return a.published  # PUBLIC, AGENCY

    def inspection_visible(self, actor: Actor, inspection_id: int) -> bool:
        i = self.snap.inspections[inspection_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            c = actor.region
            assert c
            at_site_in_c = i.site_id is not None and self.snap.sites[i.site_id].region == c
            return (
                i.authority == c or at_site_in_c or self.filed_with(i.agency_id, c) or i.published
            )
        if actor.role == AGENCY:
            return i.agency_id == actor.agency_id or i.published
        return i.published

    def inspector_visible(self, actor: Actor, inspector_id: int) -> bool:
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            return self.snap.inspectors[inspector_id].region == actor.region
        return False  # PUBLIC, AGENCY

    def draw_visible(self, actor: Actor, draw_id: int) -> bool:
        d = self.snap.draws[draw_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            return d.published or d.authority == actor.region
        return d.published  # PUBLIC, AGENCY

    def audit_visible(self, actor: Actor, event_id: int) -> bool:
        e = self.snap.audit_events[event_id]
        if actor.role == PROVINCE:
            return True
        if actor.role == CITY:
            c = actor.region
            assert c
            if e.region == c:
                return True
            return e.agency_id is not None and self.filed_with(e.agency_id, c)
        return False  # PUBLIC, AGENCY


@dataclass(frozen=True)
class Expected:
    """What one actor may see, as primary-key sets."""

    agencies: frozenset[int]
    contacts: frozenset[int]
    supervision_fields: frozenset[int]  # agencies whose supervisionMode / incentives show
    sites: frozenset[int]
    filings: frozenset[int]
    sanctions: frozenset[int]
    announcements: frozenset[int]
    inspections: frozenset[int]
    inspectors: frozenset[int]
    draws: frozenset[int]
    audit_events: frozenset[int]


def expected(snap: Snapshot, actor: Actor) -> Expected:
    o = Oracle(snap)
    return Expected(
        agencies=frozenset(a for a in snap.agencies if o.agency_visible(actor, a)),
        contacts=frozenset(a for a in snap.agencies if o.contact_visible(actor, a)),
        supervision_fields=frozenset(
            a for a in snap.agencies if o.supervision_fields_visible(actor, a)
        ),
        sites=frozenset(s for s in snap.sites if o.site_visible(actor, s)),
        filings=frozenset(f for f in snap.filings if o.filing_visible(actor, f)),
        sanctions=frozenset(s for s in snap.sanctions if o.sanction_visible(actor, s)),
        announcements=frozenset(a for a in snap.announcements if o.announcement_visible(actor, a)),
        inspections=frozenset(i for i in snap.inspections if o.inspection_visible(actor, i)),
        inspectors=frozenset(i for i in snap.inspectors if o.inspector_visible(actor, i)),
        draws=frozenset(d for d in snap.draws if o.draw_visible(actor, d)),
        audit_events=frozenset(e for e in snap.audit_events if o.audit_visible(actor, e)),
    )
