"""The registry's invariants, checked with raw SQL after a concurrent or faulty load.

Each check returns the violations it found (empty when the invariant holds), so a failing test
lists all of them at once. Most checks are limited to the agencies a test made (`agencies`):
the demo data and earlier tests share the database.

- Art. 12: no (site, occupation) pair in force for two agencies; nothing in force for an agency
  that is terminated or revoked.
- One open (SUBMITTED) filing per kind per agency; none for a closed agency.
- The sanction ladder (Art. 21-23): no sanction escalated from twice; in one filing period at
  most one effective interview, one rectification and one revocation (every repeat escalates);
  an escalation points at a lower grade of the same agency.
- The agency's state agrees with its sanctions (SUSPENDED: a rectification open; REVOKED: a
  revocation in force, with its ban).
- The audit trail and the rows agree both ways: every sanction, filing, inspection and
  announcement has the event that made it, and every decision its event; every event's object
  exists and the last event about it shows what the row holds. The agency's events form one
  unbroken chain (each `before` is the previous `after`) ending in the row as it is: a lost
  update shows as two events starting from the same `before`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg


def plain_dsn(url: str) -> str:
    """An asyncpg DSN for a tortoise DATABASE_URL (tortoise's own parameters dropped)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest.split("?", 1)[0]


def _norm(value: Any) -> Any:
    """Values from audit JSON and from rows compared alike: datetimes as instants."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> list[str]:
    """Fields on which two pictures of one row differ."""
    a, b = a or {}, b or {}
    return sorted(k for k in set(a) | set(b) if _norm(a.get(k)) != _norm(b.get(k)))


async def art12(conn: asyncpg.Connection, agencies: list[int]) -> list[str]:
    problems = [f"pair (site {r['site_id']}, {r['occupation_code']}) in force for agencies "
                f"{sorted(r['holders'])}" for r in await conn.fetch(
                    "SELECT site_id, occupation_code, array_agg(agency_id) AS holders "
                    "FROM item_claim WHERE released_at IS NULL "
                    "GROUP BY site_id, occupation_code HAVING count(*) > 1")]
    problems += [f"agency {r['agency_id']} is {r['state']} but holds claim {r['id']}"
                 for r in await conn.fetch(
                     "SELECT c.id, c.agency_id, a.state FROM item_claim c "
                     "JOIN agency a ON a.id = c.agency_id WHERE c.released_at IS NULL "
                     "AND a.state IN ('TERMINATED', 'REVOKED') AND a.id = ANY($1)", agencies)]
    return problems


async def open_filings(conn: asyncpg.Connection, agencies: list[int]) -> list[str]:
    problems = [f"agency {r['agency_id']} has {r['n']} open {r['kind']} filings"
                for r in await conn.fetch(
                    "SELECT agency_id, kind, count(*) AS n FROM filing "
                    "WHERE status = 'SUBMITTED' AND agency_id = ANY($1) "
                    "GROUP BY agency_id, kind HAVING count(*) > 1", agencies)]
    problems += [f"{r['state']} agency {r['agency_id']} has open filing {r['id']}"
                 for r in await conn.fetch(
                     "SELECT f.id, f.agency_id, a.state FROM filing f "
                     "JOIN agency a ON a.id = f.agency_id WHERE f.status = 'SUBMITTED' "
                     "AND a.state IN ('TERMINATED', 'REVOKED') AND a.id = ANY($1)", agencies)]
    return problems


async def ladder(conn: asyncpg.Connection, agencies: list[int]) -> list[str]:
    """For agencies in their first filing period (what the tests make)."""
    problems = [f"sanction {r['escalated_from_id']} escalated {r['n']} times"
                for r in await conn.fetch(
                    "SELECT escalated_from_id, count(*) AS n FROM sanction "
                    "WHERE escalated_from_id IS NOT NULL GROUP BY escalated_from_id "
                    "HAVING count(*) > 1")]
    problems += [f"agency {r['agency_id']} has {r['n']} effective {r['grade']} sanctions"
                 for r in await conn.fetch(
                     "SELECT agency_id, grade, count(*) AS n FROM sanction "
                     "WHERE status = 'EFFECTIVE' AND agency_id = ANY($1) "
                     "GROUP BY agency_id, grade HAVING count(*) > 1", agencies)]
    problems += [f"sanction {r['id']} ({r['grade']}) escalated from {r['src_grade']} "
                 f"sanction {r['src_id']} of agency {r['src_agency']}"
                 for r in await conn.fetch(
                     "SELECT s.id, s.grade, e.id AS src_id, e.grade AS src_grade, "
                     "e.agency_id AS src_agency FROM sanction s "
                     "JOIN sanction e ON e.id = s.escalated_from_id "
                     "WHERE s.agency_id = ANY($1) AND (e.agency_id <> s.agency_id OR NOT "
                     "((s.grade = 'RECTIFICATION' AND e.grade = 'INTERVIEW') OR "
                     "(s.grade = 'REVOCATION' AND e.grade = 'RECTIFICATION')))", agencies)]
    return problems


async def state_matches_sanctions(conn: asyncpg.Connection, agencies: list[int]) -> list[str]:
    rows = await conn.fetch(
        "SELECT a.id, a.state, a.banned_until, "
        "EXISTS (SELECT 1 FROM sanction s WHERE s.agency_id = a.id AND s.status = 'EFFECTIVE' "
        "        AND s.grade = 'RECTIFICATION' AND s.rectified_at IS NULL) AS open_notice, "
        "EXISTS (SELECT 1 FROM sanction s WHERE s.agency_id = a.id AND s.status = 'EFFECTIVE' "
        "        AND s.grade = 'REVOCATION') AS revoked "
        "FROM agency a WHERE a.id = ANY($1)", agencies)
    problems = []
    for r in rows:
        if r["revoked"] != (r["state"] == "REVOKED"):
            problems.append(f"agency {r['id']} is {r['state']}; revocation in force: "
                            f"{r['revoked']}")
        if r["state"] == "REVOKED" and r["banned_until"] is None:
            problems.append(f"agency {r['id']} is REVOKED without a ban")
        if r["state"] == "SUSPENDED" and not r["open_notice"]:
            problems.append(f"agency {r['id']} is SUSPENDED with no open rectification")
        if r["state"] == "ACTIVE" and r["open_notice"]:
            problems.append(f"agency {r['id']} is ACTIVE with a rectification open")
    return problems


# For each kind of row: the events that create it, and the columns its audit picture must match.
_MADE_BY = {
    "sanction": ("Sanction", ("issueSanction", "proposeSanction"), ("status", "rectified_at")),
    "filing": ("Filing", ("submitFiling", "importFiling"), ("status",)),
    "inspection": ("Inspection", ("recordInspection",), ("result",)),
    "announcement": ("Announcement", ("announce",), ("kind",)),
    "site": ("Site", ("addSite",), ("acknowledged_at",)),
}


async def audit_trail(conn: asyncpg.Connection, agencies: list[int]) -> list[str]:
    problems: list[str] = []
    for table, (object_type, creators, columns) in _MADE_BY.items():
        rows = await conn.fetch(
            f"SELECT t.*, "
            f"(SELECT count(*) FROM audit_event e WHERE e.object_type = $2 "
            f" AND e.object_id = t.id::text AND e.action = ANY($3)) AS made, "
            f"(SELECT e.after FROM audit_event e WHERE e.object_type = $2 "
            f" AND e.object_id = t.id::text ORDER BY e.id DESC LIMIT 1) AS last "
            f"FROM {table} t WHERE t.agency_id = ANY($1)", agencies, object_type,
            list(creators))
        for r in rows:
            if r["made"] != 1:
                problems.append(f"{table} {r['id']} has {r['made']} creating events")
                continue
            last = _json(r["last"])
            problems.extend(f"{table} {r['id']}: {c} is {r[c]!r}, its last audit event says "
                            f"{last.get(c)!r}" for c in columns
                            if _norm(last.get(c)) != _norm(r[c]))
        orphans = await conn.fetch(
            f"SELECT e.id, e.action, e.object_id FROM audit_event e "
            f"WHERE e.object_type = $1 AND e.agency_id = ANY($2) AND NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.id::text = e.object_id)", object_type, agencies)
        problems += [f"event {o['id']} ({o['action']}) names {table} {o['object_id']}, "
                     "which does not exist" for o in orphans]
    decided = await conn.fetch(
        "SELECT f.id, f.status FROM filing f WHERE f.agency_id = ANY($1) "
        "AND f.status <> 'SUBMITTED' AND NOT f.imported AND NOT EXISTS "
        "(SELECT 1 FROM audit_event e WHERE e.object_type = 'Filing' "
        " AND e.object_id = f.id::text "
        " AND e.action IN ('decideFiling', 'withdrawFiling'))", agencies)
    problems += [f"filing {r['id']} is {r['status']} without its decision event"
                 for r in decided]
    for agency in agencies:
        problems += await agency_chain(conn, agency)
    return problems


async def agency_chain(conn: asyncpg.Connection, agency: int) -> list[str]:
    row = await conn.fetchrow("SELECT * FROM agency WHERE id = $1", agency)
    events = await conn.fetch(
        "SELECT id, action, before, after FROM audit_event WHERE object_type = 'Agency' "
        "AND object_id = $1 ORDER BY id", str(agency))
    if row is None:
        return [f"agency {agency} does not exist"] if events else []
    problems = []
    previous: dict[str, Any] | None = None
    for e in events:
        before, after = _json(e["before"]), _json(e["after"])
        if previous is not None and (diff := _same(previous, before)):
            problems.append(f"agency {agency}: event {e['id']} ({e['action']}) starts from a "
                            f"picture that differs from the previous event's result in {diff}")
        previous = after
    if previous is None:
        return [f"agency {agency} has no audit event"]
    if diff := _same(previous, dict(row)):
        problems.append(f"agency {agency}: the row differs from its last audit event in {diff}")
    return problems


def _json(value: Any) -> dict[str, Any]:
    import json

    if value is None:
        return {}
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded)


async def all_invariants(dsn: str, agencies: list[int]) -> list[str]:
    conn = await asyncpg.connect(plain_dsn(dsn))
    try:
        problems: list[str] = []
        for check in (art12, open_filings, ladder, state_matches_sanctions, audit_trail):
            problems += await check(conn, agencies)
        return problems
    finally:
        await conn.close()
