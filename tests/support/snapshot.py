"""Nothing changed: the picture of the database a refused write must leave exactly as it was.

    async with unchanged(agency, other):
        result = await submit(api, agency, "INITIAL", items)
    assert result["code"] == "TEMPORARY_SITE"

or, where the comparison is conditional or partial, `before = await snapshot(agency)` and a
later `assert await snapshot(agency) == before`.

A `Snapshot` holds
- `counts`: the rows of every table of the registry (any insert or delete anywhere);
- `tallies`: agencies per state, filings per status, sanctions per status and publication,
  claims in force, acknowledged sites (an update of those columns anywhere);
- `rows`: every column of the watched records: the agencies named (their row, and their rows in
  every table that refers to an agency, filing items included), and with `above` (table -> id)
  every row of those tables with a larger id (what one example of a property test wrote).

It reads with plain SQL on the current default connection, so it also works against a scratch
registry a module runs on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from tortoise import Tortoise, connections

# Tables whose rows refer to an agency (agency_id), besides the agency table itself.
AGENCY_TABLES = (
    "site",
    "filing",
    "sanction",
    "inspection",
    "announcement",
    "item_claim",
    "inspector_conflict",
    "audit_event",
)

TALLIES = {
    "agency_state": "SELECT state AS k, COUNT(*) AS n FROM agency GROUP BY state",
    "filing_status": "SELECT status AS k, COUNT(*) AS n FROM filing GROUP BY status",
    "sanction_status": "SELECT status AS k, COUNT(*) AS n FROM sanction GROUP BY status",
    "sanction_published": "SELECT published AS k, COUNT(*) AS n FROM sanction GROUP BY published",
    "claims_in_force": "SELECT 'in force' AS k, COUNT(*) AS n FROM item_claim"
    " WHERE released_at IS NULL",
    "sites_acknowledged": "SELECT 'acknowledged' AS k, COUNT(*) AS n FROM site"
    " WHERE acknowledged_at IS NOT NULL",
}


class HasPk(Protocol):
    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    tallies: dict[str, dict[str, int]]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def differences(self, other: Snapshot) -> list[str]:
        """What differs, table by table (for an assertion's message)."""
        out = [
            f"{t}: {n} rows, then {other.counts.get(t)}"
            for t, n in self.counts.items()
            if other.counts.get(t) != n
        ]
        out += [
            f"{k}: {v}, then {other.tallies.get(k)}"
            for k, v in self.tallies.items()
            if other.tallies.get(k) != v
        ]
        for table, rows in self.rows.items():
            was = {r.get("id"): r for r in rows}
            now = {r.get("id"): r for r in other.rows.get(table, [])}
            out += [f"{table} {i}: new" for i in now.keys() - was.keys()]
            out += [f"{table} {i}: gone" for i in was.keys() - now.keys()]
            out += [
                f"{table} {i}: "
                + ", ".join(
                    f"{c} {was[i].get(c)!r} -> {now[i].get(c)!r}"
                    for c in was[i]
                    if was[i].get(c) != now[i].get(c)
                )
                for i in was.keys() & now.keys()
                if was[i] != now[i]
            ]
        return out


def tables() -> list[str]:
    """Every table of the registry's models."""
    return sorted(model._meta.db_table for app in Tortoise.apps.values() for model in app.values())


def _pks(agencies: Iterable[HasPk | int]) -> list[int]:
    return sorted(a if isinstance(a, int) else int(a.pk) for a in agencies)


async def snapshot(*agencies: HasPk | int, above: Mapping[str, int] | None = None) -> Snapshot:
    conn = connections.get("default")
    names = tables()
    (row,) = await conn.execute_query_dict(
        "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t}) AS {t}" for t in names)
    )
    counts = {t: int(row[t]) for t in names}
    tallies: dict[str, dict[str, int]] = {}
    for name, sql in TALLIES.items():
        tallies[name] = {str(r["k"]): int(r["n"]) for r in await conn.execute_query_dict(sql)}
    rows: dict[str, list[dict[str, Any]]] = {}
    pks = _pks(agencies)
    if pks:
        among = ", ".join(map(str, pks))
        rows["agency"] = list(
            await conn.execute_query_dict(f"SELECT * FROM agency WHERE id IN ({among}) ORDER BY id")
        )
        for table in AGENCY_TABLES:
            rows[table] = list(
                await conn.execute_query_dict(
                    f"SELECT * FROM {table} WHERE agency_id IN ({among}) ORDER BY id"
                )
            )
        rows["filing_item"] = list(
            await conn.execute_query_dict(
                "SELECT * FROM filing_item WHERE filing_id IN"
                f" (SELECT id FROM filing WHERE agency_id IN ({among})) ORDER BY id"
            )
        )
    for table, mark in sorted((above or {}).items()):
        rows[f"{table} above {mark}"] = list(
            await conn.execute_query_dict(
                f"SELECT * FROM {table} WHERE id > {int(mark)} ORDER BY id"
            )
        )
    return Snapshot(counts, tallies, rows)


@asynccontextmanager
async def unchanged(
    *agencies: HasPk | int, above: Mapping[str, int] | None = None
) -> AsyncIterator[Snapshot]:
    """Asserts that the block (a refused write) changed nothing `snapshot` sees."""
    before = await snapshot(*agencies, above=above)
    yield before
    after = await snapshot(*agencies, above=above)
    assert after == before, "a refused write changed: " + "; ".join(before.differences(after))
