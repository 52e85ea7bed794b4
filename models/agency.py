"""评价机构 (Art. 2, 3, 6). Status is derived from filings and sanctions (DESIGN §4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from models.enums import AgencyKind, AgencyLevel, AgencyState, AgencyStatus

if TYPE_CHECKING:
    from models.region import Region


class Agency(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=200)
    credit_code = fields.CharField(max_length=18, unique=True)
    kind = fields.CharEnumField(AgencyKind, max_length=16)
    is_college = fields.BooleanField(default=False)
    level = fields.CharEnumField(AgencyLevel, max_length=16)
    filing_region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    # Lifecycle state kept in step with filings and sanctions by the operations that change
    # them; EXPIRED is read off `valid_until` at query time so no job has to flip it.
    state = fields.CharEnumField(AgencyState, max_length=16, default=AgencyState.PENDING)
    first_approved_on = fields.DateField(null=True)
    valid_until = fields.DateField(null=True)
    banned_until = fields.DateField(null=True)
    legal_representative = fields.CharField(max_length=64, null=True)
    contact_name = fields.CharField(max_length=64, null=True)
    contact_phone = fields.CharField(max_length=32, null=True)
    # Art. 27: a city agency recommended by its city to be managed as provincial, and Art. 28:
    # a provincial agency recommended for national level.
    upgrade_recommended_at = fields.DatetimeField(null=True)
    upgrade_basis = fields.CharField(max_length=32, null=True)
    national_recommended_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    filing_region_id: str

    class Meta:
        table = "agency"
        indexes = (("state", "valid_until"),)


# Art. 16: 应于有效期满前90日内 … 提交申请 (a renewal is applied for in the 90 days before expiry).
RENEWAL_WINDOW_DAYS = 90

# The stored states in which a filing holds until `valid_until` (Art. 16, 22: a suspension
# keeps the filing); a terminated or revoked one holds nothing any more (Art. 15, 17, 23).
IN_FORCE_STATES = (AgencyState.ACTIVE, AgencyState.SUSPENDED)
CLOSED_STATES = (AgencyState.TERMINATED, AgencyState.REVOKED)


def lapsed_q(*, today: date) -> Q:
    """Agencies whose filing no longer holds anything in force (expired, terminated, revoked)."""
    return Q(valid_until__lt=today) | closed_q()


def _expired_q(today: date) -> Q:
    return Q(state__in=[AgencyState.ACTIVE, AgencyState.SUSPENDED], valid_until__lt=today)


def status_q(status: AgencyStatus, *, today: date) -> Q:
    """SQL condition for one derived status (the inverse of `derive_status`)."""
    if status is AgencyStatus.EXPIRED:
        return _expired_q(today)
    if status in (AgencyStatus.ACTIVE, AgencyStatus.SUSPENDED):
        return Q(state=status.value) & ~_expired_q(today)
    return Q(state=status.value)


def derive_status(state: AgencyState, valid_until: date | None, *, today: date) -> AgencyStatus:
    """An agency past `valid_until` without renewal reads EXPIRED (Art. 16)."""
    if state in (AgencyState.ACTIVE, AgencyState.SUSPENDED) and valid_until and valid_until < today:
        return AgencyStatus.EXPIRED
    return AgencyStatus(state.value)


def closed_q() -> Q:
    """Agencies whose filing was terminated (Art. 15, 17) or revoked (Art. 23): for good."""
    return Q(state__in=list(CLOSED_STATES))


def is_closed(agency: Agency) -> bool:
    """The object side of `closed_q`."""
    return agency.state in CLOSED_STATES


def in_force_q(*, today: date) -> Q:
    """Agencies whose filing holds today: approved, neither closed nor past `valid_until`
    (Art. 16: valid 3 years; a suspension under Art. 22 does not end it)."""
    return Q(state__in=list(IN_FORCE_STATES), valid_until__gte=today)


def in_force(agency: Agency, *, today: date) -> bool:
    """The object side of `in_force_q`."""
    return (
        agency.state in IN_FORCE_STATES
        and agency.valid_until is not None
        and agency.valid_until >= today
    )


def renewal_window(agency: Agency) -> tuple[date, date] | None:
    """The first and last day on which a renewal may be applied for (Art. 16)."""
    if agency.valid_until is None:
        return None
    return agency.valid_until - timedelta(days=RENEWAL_WINDOW_DAYS), agency.valid_until


def renewal_due_q(*, today: date) -> Q:
    """Agencies whose filing is in force and inside its renewal window today (Art. 16)."""
    return in_force_q(today=today) & Q(valid_until__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS))


def renewal_due(agency: Agency, *, today: date) -> bool:
    """The object side of `renewal_due_q`."""
    window = renewal_window(agency)
    return window is not None and in_force(agency, today=today) and window[0] <= today
