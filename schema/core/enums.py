"""GraphQL enums: the domain's own enums, registered with strawberry under their names."""

import strawberry

from models.enums import (
    AgencyKind,
    AgencyLevel,
    AgencyStatus,
    AnnouncementKind,
    CertificateInvalidation,
    FilingKind,
    FilingStatus,
    InspectionKind,
    InspectionMode,
    InspectionResult,
    RegionLevel,
    Role,
    SanctionGrade,
    SanctionStatus,
    SiteTenure,
    SkillLevel,
    TerminationReason,
)
from models.rules import RuleCode

_ENUMS = (
    AgencyKind,
    AgencyLevel,
    AgencyStatus,
    AnnouncementKind,
    CertificateInvalidation,
    FilingKind,
    FilingStatus,
    InspectionKind,
    InspectionMode,
    InspectionResult,
    RegionLevel,
    Role,
    SanctionGrade,
    SanctionStatus,
    SiteTenure,
    SkillLevel,
    TerminationReason,
)
for _enum in _ENUMS:
    strawberry.enum(_enum)
strawberry.enum(RuleCode, description="The rule behind a RuleViolation; clients switch on it.")

__all__ = [
    "AgencyKind",
    "AgencyLevel",
    "AgencyStatus",
    "AnnouncementKind",
    "CertificateInvalidation",
    "FilingKind",
    "FilingStatus",
    "InspectionKind",
    "InspectionMode",
    "InspectionResult",
    "RegionLevel",
    "Role",
    "RuleCode",
    "SanctionGrade",
    "SanctionStatus",
    "SiteTenure",
    "SkillLevel",
    "TerminationReason",
]
