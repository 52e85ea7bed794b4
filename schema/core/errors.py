"""Typed failures every mutation result may carry (DESIGN §7)."""

from __future__ import annotations

import strawberry

from models import errors as domain
from schema.core.enums import RuleCode


@strawberry.type(description="A rule of the measures forbids the change; nothing was changed.")
class RuleViolation:
    code: RuleCode
    article: int | None
    clause: int | None
    message: str


@strawberry.type(description="The input is malformed; nothing was changed.")
class InvalidInput:
    field: str
    message: str


@strawberry.type(description="No such object, or it lies outside what the viewer may see.")
class NotFound:
    message: str


Failure = RuleViolation | InvalidInput | NotFound


def as_failure(exc: domain.DomainError) -> Failure:
    if isinstance(exc, domain.RuleViolation):
        return RuleViolation(
            code=exc.code, article=exc.article, clause=exc.clause, message=exc.message
        )
    if isinstance(exc, domain.InvalidInput):
        return InvalidInput(field=exc.field, message=exc.message)
    return NotFound(message=exc.message)
