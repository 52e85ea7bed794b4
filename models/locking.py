"""Operations on one agency take turns.

An operation that decides from an agency's row (its state, validity, level, authority) and
writes back to it takes `locked_agency` first in its transaction: the row is read afresh under a
row lock, so a second operation on the same agency waits until the first commits and then
decides on what the first left. `save_changes` writes back only the fields the operation
changed, never the whole row it read.

Queries an operation runs inside `in_transaction()` without `using_db` go through that
transaction too (tortoise binds the connection to the task for the block), so checks made after
the lock see the rows the previous holder committed.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.agency import Agency
from models.snapshot import snapshot


async def locked_agency(conn: BaseDBAsyncClient, agency: Agency | int) -> Agency:
    """The agency's current row, locked until `conn`'s transaction ends.

    Given an instance (the one a request loaded and will answer with), that instance is brought
    up to date in place and returned; given a primary key, a fresh instance.

    FOR NO KEY UPDATE rather than FOR UPDATE: inserting a sanction, filing or audit row that
    references the agency takes a KEY SHARE lock on it, which NO KEY UPDATE lets through, so
    writers of those rows never wait on (or deadlock with) the holder. SQLite has no row locks
    and tortoise leaves the clause out; there transactions take turns on the one connection.
    """
    pk = agency if isinstance(agency, int) else agency.pk
    fresh = await Agency.filter(id=pk).using_db(conn).select_for_update(no_key=True).get()
    if isinstance(agency, int):
        return fresh
    for name in Agency._meta.db_fields:
        setattr(agency, name, getattr(fresh, name))
    return agency


async def save_changes(conn: BaseDBAsyncClient, row: Model, before: dict[str, Any]) -> list[str]:
    """UPDATE only the columns that differ from `before` (a `snapshot` taken after the row was
    locked); returns their names. Nothing to change is no statement at all."""
    changed = [name for name, value in snapshot(row).items() if before.get(name) != value]
    if changed:
        await row.save(using_db=conn, update_fields=changed)
    return changed
