from __future__ import annotations

import strawberry

from schema.core.enums import AgencyKind, AgencyLevel, AgencyStatus, TerminationReason


@strawberry.input
class AgencyFilter:
    status: AgencyStatus | None = None
    kind: AgencyKind | None = None
    level: AgencyLevel | None = None
    filing_region_code: str | None = None
    name_contains: str | None = None


@strawberry.input
class RegisterAgencyInput:
    name: str
    credit_code: str
    kind: AgencyKind
    is_college: bool
    level: AgencyLevel
    filing_region_code: str
    contact_name: str | None = None
    contact_phone: str | None = None
    legal_representative: str | None = None


@strawberry.input
class TerminateAgencyInput:
    agency_id: strawberry.ID
    reason: TerminationReason
    note: str | None = None


@strawberry.input
class RecommendUpgradeInput:
    agency_id: strawberry.ID
    basis: list[int] = strawberry.field(description="The Art. 26 cases (1-5) it meets.")


@strawberry.input
class AgencyInput:
    agency_id: strawberry.ID
