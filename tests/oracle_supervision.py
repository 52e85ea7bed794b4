"""DESIGN §6 read scope of the supervision resources, restated for the matrix test.

Like tests/oracle.py (whose agency / site / contact rules it reuses), the rows come straight from
the database with raw SQL and the rules are plain Python; nothing here imports `policies`,
`models` or `schema`.

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
from dataclasses import dataclass
from typing import Any

from tortoise import connections

from server.demo.seeding import REQUEST_ID as DEMO_REQUEST_ID
from tests.oracle import AGENCY, CITY, PROVINCE, PUBLIC, Actor, Oracle, Snapshot, _bool, _date

# --------------------------------------------------------------------------------------------
# Rows


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


@dataclass
class SupervisionSnapshot:
    base: Snapshot  # agencies, sites, filings, items, sanctions (tests/oracle.py)
    announcements: dict[int, AnnouncementRow]
    inspections: dict[int, InspectionRow]
    inspectors: dict[int, InspectorRow]
    draws: dict[int, DrawRow]
    audit_events: dict[int, AuditRow]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def load_supervision(base: Snapshot) -> SupervisionSnapshot:
    conn = connections.get("default")

    async def rows(sql: str) -> list[dict[str, Any]]:
        return list(await conn.execute_query_dict(sql))

    announcements = {
        r["id"]: AnnouncementRow(
            id=r["id"], kind=r["kind"], agency_id=r["agency_id"], filing_id=r["filing_id"],
            authority=r["authority_id"], published=_bool(r["published"]),
            start_date=_date(r["start_date"]), end_date=_date(r["end_date"]))
        for r in await rows(
            "select id, kind, agency_id, filing_id, authority_id, published, start_date,"
            " end_date from announcement")
    }
    inspections = {
        r["id"]: InspectionRow(
            id=r["id"], agency_id=r["agency_id"], site_id=r["site_id"], kind=r["kind"],
            mode=r["mode"], date=_date(r["date"]), result=r["result"],
            published=_bool(r["published"]), authority=r["authority_id"])
        for r in await rows(
            "select id, agency_id, site_id, kind, mode, date, result, published, authority_id"
            " from inspection")
    }
    inspectors = {
        r["id"]: InspectorRow(id=r["id"], name=r["name"], region=r["region_id"])
        for r in await rows("select id, name, region_id from inspector")
    }
    audit_rows = await rows(
        "select id, action, agency_id, region_id, object_type, object_id, request_id"
        " from audit_event")
    audit = {
        int(r["id"]): AuditRow(id=int(r["id"]), action=r["action"], agency_id=r["agency_id"],
                               region=r["region_id"])
        for r in audit_rows
    }
    seeded_draws = {str(r["object_id"]) for r in audit_rows
                    if r["object_type"] == "Draw" and r["request_id"] == DEMO_REQUEST_ID}
    draws = {
        r["id"]: DrawRow(
            id=r["id"], published=_bool(r["published"]), authority=r["authority_id"],
            assignments=tuple((int(a["agency"]), tuple(int(i) for i in a["inspectors"]))
                              for a in _json(r["assignments"])),
            seeded=str(r["id"]) in seeded_draws)
        for r in await rows("select id, published, authority_id, assignments from draw")
    }
    return SupervisionSnapshot(base=base, announcements=announcements, inspections=inspections,
                               inspectors=inspectors, draws=draws, audit_events=audit)


# --------------------------------------------------------------------------------------------
# The rules, one function per cell


class SupervisionOracle:
    def __init__(self, snap: SupervisionSnapshot) -> None:
        self.snap = snap
        self.base = Oracle(snap.base)

    # reused cells of tests/oracle.py ------------------------------------------------------

    def agency_visible(self, actor: Actor, agency_id: int) -> bool:
        return self.base.agency_visible(actor, agency_id)

    def site_visible(self, actor: Actor, site_id: int) -> bool:
        return self.base.site_visible(actor, site_id)

    def supervision_fields_visible(self, actor: Actor, agency_id: int) -> bool:
        """supervisionMode / incentives: the same rule as the contact fields."""
        return self.base.contact_visible(actor, agency_id)

    # new cells ----------------------------------------------------------------------------

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
            at_site_in_c = (i.site_id is not None
                            and self.snap.base.sites[i.site_id].region == c)
            return (i.authority == c or at_site_in_c or self.base.filed_with(i.agency_id, c)
                    or i.published)
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
            return e.agency_id is not None and self.base.filed_with(e.agency_id, c)
        return False  # PUBLIC, AGENCY


@dataclass(frozen=True)
class SupervisionExpected:
    """What one actor may see, as primary-key sets."""

    agencies: frozenset[int]
    sites: frozenset[int]
    supervision_fields: frozenset[int]  # agencies whose supervisionMode / incentives show
    announcements: frozenset[int]
    inspections: frozenset[int]
    inspectors: frozenset[int]
    draws: frozenset[int]
    audit_events: frozenset[int]


def expected_supervision(snap: SupervisionSnapshot, actor: Actor) -> SupervisionExpected:
    o = SupervisionOracle(snap)
    base = snap.base
    return SupervisionExpected(
        agencies=frozenset(a for a in base.agencies if o.agency_visible(actor, a)),
        sites=frozenset(s for s in base.sites if o.site_visible(actor, s)),
        supervision_fields=frozenset(
            a for a in base.agencies if o.supervision_fields_visible(actor, a)),
        announcements=frozenset(a for a in snap.announcements
                                if o.announcement_visible(actor, a)),
        inspections=frozenset(i for i in snap.inspections if o.inspection_visible(actor, i)),
        inspectors=frozenset(i for i in snap.inspectors if o.inspector_visible(actor, i)),
        draws=frozenset(d for d in snap.draws if o.draw_visible(actor, d)),
        audit_events=frozenset(e for e in snap.audit_events if o.audit_visible(actor, e)),
    )


__all__ = [
    "AGENCY", "CITY", "PROVINCE", "PUBLIC", "Actor", "AnnouncementRow", "AuditRow", "DrawRow",
    "InspectionRow", "InspectorRow", "SupervisionExpected", "SupervisionOracle",
    "SupervisionSnapshot", "expected_supervision", "load_supervision",
]
