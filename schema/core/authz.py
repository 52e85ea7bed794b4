"""Every root field declares its authorization decision; the schema test enforces it.

`Authorize(permission, ...)` resolves the viewer's scopes through the guard before the resolver
runs (casbin is asked once per request and permission); `Public` states that the field shows
only what anyone may see. Mutations are declared with `schema.core.mutation.mutation`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from policies.permissions import Permission


class Authorize(FieldExtension):
    def __init__(self, *permissions: Permission) -> None:
        self.permissions = permissions

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        for permission in self.permissions:
            info.context.guard.scope(permission)
        return await next_(source, info, **kwargs)


class Public(FieldExtension):
    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        return await next_(source, info, **kwargs)
