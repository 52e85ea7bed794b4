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

_ENUMS = (AgencyKind, AgencyLevel, AgencyStatus, AnnouncementKind, CertificateInvalidation,
          FilingKind, FilingStatus, InspectionKind, InspectionMode, InspectionResult,
          RegionLevel, Role, SanctionGrade, SanctionStatus, SiteTenure, SkillLevel,
          TerminationReason)
for _enum in _ENUMS:
    strawberry.enum(_enum)

__all__ = ["AgencyKind", "AgencyLevel", "AgencyStatus", "AnnouncementKind",
           "CertificateInvalidation", "FilingKind", "FilingStatus", "InspectionKind",
           "InspectionMode", "InspectionResult", "RegionLevel", "Role",
           "SanctionGrade", "SanctionStatus", "SiteTenure", "SkillLevel", "TerminationReason"]
