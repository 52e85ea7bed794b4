"""DataLoader builders shared by the nouns; every query they run carries the viewer's scope."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q
from tortoise.models import Model

from models.errors import NotFound
from models.id_sets import among
from policies.permissions import READ_OF
from schema.core.context import Context
from schema.core.ids import pk_of

M = TypeVar("M", bound=Model)
K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose results several fields await: graphql-core cancels a field's siblings
    when one errors, and a cancelled waiter must not cancel the shared result another object's
    field still awaits (that escaped the request as CancelledError)."""

    def load(self, key: K) -> asyncio.Future[V]:
        return asyncio.shield(super().load(key))


# What a NotFound calls the row a mutation names, by model.
NOUNS: dict[str, str] = {
    "Agency": "机构",
    "Site": "评价场所",
    "Filing": "备案申请",
    "Sanction": "违规处理记录",
    "Inspector": "督导人员",
    "Inspection": "督导记录",
    "Draw": "抽查记录",
    "Announcement": "公示",
}


def scoped_by_id(ctx: Context, model: type[M]) -> DataLoader[int, M | None]:
    """Rows by id, or None where the row is missing or outside the viewer's read scope."""
    permission = READ_OF[model]

    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = await model.filter(ctx.guard.filter(permission), among("id", ids))
        by_id = {r.pk: r for r in rows}
        return [by_id.get(i) for i in ids]

    return ctx.loader(("by_id", permission.key), lambda: SharedLoader(load_fn=load))


def grouped(rows: Sequence[Any], keys: Sequence[Any], attr: str) -> list[list[Any]]:
    """Rows grouped by `attr` in the order of `keys` (rows keep their own order)."""
    groups: dict[Any, list[Any]] = {k: [] for k in keys}
    for r in rows:
        groups.setdefault(getattr(r, attr), []).append(r)
    return [groups[k] for k in keys]


def children(
    ctx: Context, model: type[M], parent_field: str, extra: Q | None = None
) -> DataLoader[int, list[M]]:
    """All in-scope children of many parents in one statement, grouped by parent."""
    permission = READ_OF[model]

    async def load(parent_ids: Sequence[int]) -> list[list[M]]:
        rows = await model.filter(
            ctx.guard.filter(permission), extra or Q(), among(parent_field, parent_ids)
        ).order_by("id")
        return grouped(rows, parent_ids, parent_field)

    key = ("children", permission.key, parent_field, repr(extra))
    return ctx.loader(key, lambda: SharedLoader(load_fn=load))


async def require(ctx: Context, model: type[M], global_id: str, what: str = "") -> M:
    """The row a mutation names, if the viewer may see it; otherwise NotFound, the same
    answer as for a row that does not exist. `what` is the input field that named it, which
    clients show next to the message."""
    type_name = model.__name__
    row = await scoped_by_id(ctx, model).load(pk_of(global_id, type_name) or 0)
    if row is None:
        noun = NOUNS.get(type_name, "记录")
        raise NotFound(f"{what}: 未找到该{noun}" if what else f"未找到该{noun}")
    return row
