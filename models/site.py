"""评价场所/考点: a physical venue, registered once per region + normalized address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import SiteTenure

if TYPE_CHECKING:
    from models.agency import Agency
    from models.region import Region


class Site(Model):
    id = fields.IntField(pk=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=300)
    address_key = fields.CharField(max_length=300)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    tenure = fields.CharEnumField(SiteTenure, max_length=24)
    has_video_surveillance = fields.BooleanField()
    # Art. 4: a provincial agency's site is registered (报备) with the city it lies in.
    acknowledged_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    agency_id: int
    region_id: str

    class Meta:
        table = "site"
        unique_together = (("region", "address_key"),)
