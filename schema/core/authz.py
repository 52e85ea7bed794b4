"""Every root field declares its authorization decision; the schema test enforces it.

`Authorize(resource, action)` resolves the viewer's scope through the guard before the resolver
runs (casbin is asked once per request and resource); `Public` states that the field shows
only what anyone may see.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info


class Authorize(FieldExtension):
    def __init__(self, *resources: str, action: str = "read") -> None:
        self.resources = resources
        self.action = action

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        for resource in self.resources:
            info.context.guard.scope(resource, self.action)
        return await next_(source, info, **kwargs)


class Public(FieldExtension):
    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        return await next_(source, info, **kwargs)
