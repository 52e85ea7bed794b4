"""Per-request context: the viewer, its guard, today's date and the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from strawberry.types import Info as StrawberryInfo

from models.audit import Actor
from policies.guard import Guard
from policies.viewer import Viewer
from schema.core.limits import QueryLimits

L = TypeVar("L")


@dataclass
class Context:
    viewer: Viewer
    today: date
    now: datetime
    request_id: str
    limits: QueryLimits = field(default_factory=QueryLimits)
    # Production shows the schema only to officials and never suggests field names.
    introspection: bool = True
    suggestions: bool = True
    guard: Guard = field(init=False)
    _loaders: dict[Hashable, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.guard = Guard(self.viewer)

    def loader(self, key: Hashable, factory: Callable[[], L]) -> L:
        """One loader per key per request, so a batch never crosses requests or viewers."""
        if key not in self._loaders:
            self._loaders[key] = factory()
        return self._loaders[key]  # type: ignore[no-any-return]

    @property
    def actor(self) -> Actor:
        return Actor(self.viewer.role.value, self.viewer.actor_id, self.request_id)


Info = StrawberryInfo[Context, None]
