from __future__ import annotations

import strawberry

from models.inspection import Inspector as InspectorRow
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.pagination import Connection, paginate
from schema.inspector.types import Inspector


@strawberry.type
class InspectorQueries:
    @strawberry.field(
        extensions=[Authorize(permissions.READ_INSPECTOR)],
        description="The province's inspectors, or a city's own.",
    )
    async def inspectors(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Inspector]:
        qs = InspectorRow.filter(info.context.guard.filter(permissions.READ_INSPECTOR))
        return await paginate(qs, first, after, Inspector.from_row)
