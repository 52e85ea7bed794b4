"""Audit trail: every change with who, when, what, before and after (Art. 11: kept ≥ 5 years).

Rows are only ever inserted; `record` must be called inside the transaction of the change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

if TYPE_CHECKING:
    from models.agency import Agency
    from models.region import Region


class AuditAction(StrEnum):
    """What an audit event records; the stored value is the mutation's name, and ":agency"
    marks the change the operation made to the agency row beside its own object."""

    REGISTER_AGENCY = "registerAgency"
    ADD_SITE = "addSite"
    ACKNOWLEDGE_SITE = "acknowledgeSite"
    SUBMIT_FILING = "submitFiling"
    WITHDRAW_FILING = "withdrawFiling"
    DECIDE_FILING = "decideFiling"
    APPROVE_FILING_AGENCY = "approveFiling:agency"
    IMPORT_FILING = "importFiling"
    IMPORT_FILING_AGENCY = "importFiling:agency"
    TERMINATE_UNAPPROVED_SITE_CHANGE = "terminateAgency:UNAPPROVED_SITE_CHANGE"
    TERMINATE_VOLUNTARY = "terminateAgency:VOLUNTARY"
    TERMINATE_OTHER = "terminateAgency:OTHER"
    ANNOUNCE = "announce"
    ISSUE_SANCTION = "issueSanction"
    ISSUE_SANCTION_AGENCY = "issueSanction:agency"
    PROPOSE_SANCTION = "proposeSanction"
    CONFIRM_SANCTION = "confirmSanction"
    CONFIRM_SANCTION_AGENCY = "confirmSanction:agency"
    ACCEPT_RECTIFICATION = "acceptRectification"
    ACCEPT_RECTIFICATION_AGENCY = "acceptRectification:agency"
    REGISTER_INSPECTOR = "registerInspector"
    RECORD_INSPECTION = "recordInspection"
    DRAW_INSPECTIONS = "drawInspections"
    RECOMMEND_UPGRADE = "recommendUpgrade"
    APPROVE_UPGRADE = "approveUpgrade"
    RECOMMEND_NATIONAL = "recommendNational"
    SET_WORKING_CALENDAR = "setWorkingCalendar"

    @classmethod
    def termination(cls, reason: str) -> AuditAction:
        return cls(f"terminateAgency:{reason}")


class AuditEvent(Model):
    id = fields.BigIntField(pk=True)
    at = fields.DatetimeField(auto_now_add=True)
    actor_role = fields.CharField(max_length=16)
    actor_id = fields.CharField(max_length=128)
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32)
    object_id = fields.CharField(max_length=64)
    # What the event concerns, so a city's view of the trail is one indexed SQL filter.
    agency: fields.ForeignKeyNullableRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, null=True, on_delete=fields.RESTRICT, db_index=True
    )
    region: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, null=True, on_delete=fields.RESTRICT, db_index=True
    )
    before: fields.Field[Any] = fields.JSONField(null=True)
    after: fields.Field[Any] = fields.JSONField(null=True)
    request_id = fields.CharField(max_length=64, null=True)

    agency_id: int | None
    region_id: str | None

    class Meta:
        table = "audit_event"


class Actor:
    """Who makes a change, as the audit trail records it."""

    def __init__(self, role: str, actor_id: str, request_id: str | None = None) -> None:
        self.role = role
        self.actor_id = actor_id
        self.request_id = request_id


async def record(
    connection: BaseDBAsyncClient,
    actor: Actor,
    action: AuditAction,
    obj: Model,
    *,
    agency_id: int | None,
    region_code: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    return await AuditEvent.create(
        using_db=connection,
        actor_role=actor.role,
        actor_id=actor.actor_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        agency_id=agency_id,
        region_id=region_code,
        before=before,
        after=after,
        request_id=actor.request_id,
    )
