"""督导: inspectors, their declared conflicts, and inspection results (Art. 19, 20, 23.11)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import InspectionKind, InspectionMode, InspectionResult

if TYPE_CHECKING:
    from models.agency import Agency
    from models.region import Region
    from models.site import Site


class Inspector(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=64)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    region_id: str

    class Meta:
        table = "inspector"


class InspectorConflict(Model):
    """An inspector may not inspect an agency they have ties to (回避)."""

    id = fields.IntField(pk=True)
    inspector: fields.ForeignKeyRelation[Inspector] = fields.ForeignKeyField(
        "registry.Inspector", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )

    inspector_id: int
    agency_id: int

    class Meta:
        table = "inspector_conflict"
        unique_together = (("inspector", "agency"),)


class Inspection(Model):
    id = fields.IntField(pk=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    site: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "registry.Site", related_name=False, null=True, on_delete=fields.RESTRICT, db_index=True
    )
    kind = fields.CharEnumField(InspectionKind, max_length=8)
    mode = fields.CharEnumField(InspectionMode, max_length=16)
    date = fields.DateField()
    result = fields.CharEnumField(InspectionResult, max_length=16)
    findings = fields.TextField(null=True)
    published = fields.BooleanField(default=False, db_index=True)
    # The department that inspected and recorded it.
    authority: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    agency_id: int
    site_id: int | None
    authority_id: str

    class Meta:
        table = "inspection"
        indexes = (("agency_id", "kind", "result", "date"),)
