"""What a scope is, and the two scopes every resource shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from policies.viewer import Viewer

FilterFn = Callable[[Viewer], Q]
CheckFn = Callable[[Viewer, Any], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Scope:
    """`filter` is applied in SQL to lists, counts, nested connections and lookups by id of
    `model`'s rows; `check` answers the same question for one loaded `model` object (writes,
    and the tests). `model` is None only for the two scopes every resource shares."""

    name: str
    model: type[Model] | None
    filter: FilterFn
    check: CheckFn


async def _yes(viewer: Viewer, obj: Any) -> bool:
    return True


async def _no(viewer: Viewer, obj: Any) -> bool:
    return False


ALL = Scope("all", None, lambda viewer: Q(), _yes)
# A primary key is never NULL, so this matches no row on any table.
NONE = Scope("none", None, lambda viewer: Q(pk__isnull=True), _no)
