from __future__ import annotations

import strawberry

from schema.core.enums import SanctionGrade


@strawberry.input
class SanctionFilter:
    grade: SanctionGrade | None = None
    agency_id: strawberry.ID | None = None
    published: bool | None = None
