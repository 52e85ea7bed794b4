from __future__ import annotations

import strawberry

from models.draw import Draw as DrawRow
from models.draw import verify
from policies import permissions
from schema.core.authz import Authorize
from schema.core.context import Info
from schema.core.ids import pk_of
from schema.core.loaders import scoped_by_id
from schema.core.pagination import Connection, paginate
from schema.draw.types import Draw


@strawberry.type
class DrawQueries:
    @strawberry.field(
        extensions=[Authorize(permissions.READ_DRAW)],
        description="双随机 draws: published ones are public.",
    )
    async def draws(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Draw]:
        qs = DrawRow.filter(info.context.guard.filter(permissions.READ_DRAW))
        return await paginate(qs, first, after, Draw.from_row)

    @strawberry.field(
        extensions=[Authorize(permissions.READ_DRAW)],
        description="Re-runs the stored draw from its snapshots and seed; false "
        "if anything differs, or the draw is not visible.",
    )
    async def verify_draw(self, info: Info, id: strawberry.ID) -> bool:
        row = await scoped_by_id(info.context, DrawRow).load(pk_of(id, "Draw") or 0)
        return row is not None and verify(row)
