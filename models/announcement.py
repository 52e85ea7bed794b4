"""公示 / 对社会公布: public notices with explicit, stored start and end dates (Art. 13, 15, 17)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from models.enums import AnnouncementKind, TerminationReason

if TYPE_CHECKING:
    from models.agency import Agency
    from models.filing import Filing
    from models.region import Region


class Announcement(Model):
    id = fields.IntField(pk=True)
    kind = fields.CharEnumField(AnnouncementKind, max_length=16)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    filing: fields.ForeignKeyNullableRelation[Filing] = fields.ForeignKeyField(
        "registry.Filing", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # The department that made the announcement.
    authority: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    termination_reason = fields.CharEnumField(TerminationReason, max_length=32, null=True)
    start_date = fields.DateField()
    end_date = fields.DateField()
    body = fields.TextField()
    published = fields.BooleanField(default=True)
    # Art. 15, 17: a termination is reported (报备) to the ministry.
    reported_to_ministry_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    agency_id: int
    filing_id: int | None
    authority_id: str

    class Meta:
        table = "announcement"
        indexes = (("start_date", "end_date"),)


def running_q(*, today: date) -> Q:
    """Notices on show today: a 公示 runs from its first through its last day, both included
    (Art. 13, 15, 17: 公示5个工作日; the stored dates are those working days' span)."""
    return Q(start_date__lte=today, end_date__gte=today)


def is_running(announcement: Announcement, *, today: date) -> bool:
    """The object side of `running_q`."""
    return announcement.start_date <= today <= announcement.end_date
