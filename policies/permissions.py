"""The permission catalog: every (resource, action) the API asks about, the rows it concerns
and, for a write, the refusal an actor without it gets.

Who holds a permission, and over which rows, is data: `policy.csv` maps (role, resource,
action) to a scope name. This module names the permissions; `Guard.authorize` checks one and
raises its refusal. Tests hold the catalog, the policy file and the schema to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tortoise.models import Model

from models.agency import Agency
from models.announcement import Announcement
from models.audit import AuditEvent
from models.draw import Draw
from models.errors import RuleViolation
from models.filing import Filing
from models.inspection import Inspection, Inspector
from models.rules import RuleCode
from models.sanction import Sanction
from models.site import Site
from models.working_days import WorkingCalendarYear


class Resource(StrEnum):
    AGENCY = "agency"
    AGENCY_CONTACT = "agency_contact"
    AGENCY_SUPERVISION = "agency_supervision"
    SITE = "site"
    FILING = "filing"
    SANCTION = "sanction"
    ANNOUNCEMENT = "announcement"
    AUDIT_EVENT = "audit_event"
    INSPECTOR = "inspector"
    INSPECTION = "inspection"
    DRAW = "draw"
    CALENDAR = "calendar"


class Action(StrEnum):
    READ = "read"
    REGISTER = "register"
    ADD = "add"
    ACKNOWLEDGE = "acknowledge"
    SUBMIT = "submit"
    DECIDE = "decide"
    IMPORT = "import"
    MANAGE = "manage"
    ISSUE = "issue"
    RECORD = "record"
    RUN = "run"
    WRITE = "write"
    RECOMMEND_UPGRADE = "recommend_upgrade"
    APPROVE_UPGRADE = "approve_upgrade"
    RECOMMEND_NATIONAL = "recommend_national"


@dataclass(frozen=True, slots=True)
class Refusal:
    """What an actor without the permission is told (a visible object it may not change)."""

    code: RuleCode
    message: str
    article: int
    clause: int | None = None

    def error(self) -> RuleViolation:
        return RuleViolation(self.code, self.message, self.article, self.clause)


@dataclass(frozen=True, slots=True)
class Permission:
    """`target` is the model whose rows the granted scope selects; a write checks one such
    object (or, for role-wide writes, only that the role holds the permission at all)."""

    resource: Resource
    action: Action
    target: type[Model]
    refusal: Refusal | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.resource.value, self.action.value)

    @property
    def is_write(self) -> bool:
        return self.action is not Action.READ


def _read(resource: Resource, target: type[Model]) -> Permission:
    return Permission(resource, Action.READ, target)


# Reads: the scope becomes the SQL filter of every list, count, nested connection and lookup.
READ_AGENCY = _read(Resource.AGENCY, Agency)
READ_AGENCY_CONTACT = _read(Resource.AGENCY_CONTACT, Agency)
READ_AGENCY_SUPERVISION = _read(Resource.AGENCY_SUPERVISION, Agency)
READ_SITE = _read(Resource.SITE, Site)
READ_FILING = _read(Resource.FILING, Filing)
READ_SANCTION = _read(Resource.SANCTION, Sanction)
READ_ANNOUNCEMENT = _read(Resource.ANNOUNCEMENT, Announcement)
READ_AUDIT_EVENT = _read(Resource.AUDIT_EVENT, AuditEvent)
READ_INSPECTOR = _read(Resource.INSPECTOR, Inspector)
READ_INSPECTION = _read(Resource.INSPECTION, Inspection)
READ_DRAW = _read(Resource.DRAW, Draw)

_FILING_AUTHORITY = (
    "由负责该机构备案的人社部门办理：省中心负责省级评价机构，"
    "市级人社部门负责在本市备案的市级评价机构"
)

# Writes (DESIGN §6 "Writes").
REGISTER_AGENCY = Permission(
    Resource.AGENCY,
    Action.REGISTER,
    Agency,
    Refusal(
        RuleCode.NOT_FILING_AUTHORITY,
        "省中心受理各类评价机构备案；市级人社部门只登记在本市备案的市级评价机构（第3条、第4条）",
        3,
    ),
)
MANAGE_AGENCY = Permission(
    Resource.AGENCY,
    Action.MANAGE,
    Agency,
    Refusal(RuleCode.NOT_FILING_AUTHORITY, f"终止备案{_FILING_AUTHORITY}（第3条、第4条）", 3),
)
RECOMMEND_UPGRADE = Permission(
    Resource.AGENCY,
    Action.RECOMMEND_UPGRADE,
    Agency,
    Refusal(
        RuleCode.NOT_FILING_AUTHORITY,
        "由机构备案所在的市级人社部门推荐其按省级评价机构管理（第27条）",
        27,
    ),
)
APPROVE_UPGRADE = Permission(
    Resource.AGENCY,
    Action.APPROVE_UPGRADE,
    Agency,
    Refusal(RuleCode.NOT_PROVINCE, "是否按省级评价机构管理由省中心决定（第27条）", 27),
)
RECOMMEND_NATIONAL = Permission(
    Resource.AGENCY,
    Action.RECOMMEND_NATIONAL,
    Agency,
    Refusal(RuleCode.NOT_PROVINCE, "由省中心推荐省级评价机构申报国家级（第28条）", 28),
)
ADD_SITE = Permission(
    Resource.SITE,
    Action.ADD,
    Site,
    Refusal(RuleCode.NOT_OWN_AGENCY, "评价机构只能登记本机构的评价场所（第12条、第15条）", 12),
)
ACKNOWLEDGE_SITE = Permission(
    Resource.SITE,
    Action.ACKNOWLEDGE,
    Site,
    Refusal(RuleCode.NOT_SITE_CITY, "省级评价机构的考点由场所所在地的市级人社部门报备（第4条）", 4),
)
SUBMIT_FILING = Permission(
    Resource.FILING,
    Action.SUBMIT,
    Agency,
    Refusal(RuleCode.NOT_OWN_AGENCY, "评价机构只能为本机构向所属人社部门申请备案（第16条）", 16),
)
DECIDE_FILING = Permission(
    Resource.FILING,
    Action.DECIDE,
    Filing,
    Refusal(RuleCode.NOT_FILING_AUTHORITY, f"备案申请{_FILING_AUTHORITY}（第3条、第4条）", 3),
)
IMPORT_FILING = Permission(
    Resource.FILING,
    Action.IMPORT,
    Agency,
    Refusal(RuleCode.NOT_PROVINCE, "只有省中心可以录入本系统启用前已备案的记录（第3条）", 3),
)
ISSUE_SANCTION = Permission(
    Resource.SANCTION,
    Action.ISSUE,
    Agency,
    Refusal(
        RuleCode.NOT_FILING_AUTHORITY,
        f"违规处理{_FILING_AUTHORITY}（第3条、第4条、第21条至第23条）",
        3,
    ),
)
DECIDE_SANCTION = Permission(
    Resource.SANCTION,
    Action.DECIDE,
    Sanction,
    Refusal(
        RuleCode.NOT_FILING_AUTHORITY,
        f"违规处理{_FILING_AUTHORITY}（第3条、第4条、第21条至第23条）",
        3,
    ),
)
REGISTER_INSPECTOR = Permission(
    Resource.INSPECTOR,
    Action.REGISTER,
    Inspector,
    Refusal(
        RuleCode.NOT_OWN_POOL,
        "市级人社部门只登记本市的督导人员，省中心可登记各地督导人员（第20条）",
        20,
    ),
)
RECORD_INSPECTION = Permission(
    Resource.INSPECTION,
    Action.RECORD,
    Inspection,
    Refusal(
        RuleCode.NOT_SUPERVISOR,
        "市级人社部门督导在本市备案的评价机构及本行政区域内的评价场所（第4条、第20条）",
        4,
    ),
)
RUN_DRAW = Permission(
    Resource.DRAW,
    Action.RUN,
    Agency,
    Refusal(
        RuleCode.NOT_SUPERVISOR, "“双随机”抽查由省中心和市级人社部门按备案关系开展（第20条）", 20
    ),
)
WRITE_CALENDAR = Permission(
    Resource.CALENDAR,
    Action.WRITE,
    WorkingCalendarYear,
    Refusal(RuleCode.NOT_PROVINCE, "工作日历由省中心维护（第3条、第15条）", 3),
)

CATALOG: tuple[Permission, ...] = (
    READ_AGENCY,
    READ_AGENCY_CONTACT,
    READ_AGENCY_SUPERVISION,
    READ_SITE,
    READ_FILING,
    READ_SANCTION,
    READ_ANNOUNCEMENT,
    READ_AUDIT_EVENT,
    READ_INSPECTOR,
    READ_INSPECTION,
    READ_DRAW,
    REGISTER_AGENCY,
    MANAGE_AGENCY,
    RECOMMEND_UPGRADE,
    APPROVE_UPGRADE,
    RECOMMEND_NATIONAL,
    ADD_SITE,
    ACKNOWLEDGE_SITE,
    SUBMIT_FILING,
    DECIDE_FILING,
    IMPORT_FILING,
    ISSUE_SANCTION,
    DECIDE_SANCTION,
    REGISTER_INSPECTOR,
    RECORD_INSPECTION,
    RUN_DRAW,
    WRITE_CALENDAR,
)
BY_KEY: dict[tuple[str, str], Permission] = {p.key: p for p in CATALOG}
# The read that decides whether a row of each model is visible at all (lookups by id).
READ_OF: dict[type[Model], Permission] = {
    p.target: p
    for p in (
        READ_AGENCY,
        READ_SITE,
        READ_FILING,
        READ_SANCTION,
        READ_ANNOUNCEMENT,
        READ_AUDIT_EVENT,
        READ_INSPECTOR,
        READ_INSPECTION,
        READ_DRAW,
    )
}
