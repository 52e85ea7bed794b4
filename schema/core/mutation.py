"""The one way to declare a mutation: its permission, its typed failures, its result union.

    @mutation(permissions.ADD_SITE, description="...")
    async def add_site(self, info: Info, input: AddSiteInput) -> AddSiteSuccess | Failure:
        ...
        await info.context.guard.authorize(permissions.ADD_SITE, site)
        ...

The body raises the domain's expected failures (`models.errors`); they come back as the typed
members of the union `AddSiteResult` (named after the field), and nothing was changed because
every operation commits its change and its audit event in one transaction.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from models.errors import DomainError
from policies.permissions import Permission
from schema.core.authz import Authorize
from schema.core.errors import as_failure

_UNIONS: dict[str, Any] = {}


class TypedFailures(FieldExtension):
    """Expected domain failures become the result union's RuleViolation, InvalidInput or
    NotFound; anything else propagates and is masked (schema/core/masking.py)."""

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except DomainError as exc:
            return as_failure(exc)


def result_name(field_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in field_name.split("_")) + "Result"


def _named_union(name: str, members: Any) -> Any:
    """One union object per name, so mutations sharing a result type share its union."""
    if name not in _UNIONS:
        _UNIONS[name] = Annotated[members, strawberry.union(name)]
    return _UNIONS[name]


def mutation(
    permission: Permission, *, description: str | None = None, result: str | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a mutation guarded by `permission` (a write of the catalog). Its return
    annotation `XSuccess | Failure` becomes the union `result` (default: field name + Result).
    """
    if permission.refusal is None:
        raise ValueError(f"{permission.key} is a read, not a write permission")

    def declare(resolver: Callable[..., Any]) -> Any:
        returns = typing.get_type_hints(resolver)["return"]
        resolver.__annotations__["return"] = _named_union(
            result or result_name(resolver.__name__), returns
        )
        return strawberry.mutation(
            extensions=[Authorize(permission), TypedFailures()], description=description
        )(resolver)

    return declare
