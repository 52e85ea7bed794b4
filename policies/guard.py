"""The guard API: one per request; casbin is asked once per (resource, action), never per row."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import casbin
from tortoise.expressions import Q

from policies.scopes import NONE, SCOPES, Scope
from policies.viewer import Viewer

_HERE = Path(__file__).parent


@cache
def enforcer() -> casbin.Enforcer:
    return casbin.Enforcer(str(_HERE / "model.conf"), str(_HERE / "policy.csv"))


@cache
def scope_name(role: str, resource: str, action: str) -> str:
    """The scope casbin grants, or "none" when no rule matches. The policy file is read once
    at start, so each answer is kept for the life of the process."""
    allowed, explain = enforcer().enforce_ex(role, resource, action)
    if not allowed:
        return NONE.name
    name = str(explain[3]).strip()
    if name not in SCOPES:
        raise LookupError(f"policy.csv names unknown scope {name!r}")
    return name


def policy_rules() -> list[tuple[str, str, str, str]]:
    return [(r[0], r[1], r[2], r[3]) for r in enforcer().get_policy()]


class Guard:
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._scopes: dict[tuple[str, str], Scope] = {}

    def scope(self, resource: str, action: str = "read") -> Scope:
        key = (resource, action)
        if key not in self._scopes:
            self._scopes[key] = SCOPES[scope_name(self.viewer.role.value, resource, action)]
        return self._scopes[key]

    def allows(self, resource: str, action: str) -> bool:
        """Whether the role may do the action anywhere at all."""
        return self.scope(resource, action) is not NONE

    def filter(self, resource: str, action: str = "read") -> Q:
        """The SQL condition for the rows of `resource` the viewer may `action`."""
        return self.scope(resource, action).filter(self.viewer)

    async def check(self, resource: str, action: str, obj: Any) -> bool:
        return await self.scope(resource, action).check(self.viewer, obj)
