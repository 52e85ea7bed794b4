"""Input types of the inspector mutations."""

from __future__ import annotations

import strawberry


@strawberry.input
class RegisterInspectorInput:
    name: str
    region_code: str
    conflict_agency_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Agencies the inspector must never be drawn for (回避)."
    )
