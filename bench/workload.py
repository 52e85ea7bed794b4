"""The queries measured, and the request files wrk sends (one "<token>\\t<JSON body>" a line).

Q1  public   agency(id) with its venues' names and regions (1,000 different agencies)
Q2  city     agencies(first: 50): status, filing region, sites { totalCount }, validUntil
Q2  province the same page, to price the city's authorization
Q3  province agencies(first: 20) -> sites(first: 10), and -> filings(first: 10) -> items ->
             site: the schema has no edge from a venue to its items, so the items at the
             agency's venues are read through its filings
Q4  agency   submitFiling: a SCOPE_CHANGE restating the scope in force (Art. 13), each
             request by a different agency; removed afterwards (`Writes.undo`)

The schema has no "current filing" field: Q2 reads Agency.validUntil, the end of the filing
period in force.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg

from models.enums import Role
from models.periods import add_years
from schema.core.ids import to_global_id
from server.auth import mint_token
from server.settings import Settings

Q1 = """query Q1($id: ID!) { agency(id: $id) { name status
  sites { edges { node { name region { code name } } } } } }"""

Q2 = """query Q2($first: Int) { agencies(first: $first) { edges { node { id name status
  validUntil filingRegion { code name } sites { totalCount } } } } }"""

Q3 = """query Q3 { agencies(first: 20) { edges { node { name
  sites(first: 10) { edges { node { name region { name } } } }
  filings(first: 10) { edges { node { kind status
    items { occupationName level site { name } } } } } } } } }"""

Q4 = """mutation Q4($input: SubmitFilingInput!) { submitFiling(input: $input) { __typename
  ... on SubmitFilingSuccess { filing { id status } }
  ... on RuleViolation { code article message }
  ... on InvalidInput { field message }
  ... on NotFound { message } } }"""

PUBLIC_AGENCIES = """
SELECT id FROM agency WHERE state = 'ACTIVE' AND valid_until >= $1
ORDER BY md5(id::text) LIMIT 1000
"""

# Agencies that may change their scope today (in force, first approved over a year ago, no
# scope change open), with the items of the scope in force.
SCOPES = """
WITH latest AS (
    SELECT DISTINCT ON (agency_id) agency_id, id FROM filing
    WHERE status = 'APPROVED' AND kind IN ('INITIAL', 'SCOPE_CHANGE')
    ORDER BY agency_id, decided_at DESC, id DESC)
SELECT a.id, a.credit_code, i.site_id, i.occupation_code, i.occupation_name, i.level
FROM agency a JOIN latest l ON l.agency_id = a.id JOIN filing_item i ON i.filing_id = l.id
WHERE a.state = 'ACTIVE' AND a.valid_until >= $1 AND a.first_approved_on <= $2
  AND NOT EXISTS (SELECT 1 FROM filing o WHERE o.agency_id = a.id
                  AND o.kind = 'SCOPE_CHANGE' AND o.status = 'SUBMITTED')
