"""DataLoader builders shared by the nouns; every query they run carries the viewer's scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q
from tortoise.models import Model

from models.errors import NotFound
from models.id_sets import among
from schema.core.context import Context
from schema.core.ids import pk_of

M = TypeVar("M", bound=Model)


def scoped_by_id(ctx: Context, model: type[M], resource: str) -> DataLoader[int, M | None]:
    """Rows by id, or None where the row is missing or outside the viewer's scope."""

    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = await model.filter(ctx.guard.filter(resource), among("id", ids))
        by_id = {r.pk: r for r in rows}
        return [by_id.get(i) for i in ids]

    return ctx.loader(("by_id", resource), lambda: DataLoader(load_fn=load))


def grouped(rows: Sequence[Any], keys: Sequence[Any], attr: str) -> list[list[Any]]:
    """Rows grouped by `attr` in the order of `keys` (rows keep their own order)."""
    groups: dict[Any, list[Any]] = {k: [] for k in keys}
    for r in rows:
        groups.setdefault(getattr(r, attr), []).append(r)
    return [groups[k] for k in keys]


def children(ctx: Context, model: type[M], resource: str, parent_field: str,
             extra: Q | None = None) -> DataLoader[int, list[M]]:
    """All in-scope children of many parents in one statement, grouped by parent."""

    async def load(parent_ids: Sequence[int]) -> list[list[M]]:
        rows = await model.filter(ctx.guard.filter(resource), extra or Q(),
                                  among(parent_field, parent_ids)).order_by("id")
        return grouped(rows, parent_ids, parent_field)

    key = ("children", resource, parent_field, repr(extra))
    return ctx.loader(key, lambda: DataLoader(load_fn=load))


async def require(ctx: Context, model: type[M], resource: str, global_id: str,
                  what: str = "") -> M:
    """The row a mutation names, if the viewer may see it; otherwise NotFound, the same
    answer as for a row that does not exist."""
    type_name = model.__name__
    row = await scoped_by_id(ctx, model, resource).load(pk_of(global_id, type_name) or 0)
    if row is None:
        raise NotFound(f"{what or type_name}: no such {type_name.lower()}")
    return row
