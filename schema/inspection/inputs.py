"""Input types of the inspection mutations."""

from __future__ import annotations

import datetime

import strawberry

from schema.core.enums import InspectionKind, InspectionMode, InspectionResult


@strawberry.input
class RecordInspectionInput:
    agency_id: strawberry.ID
    site_id: strawberry.ID | None = None
    kind: InspectionKind
    mode: InspectionMode
    date: datetime.date
    result: InspectionResult
    findings: str | None = None
    published: bool | None = False


@strawberry.input
class InspectionFilter:
    agency_id: strawberry.ID | None = None
    kind: InspectionKind | None = None
    result: InspectionResult | None = None
