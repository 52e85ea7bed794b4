"""The Chinese names of the states and kinds that refusal messages mention.

Clients switch on the enum values; people read these.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, TypeAlias

from models.enums import (
    AgencyState,
    AgencyStatus,
    FilingKind,
    FilingStatus,
    SanctionGrade,
    SanctionStatus,
    SiteTenure,
)

Labelled: TypeAlias = (
    AgencyState
    | AgencyStatus
    | FilingKind
    | FilingStatus
    | SanctionGrade
    | SanctionStatus
    | SiteTenure
)

AGENCY_STATUS: Final[Mapping[str, str]] = {
    AgencyStatus.PENDING: "待备案",
    AgencyStatus.ACTIVE: "正常",
    AgencyStatus.SUSPENDED: "暂停评价活动（整改中）",
    AgencyStatus.EXPIRED: "备案已过期",
    AgencyStatus.TERMINATED: "已终止备案",
    AgencyStatus.REVOKED: "已撤销备案",
}
FILING_KIND: Final[Mapping[str, str]] = {
    FilingKind.INITIAL: "首次备案",
    FilingKind.RENEWAL: "延续备案",
    FilingKind.SCOPE_CHANGE: "备案范围变更",
    FilingKind.INFO_CHANGE: "备案信息变更",
    FilingKind.TERMINATION: "终止备案",
}
FILING_STATUS: Final[Mapping[str, str]] = {
    FilingStatus.SUBMITTED: "待审核",
    FilingStatus.APPROVED: "已通过",
    FilingStatus.REJECTED: "未通过",
    FilingStatus.WITHDRAWN: "已撤回",
}
SANCTION_GRADE: Final[Mapping[str, str]] = {
    SanctionGrade.INTERVIEW: "约谈",
    SanctionGrade.RECTIFICATION: "整改通知",
    SanctionGrade.REVOCATION: "撤销备案",
}
SANCTION_STATUS: Final[Mapping[str, str]] = {
    SanctionStatus.PROPOSED: "待确认",
    SanctionStatus.EFFECTIVE: "已生效",
    SanctionStatus.WITHDRAWN: "已撤回",
}
SITE_TENURE: Final[Mapping[str, str]] = {
    SiteTenure.OWNED: "自有场地",
    SiteTenure.LONG_TERM_LEASE: "长期租赁场地",
    SiteTenure.COLLEGE_CAMPUS: "院校场地",
    SiteTenure.TEMPORARY_RENTAL: "临时性租用场地",
}

# AgencyState is AgencyStatus without EXPIRED (which depends on the date), so they share names.
_BY_ENUM: Final[Mapping[type[StrEnum], Mapping[str, str]]] = {
    AgencyState: AGENCY_STATUS,
    AgencyStatus: AGENCY_STATUS,
    FilingKind: FILING_KIND,
    FilingStatus: FILING_STATUS,
    SanctionGrade: SANCTION_GRADE,
    SanctionStatus: SANCTION_STATUS,
    SiteTenure: SITE_TENURE,
}


def label(value: Labelled) -> str:
    """The Chinese name of a state or kind, e.g. 「已终止备案」 for AgencyState.TERMINATED."""
    return _BY_ENUM[type(value)][value]
