"""Generated rows, held per table in memory and written with PostgreSQL COPY.

Ids are assigned here, counting from 1 in an empty database, so rows can refer to each other
before anything is written; the sequences are moved past them afterwards, so the server's own
inserts carry on from there.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from operator import itemgetter
from typing import Any, Protocol

Row = dict[str, Any]

# Every column each table is written with, in foreign-key order (a table only refers to the
# ones above it). Columns left out of a row are written as NULL.
COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": (
        "id",
        "name",
        "credit_code",
        "kind",
        "is_college",
        "level",
        "filing_region_id",
        "state",
        "first_approved_on",
        "valid_until",
        "banned_until",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "upgrade_recommended_at",
        "upgrade_basis",
        "national_recommended_at",
        "created_at",
    ),
    "site": (
        "id",
        "agency_id",
        "name",
        "address",
        "address_key",
        "region_id",
        "tenure",
        "has_video_surveillance",
        "acknowledged_at",
        "created_at",
    ),
    "filing": (
        "id",
        "agency_id",
        "kind",
        "status",
        "authority_id",
        "submitted_at",
        "decided_at",
        "valid_from",
        "valid_until",
        "reason",
        "new_name",
        "new_legal_representative",
        "imported",
    ),
    "filing_item": ("id", "filing_id", "occupation_code", "occupation_name", "level", "site_id"),
    "item_claim": (
        "id",
        "site_id",
        "occupation_code",
        "agency_id",
        "item_id",
        "claimed_at",
        "released_at",
    ),
    "sanction": (
        "id",
        "agency_id",
        "article",
        "clause",
        "grade",
        "status",
        "facts",
        "serious",
        "certificates_invalidated",
        "authority_id",
        "decided_at",
        "published",
        "escalated_from_id",
        "rectification_deadline",
        "rectified_at",
        "created_at",
    ),
    "announcement": (
        "id",
        "kind",
        "agency_id",
        "filing_id",
        "authority_id",
        "termination_reason",
        "start_date",
        "end_date",
        "body",
        "published",
        "reported_to_ministry_at",
        "created_at",
    ),
    "inspector": ("id", "name", "region_id", "created_at"),
    "inspector_conflict": ("id", "inspector_id", "agency_id"),
    "inspection": (
        "id",
        "agency_id",
        "site_id",
        "kind",
        "mode",
        "date",
        "result",
        "findings",
        "published",
        "authority_id",
        "created_at",
    ),
    "draw": (
        "id",
        "seed",
        "algorithm",
        "population_hash",
        "pool_hash",
        "population",
        "pool",
        "parameters",
        "assignments",
        "published",
        "authority_id",
        "created_at",
    ),
    "working_calendar_year": ("id", "year", "entered_at", "entered_by"),
    "working_calendar_day": ("day", "is_working_day"),  # keyed by the day, no id
    "audit_event": (
        "id",
        "at",
        "actor_role",
        "actor_id",
        "action",
        "object_type",
        "object_id",
        "agency_id",
        "region_id",
        "before",
        "after",
        "request_id",
    ),
}
JSON_COLUMNS = {"population", "pool", "parameters", "assignments", "before", "after"}

# The model name the audit trail records for each table (AuditEvent.object_type).
OBJECT_TYPES = {
    "agency": "Agency",
    "site": "Site",
    "filing": "Filing",
    "sanction": "Sanction",
    "announcement": "Announcement",
    "inspector": "Inspector",
    "inspection": "Inspection",
    "draw": "Draw",
    "working_calendar_year": "WorkingCalendarYear",
}


class CopyConnection(Protocol):
    """The part of an asyncpg connection the writer uses."""

    async def copy_records_to_table(
        self, table_name: str, *, records: list[tuple[Any, ...]], columns: list[str]
    ) -> str: ...

    async def execute(self, query: str, *args: Any) -> str: ...


def _json_default(value: Any) -> Any:
    """Dates and times as models.snapshot writes them into the audit trail (enumerations are
    `str` already)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in an audit snapshot")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)
to_json = _ENCODER.encode


class Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {table: [] for table in COLUMNS}

    def add(self, table: str, **values: Any) -> Row:
        rows = self.rows[table]
        row: Row = dict.fromkeys(COLUMNS[table])
        row.update(id=len(rows) + 1, **values)
        rows.append(row)
        return row

    def count(self, table: str) -> int:
        return len(self.rows[table])

    @staticmethod
    def snapshot(row: Row) -> dict[str, Any]:
        """The row as it is now, for the audit trail (JSON-encoded only when written)."""
        return dict(row)

    def audit(
        self,
        at: datetime,
        actor: tuple[str, str],
        action: str,
        table: str,
        row: Row,
        *,
        agency_id: int | None,
        region_id: str | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """The event the operation behind `action` records, `after` being the row as it is
        now unless given: call it at the moment of the change, before the row changes
        again."""
        self.add(
            "audit_event",
            at=at,
            actor_role=actor[0],
            actor_id=actor[1],
            action=action,
            object_type=OBJECT_TYPES[table],
            object_id=str(row["id"]),
            agency_id=agency_id,
            region_id=region_id,
            before=before,
            after=after if after is not None else dict(row),
        )


def _records(table: str, rows: list[Row]) -> list[tuple[Any, ...]]:
    """Rows as COPY takes them; enumerations go as they are (they are `str`)."""
    columns = COLUMNS[table]
    values = itemgetter(*columns)
    json_at = [i for i, c in enumerate(columns) if c in JSON_COLUMNS]
    if not json_at:
        return [values(row) for row in rows]
    records = []
    for row in rows:
        record = list(values(row))
        for i in json_at:
            if record[i] is not None:
                record[i] = to_json(record[i])
        records.append(tuple(record))
    return records


async def write(conn: CopyConnection, tables: Tables) -> None:
    """COPY every table and move each id sequence past the ids used."""
    for table, columns in COLUMNS.items():
        rows = tables.rows[table]
        if rows:
            await conn.copy_records_to_table(
                table, records=_records(table, rows), columns=list(columns)
            )
        if "id" not in columns:
            continue
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
