from __future__ import annotations

import datetime

import strawberry

from schema.core.enums import CertificateInvalidation, SanctionGrade


@strawberry.input
class SanctionFilter:
    grade: SanctionGrade | None = None
    agency_id: strawberry.ID | None = None
    published: bool | None = None


@strawberry.input
class IssueSanctionInput:
    agency_id: strawberry.ID
    article: int
    clause: int
    facts: str
    serious: bool | None = False
    certificates_invalidated: CertificateInvalidation | None = CertificateInvalidation.NONE
    published: bool | None = strawberry.field(
        default=None,
        description="Art. 21 interviews only; rectifications and revocations are always published.",
    )
    rectification_deadline: datetime.date | None = None


@strawberry.input
class ConfirmSanctionInput:
    sanction_id: strawberry.ID


@strawberry.input
class AcceptRectificationInput:
    sanction_id: strawberry.ID
