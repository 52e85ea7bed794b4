"""The actor behind a request, as established from a verified token."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    subject: str | None = None
    region_code: str | None = None
    agency_id: int | None = None

    @classmethod
    def public(cls) -> Viewer:
        return cls(role=Role.PUBLIC)

    @property
    def actor_id(self) -> str:
        return self.subject or self.role.value
