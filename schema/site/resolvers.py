"""Nested `Agency.sites`: the venues an agency registered or put on its filings, in scope."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery

from models.filing import FilingItem
from models.site import Site as SiteRow
from schema.context import Context, Info
from schema.pagination import Connection, slice_page
from schema.site.types import Site


def sites_of_agencies(ctx: Context) -> DataLoader[int, list[SiteRow]]:
    async def load(agency_ids: Sequence[int]) -> list[list[SiteRow]]:
        ids = list(agency_ids)
        on_filings = FilingItem.filter(filing__agency_id__in=ids)
        rows = await SiteRow.filter(
            ctx.guard.filter("site"),
            Q(agency_id__in=ids) | Q(id__in=Subquery(on_filings.values("site_id"))),
        ).order_by("id")
        # Which of the requested agencies uses each returned (already authorized) site.
        users: dict[int, set[int]] = {}
        for agency_id, site_id in await on_filings.values_list("filing__agency_id", "site_id"):
            users.setdefault(site_id, set()).add(agency_id)
        groups: dict[int, list[SiteRow]] = {i: [] for i in ids}
        for row in rows:
            for agency_id in users.get(row.id, set()) | {row.agency_id}:
                if agency_id in groups:
                    groups[agency_id].append(row)
        return [groups[i] for i in ids]

    return ctx.loader("sites_of_agency", lambda: DataLoader(load_fn=load))


async def sites_of_agency(info: Info, agency_id: int, first: int | None,
                          after: str | None) -> Connection[Site]:
    rows = await sites_of_agencies(info.context).load(agency_id)
    return slice_page(rows, first, after, Site.from_row)
