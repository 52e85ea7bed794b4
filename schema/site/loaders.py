"""Nested `Agency.sites`: the venues an agency registered or put on its filings, in scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from models.id_sets import among
from models.site import Site as SiteRow
from models.site import site_users
from policies import permissions
from schema.core.context import Context, Info
from schema.core.loaders import SharedLoader
from schema.core.pagination import Connection, counted, only_total_count, page_args, slice_page
from schema.site.types import Site


def _sites_of_agencies(ctx: Context, *, ids_only: bool) -> DataLoader[int, list[Any]]:
    async def load(agency_ids: Sequence[int]) -> list[list[Any]]:
        ids = list(agency_ids)
        # Which of the requested agencies use each venue; only ids here, the venues themselves
        # are read below under the viewer's scope.
        users = await site_users(ids)
        # One list of primary keys, not a subquery or an OR: PostgreSQL then expects the few
        # rows it gets and tests the viewer's scope per venue, not over every venue first.
        in_scope = SiteRow.filter(
            ctx.guard.filter(permissions.READ_SITE), among("id", users)
        ).order_by("id")
        # Counting needs the ids in scope only, not the venues' columns or model objects.
        rows: list[Any] = await (in_scope.values_list("id", flat=True) if ids_only else in_scope)
        groups: dict[int, list[Any]] = {i: [] for i in ids}
        for row in rows:
            for agency_id in users[row if ids_only else row.id]:
                groups[agency_id].append(row)
        return [groups[i] for i in ids]

    return ctx.loader(("sites_of_agency", ids_only), lambda: SharedLoader(load_fn=load))


def sites_of_agencies(ctx: Context) -> DataLoader[int, list[SiteRow]]:
    return _sites_of_agencies(ctx, ids_only=False)


async def sites_of_agency(
    info: Info, agency_id: int, first: int | None, after: str | None
) -> Connection[Site]:
    if only_total_count(info._raw_info):
        page_args(first, after)  # a bad `first` or `after` is refused all the same
        ids = await _sites_of_agencies(info.context, ids_only=True).load(agency_id)
        return counted(len(ids))
    rows = await sites_of_agencies(info.context).load(agency_id)
    return slice_page(rows, first, after, Site.from_row)
