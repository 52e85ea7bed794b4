"""Agency loaders: rows by id and private contact fields, each under its own scope."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.agency import Agency as AgencyRow
from schema.context import Context
from schema.loaders import scoped_by_id

Contact = tuple[str | None, str | None]


def agency_by_id(ctx: Context) -> DataLoader[int, AgencyRow | None]:
    return scoped_by_id(ctx, AgencyRow, "agency")


def contact_by_agency(ctx: Context) -> DataLoader[int, Contact | None]:
    """Contact name and phone, only for agencies in the viewer's `agency_contact` scope."""

    async def load(ids: Sequence[int]) -> list[Contact | None]:
        if not ctx.guard.allows("agency_contact", "read"):
            return [None] * len(ids)
        rows = await AgencyRow.filter(
            ctx.guard.filter("agency_contact"), id__in=list(ids)
        ).values_list("id", "contact_name", "contact_phone")
        found = {r[0]: (r[1], r[2]) for r in rows}
        return [found.get(i) for i in ids]

    return ctx.loader("agency_contact", lambda: DataLoader(load_fn=load))
