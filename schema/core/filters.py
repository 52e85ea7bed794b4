"""Conditions the nouns' filters share."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.models import Model


def nothing() -> Q:
    """A condition no row meets (tortoise renders it as 1 = 0)."""
    return Q(id__in=[])


def holdable(value: str) -> bool:
    """Whether any text column could hold `value`: PostgreSQL text cannot store a NUL and
    refuses one in a comparison (an error, not an empty result)."""
    return "\x00" not in value


def equals(model: type[Model], column: str, value: str) -> Q:
    """`column = value`, or no row for a value no row can hold: tortoise refuses to compare a
    string longer than the column, and PostgreSQL one with a NUL, rather than find nothing."""
    limit = getattr(model._meta.fields_map[column], "max_length", None)
    if not holdable(value) or (limit is not None and len(value) > limit):
        return nothing()
    return Q(**{column: value})
