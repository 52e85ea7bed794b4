"""`column IN (ids)` for the id lists that loaders and batched domain facts (which venues
agencies use) query with, as one array on PostgreSQL.

pypika builds a term and a bound parameter per value of an `__in` list; for the few hundred
ids of one batched load that was about a tenth of a request's time. On PostgreSQL the list is
written as a single integer array literal instead (the values are primary keys, integers by
construction: `int()` makes sure); SQLite keeps the plain `IN`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, RawSQL


def among(field: str, ids: Iterable[int]) -> Q:
    values = sorted({int(i) for i in ids})
    condition: dict[str, Any]
    if connections.get("default").capabilities.dialect == "postgres":
        array = ",".join(map(str, values))
        condition = {field: RawSQL(f"ANY('{{{array}}}'::int[])")}
    else:
        condition = {f"{field}__in": values}
    return Q(**condition)
