"""备案: an application and its decision, with its items (Art. 7-17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from models.enums import FilingKind, FilingStatus, SkillLevel

if TYPE_CHECKING:
    from models.agency import Agency
    from models.region import Region
    from models.site import Site


class Filing(Model):
    id = fields.IntField(pk=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    kind = fields.CharEnumField(FilingKind, max_length=16)
    status = fields.CharEnumField(FilingStatus, max_length=16, default=FilingStatus.SUBMITTED)
    # The region of the department the agency is filed with when the filing is made.
    authority: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    submitted_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    valid_from = fields.DateField(null=True)
    valid_until = fields.DateField(null=True)
    reason = fields.TextField(null=True)
    new_name = fields.CharField(max_length=200, null=True)
    new_legal_representative = fields.CharField(max_length=64, null=True)
    imported = fields.BooleanField(default=False)

    agency_id: int
    authority_id: str

    class Meta:
        table = "filing"
        indexes = (("status", "agency_id"),)


class FilingItem(Model):
    id = fields.IntField(pk=True)
    filing: fields.ForeignKeyRelation[Filing] = fields.ForeignKeyField(
        "registry.Filing", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    occupation_code = fields.CharField(max_length=11)
    occupation_name = fields.CharField(max_length=64)
    level = fields.CharEnumField(SkillLevel, max_length=8)
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "registry.Site", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )

    filing_id: int
    site_id: int

    class Meta:
        table = "filing_item"


def awaiting_decision_q() -> Q:
    """Filings submitted and not yet approved, rejected or withdrawn: the filing authority's
    to decide (Art. 3, 4)."""
    return Q(status=FilingStatus.SUBMITTED)


def awaits_decision(filing: Filing) -> bool:
    """The object side of `awaiting_decision_q`."""
    return filing.status is FilingStatus.SUBMITTED
