"""违规处理 under Art. 21 (interview), 22 (rectification) and 23 (revocation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import CertificateInvalidation, SanctionGrade, SanctionStatus

if TYPE_CHECKING:
    from models.agency import Agency
    from models.region import Region


class Sanction(Model):
    id = fields.IntField(pk=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    article = fields.SmallIntField()
    clause = fields.SmallIntField()
    grade = fields.CharEnumField(SanctionGrade, max_length=16)
    status = fields.CharEnumField(SanctionStatus, max_length=16, default=SanctionStatus.EFFECTIVE)
    facts = fields.TextField()
    serious = fields.BooleanField(default=False)
    certificates_invalidated = fields.CharEnumField(
        CertificateInvalidation, max_length=8, default=CertificateInvalidation.NONE
    )
    authority: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    decided_at = fields.DateField(null=True)
    published = fields.BooleanField(default=False, db_index=True)
    escalated_from: fields.ForeignKeyNullableRelation[Sanction] = fields.ForeignKeyField(
        "registry.Sanction", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    rectification_deadline = fields.DateField(null=True)
    rectified_at = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    agency_id: int
    authority_id: str
    escalated_from_id: int | None

    class Meta:
        table = "sanction"
