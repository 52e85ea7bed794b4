"""GraphQL enums, the domain's own enums exposed under their contract names."""

import strawberry

from models import enums as e

Role = strawberry.enum(e.Role)
RegionLevel = strawberry.enum(e.RegionLevel)
AgencyKind = strawberry.enum(e.AgencyKind)
AgencyLevel = strawberry.enum(e.AgencyLevel)
AgencyStatus = strawberry.enum(e.AgencyStatus)
SiteTenure = strawberry.enum(e.SiteTenure)
FilingKind = strawberry.enum(e.FilingKind)
FilingStatus = strawberry.enum(e.FilingStatus)
SkillLevel = strawberry.enum(e.SkillLevel)
SanctionGrade = strawberry.enum(e.SanctionGrade)
SanctionStatus = strawberry.enum(e.SanctionStatus)
CertificateInvalidation = strawberry.enum(e.CertificateInvalidation)
