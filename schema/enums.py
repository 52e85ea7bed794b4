"""GraphQL enums: the domain's own enums, registered with strawberry under their names."""

import strawberry

from models.enums import (
    AgencyKind,
    AgencyLevel,
    AgencyStatus,
    CertificateInvalidation,
    FilingKind,
    FilingStatus,
    RegionLevel,
    Role,
    SanctionGrade,
    SanctionStatus,
    SiteTenure,
    SkillLevel,
)

for _enum in (AgencyKind, AgencyLevel, AgencyStatus, CertificateInvalidation, FilingKind,
              FilingStatus, RegionLevel, Role, SanctionGrade, SanctionStatus, SiteTenure,
              SkillLevel):
    strawberry.enum(_enum)

__all__ = ["AgencyKind", "AgencyLevel", "AgencyStatus", "CertificateInvalidation", "FilingKind",
           "FilingStatus", "RegionLevel", "Role", "SanctionGrade", "SanctionStatus", "SiteTenure",
           "SkillLevel"]
