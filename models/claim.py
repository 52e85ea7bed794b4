"""Art. 12 (严禁同一场地同一项目不同机构二次备案), held by the database.

A claim is one (site, occupation) pair in force for one agency, whatever the levels. A unique
index over the claims not yet released (created by migration 0002, a partial index) lets at most
one agency hold a pair, so two approvals racing for it cannot both commit. Released claims stay
as history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery
from tortoise.models import Model

if TYPE_CHECKING:
    from models.agency import Agency
    from models.filing import FilingItem
    from models.site import Site


class ItemClaim(Model):
    id = fields.IntField(pk=True)
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "registry.Site", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    occupation_code = fields.CharField(max_length=11)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    item: fields.ForeignKeyRelation[FilingItem] = fields.ForeignKeyField(
        "registry.FilingItem", related_name=False, on_delete=fields.RESTRICT
    )
    claimed_at = fields.DatetimeField(auto_now_add=True)
    released_at = fields.DatetimeField(null=True)

    site_id: int
    agency_id: int
    item_id: int

    class Meta:
        table = "item_claim"


def in_force() -> Q:
    return Q(released_at__isnull=True)


async def claim_items(
    conn: BaseDBAsyncClient | None, agency_id: int, items: list[FilingItem]
) -> None:
    """Put items in force; raises IntegrityError when another agency holds a pair. Several
    levels of one occupation at one site are one claim."""
    first_of_pair: dict[tuple[int, str], FilingItem] = {}
    for i in items:
        first_of_pair.setdefault((i.site_id, i.occupation_code), i)
    await ItemClaim.bulk_create(
        [
            ItemClaim(site_id=site_id, occupation_code=code, agency_id=agency_id, item_id=i.id)
            for (site_id, code), i in first_of_pair.items()
        ],
        using_db=conn,
    )


async def release_agency_claims(conn: BaseDBAsyncClient, agency_id: int, now: datetime) -> None:
    await ItemClaim.filter(in_force(), agency_id=agency_id).using_db(conn).update(released_at=now)


async def release_lapsed_claims(
    conn: BaseDBAsyncClient,
    pairs: set[tuple[int, str]],
    own_agency_id: int,
    today: date,
    now: datetime,
) -> None:
    """Free pairs still held by agencies whose filing lapsed (expired, terminated, revoked)."""
    from models.agency import Agency, lapsed_q

    lapsed = Agency.filter(lapsed_q(today=today)).exclude(id=own_agency_id).values("id")
    site_ids = {s for s, _ in pairs}
    codes = {c for _, c in pairs}
    await (
        ItemClaim.filter(
            in_force(),
            agency_id__in=Subquery(lapsed),
            site_id__in=site_ids,
            occupation_code__in=codes,
        )
        .using_db(conn)
        .update(released_at=now)
    )
