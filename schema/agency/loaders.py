"""Agency loaders: rows by id and private contact fields, each under its own scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from models.agency import Agency as AgencyRow
from models.enums import InspectionMode
from models.id_sets import among
from models.sanction import Sanction as SanctionRow
from models.supervision import incentives, supervision_mode
from policies import permissions
from schema.core.context import Context
from schema.core.loaders import SharedLoader, scoped_by_id

Contact = tuple[str | None, str | None]


def agency_by_id(ctx: Context) -> DataLoader[int, AgencyRow | None]:
    return scoped_by_id(ctx, AgencyRow)


def contact_by_agency(ctx: Context) -> DataLoader[int, Contact | None]:
    """Contact name and phone, only for agencies in the viewer's `agency_contact` scope."""

    async def load(ids: Sequence[int]) -> list[Contact | None]:
        if not ctx.guard.allows(permissions.READ_AGENCY_CONTACT):
            return [None] * len(ids)
        rows = await AgencyRow.filter(
            ctx.guard.filter(permissions.READ_AGENCY_CONTACT), among("id", ids)
        ).values_list("id", "contact_name", "contact_phone")
        found = {r[0]: (r[1], r[2]) for r in rows}
        return [found.get(i) for i in ids]

    return ctx.loader("agency_contact", lambda: SharedLoader(load_fn=load))


@dataclass(frozen=True)
class Supervision:
    mode: InspectionMode
    incentives: list[str]


def supervision_by_agency(ctx: Context) -> DataLoader[int, Supervision | None]:
    """Art. 25 standing, derived from all of an agency's sanctions, so shown only to those who
    supervise it (the agency, its cities, the province)."""

    async def load(ids: Sequence[int]) -> list[Supervision | None]:
        if not ctx.guard.allows(permissions.READ_AGENCY_SUPERVISION):
            return [None] * len(ids)
        agencies = await AgencyRow.filter(
            ctx.guard.filter(permissions.READ_AGENCY_SUPERVISION), among("id", ids)
        )
        sanctions: dict[int, list[SanctionRow]] = {a.id: [] for a in agencies}
        for s in await SanctionRow.filter(among("agency_id", sanctions)):
            sanctions[s.agency_id].append(s)
        found = {
            a.id: Supervision(
                supervision_mode(a, sanctions[a.id], today=ctx.today),
                incentives(a, sanctions[a.id], today=ctx.today),
            )
            for a in agencies
        }
        return [found.get(i) for i in ids]

    return ctx.loader("agency_supervision", lambda: SharedLoader(load_fn=load))