ORDER BY a.id, i.id
"""


def line(token: str | None, query: str, variables: dict[str, Any] | None = None) -> str:
    return (
        (token or "")
        + "\t"
        + json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=False)
    )


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass(frozen=True)
class Case:
    key: str
    label: str  # the query, for the table
    actor: str
    requests: Path
    warmup: Path  # what the warm-up sends (the writes use other agencies)
    expect: str  # text every correct answer contains

    def first(self) -> tuple[str | None, dict[str, Any]]:
        token, body = self.requests.read_text().split("\n", 1)[0].split("\t", 1)
        return token or None, json.loads(body)


class Workload:
    """Request files for one dataset."""

    def __init__(self, dsn: str, settings: Settings, today: date, folder: Path) -> None:
        self.dsn, self.settings, self.today, self.folder = dsn, settings, today, folder
        self.city = mint_token(settings, Role.CITY, region="350200", subject="bench:city")
        self.province = mint_token(settings, Role.PROVINCE, subject="bench:province")

    def _case(
        self,
        key: str,
        label: str,
        actor: str,
        lines: list[str],
        expect: str = '"data"',
        warmup: list[str] | None = None,
    ) -> Case:
        requests = write(self.folder / f"{key}.txt", lines)
        return Case(
            key,
            label,
            actor,
            requests,
            write(self.folder / f"{key}-warmup.txt", warmup) if warmup else requests,
            expect,
        )

    def floor(self) -> Case:
        return self._case(
            "floor",
            "floor: Q2 in SQL (bench/floor.py)",
            "city 350200",
            [line(self.city, Q2, {"first": 50})],
        )

    def q2_city(self) -> Case:
        return self._case(
            "q2_city", "Q2 agencies(first: 50)", "city 350200", [line(self.city, Q2, {"first": 50})]
        )

    def q2_province(self) -> Case:
        return self._case(
            "q2_province",
            "Q2 agencies(first: 50)",
            "province",
            [line(self.province, Q2, {"first": 50})],
        )

    def q3_province(self) -> Case:
        return self._case(
            "q3_province",
            "Q3 agencies(20) → sites(10), filings(10) → items",
            "province",
            [line(self.province, Q3)],
        )

    def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async def fetch() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(self.dsn)
            try:
                return list(await conn.fetch(query, *args))
            finally:
                await conn.close()

        return asyncio.run(fetch())

    def q1_public(self) -> Case:
        ids = [r["id"] for r in self._fetch(PUBLIC_AGENCIES, self.today)]
        return self._case(
            "q1_public",
            "Q1 agency(id) → sites",
            "public",
            [line(None, Q1, {"id": to_global_id("Agency", i)}) for i in ids],
        )

    def q4_agency(self) -> Case:
        """One SCOPE_CHANGE per agency; the first quarter of the agencies warm up."""
        scopes: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for r in self._fetch(SCOPES, self.today, add_years(self.today, -1)):
            scopes.setdefault((r["id"], r["credit_code"]), []).append(
                {
                    "occupationCode": r["occupation_code"],
                    "occupationName": r["occupation_name"],
                    "level": r["level"],
                    "siteId": to_global_id("Site", r["site_id"]),
                }
            )
        lines = [
            line(
                mint_token(
                    self.settings,
                    Role.AGENCY,
                    agency_credit_code=code,
                    subject=f"bench:agency:{code}",
                ),
                Q4,
                {
                    "input": {
                        "agencyId": to_global_id("Agency", agency),
                        "kind": "SCOPE_CHANGE",
                        "items": items,
                    }
                },
            )
            for (agency, code), items in scopes.items()
        ]
        quarter = len(lines) // 4
        return self._case(
            "q4_agency",
            "Q4 submitFiling (SCOPE_CHANGE, its scope restated)",
            "agency (each its own)",
            lines[quarter:],
            expect="SubmitFilingSuccess",
            warmup=lines[:quarter],
        )


class Writes:
    """What Q4 adds (filings, their items, their audit events), removed afterwards."""

    TABLES = ("filing", "filing_item", "audit_event")

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.marks: dict[str, int] = {}

    async def mark(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            for table in self.TABLES:
                self.marks[table] = await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
        finally:
            await conn.close()

    async def undo(self) -> int:
        """Delete what was written since `mark`, once the requests still in flight when the
        load stopped have committed; returns the number of filings."""
        conn = await asyncpg.connect(self.dsn)
        try:
            last, settled = None, 0
            while settled < 3:  # the newest audit event unchanged for 1.5 s
                await asyncio.sleep(0.5)
                newest = await conn.fetchval("SELECT max(id) FROM audit_event")
                settled, last = (settled + 1, last) if newest == last else (0, newest)
            async with conn.transaction():
                filings = await conn.fetchval(
                    "SELECT count(*) FROM filing WHERE id > $1", self.marks["filing"]
                )
                await conn.execute(
                    "DELETE FROM audit_event WHERE id > $1", self.marks["audit_event"]
                )
                await conn.execute(
                    "DELETE FROM filing_item WHERE filing_id > $1", self.marks["filing"]
                )
                await conn.execute("DELETE FROM filing WHERE id > $1", self.marks["filing"])
            return int(filings)
        finally:
            await conn.close()
