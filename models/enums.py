"""Enumerations shared by the models and the API."""

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"


class AgencyKind(StrEnum):
    EMPLOYER = "EMPLOYER"  # 用人单位
    SOCIAL_ORG = "SOCIAL_ORG"  # 社会培训评价组织 (colleges included, Art. 2)


class AgencyLevel(StrEnum):
    PROVINCIAL = "PROVINCIAL"  # 省级, filed with 350000
    CITY = "CITY"  # 市级, filed with its city


class AgencyState(StrEnum):
    """The stored lifecycle state; `AgencyStatus` adds EXPIRED, which depends on today."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    REVOKED = "REVOKED"


class AgencyStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"
    REVOKED = "REVOKED"


class SiteTenure(StrEnum):
    OWNED = "OWNED"
    LONG_TERM_LEASE = "LONG_TERM_LEASE"
    COLLEGE_CAMPUS = "COLLEGE_CAMPUS"
    TEMPORARY_RENTAL = "TEMPORARY_RENTAL"


class FilingKind(StrEnum):
    INITIAL = "INITIAL"
    RENEWAL = "RENEWAL"
    SCOPE_CHANGE = "SCOPE_CHANGE"
    INFO_CHANGE = "INFO_CHANGE"
    TERMINATION = "TERMINATION"


class FilingStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class SkillLevel(StrEnum):
    LEVEL_5 = "LEVEL_5"  # 五级/初级工
    LEVEL_4 = "LEVEL_4"  # 四级/中级工
    LEVEL_3 = "LEVEL_3"  # 三级/高级工
    LEVEL_2 = "LEVEL_2"  # 二级/技师
    LEVEL_1 = "LEVEL_1"  # 一级/高级技师


class SanctionGrade(StrEnum):
    INTERVIEW = "INTERVIEW"  # 约谈, Art. 21
    RECTIFICATION = "RECTIFICATION"  # 整改通知书 + suspension, Art. 22
    REVOCATION = "REVOCATION"  # 撤销备案 + 3-year ban, Art. 23


class SanctionStatus(StrEnum):
    PROPOSED = "PROPOSED"
    EFFECTIVE = "EFFECTIVE"
    WITHDRAWN = "WITHDRAWN"


class CertificateInvalidation(StrEnum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    ALL = "ALL"


class Role(StrEnum):
    PUBLIC = "PUBLIC"
    AGENCY = "AGENCY"
    CITY = "CITY"
    PROVINCE = "PROVINCE"


class AnnouncementKind(StrEnum):
    INFO_CHANGE = "INFO_CHANGE"  # Art. 13: name / legal representative changed
    TERMINATION = "TERMINATION"  # Art. 15, 17: filing terminated
    SANCTION = "SANCTION"  # Art. 22, 23: rectification or revocation published


class TerminationReason(StrEnum):
    UNAPPROVED_SITE_CHANGE = "UNAPPROVED_SITE_CHANGE"  # Art. 15
    VOLUNTARY = "VOLUNTARY"  # Art. 17
    OTHER = "OTHER"


class InspectionKind(StrEnum):
    EXTERNAL = "EXTERNAL"  # 外部督导
    INTERNAL = "INTERNAL"  # 内部质量督导


class InspectionMode(StrEnum):
    RANDOM = "RANDOM"  # 双随机 (Art. 20)
    EVERY_EXAM = "EVERY_EXAM"  # 逢考必督 (Art. 25(4))
    SPECIAL = "SPECIAL"  # 专项督查


class InspectionResult(StrEnum):
    QUALIFIED = "QUALIFIED"
    UNQUALIFIED = "UNQUALIFIED"
