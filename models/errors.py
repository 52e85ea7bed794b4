"""Expected failures of domain operations; the API turns each into its typed GraphQL result."""

from __future__ import annotations

from models.rules import RuleCode


class DomainError(Exception):
    message: str


class RuleViolation(DomainError):
    """A rule of the measures forbids the change."""

    def __init__(
        self, code: RuleCode, message: str, article: int | None = None, clause: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.article = article
        self.clause = clause


class InvalidInput(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(DomainError):
    """Also raised for objects that exist outside the actor's scope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
