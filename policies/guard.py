"""The guard API: one per request; casbin is asked once per (resource, action), never per row."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import casbin
from tortoise.expressions import Q
from tortoise.models import Model

from policies.permissions import Permission
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

    def scope(self, permission: Permission) -> Scope:
        key = permission.key
        if key not in self._scopes:
            self._scopes[key] = SCOPES[scope_name(self.viewer.role.value, *key)]
        return self._scopes[key]

    def allows(self, permission: Permission) -> bool:
        """Whether the role holds the permission over any rows at all."""
        return self.scope(permission) is not NONE

    def filter(self, permission: Permission) -> Q:
        """The SQL condition for the rows of `permission.target` the viewer holds it over."""
        return self.scope(permission).filter(self.viewer)

    async def authorize(self, permission: Permission, obj: Model | None = None) -> None:
        """Raise the permission's refusal unless the viewer holds it over `obj`; without an
        object, unless the role holds it at all (the caller then applies `filter` in SQL)."""
        refusal = permission.refusal
        if refusal is None:
            raise TypeError(f"{permission.key} is a read: reads are filtered, not refused")
        scope = self.scope(permission)
        if scope is NONE:
            raise refusal.error()
        if obj is None:
            return
        if not isinstance(obj, permission.target):
            raise TypeError(
                f"{permission.key} checks a {permission.target.__name__}, "
                f"not a {type(obj).__name__}"
            )
        if not await scope.check(self.viewer, obj):
            raise refusal.error()
