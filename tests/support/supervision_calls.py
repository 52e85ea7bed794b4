"""The supervision mutations (sanctions, inspections, inspectors, draws, upgrades) as the SPA
calls them, for the tests of issue 4. Agencies come from `tests.support.fresh_agencies` (registerAgency
as PROVINCE, addSite as the agency, importFiling as PROVINCE); this module only adds the calls
and the picture a refused mutation must leave unchanged.

Most tests run on `fresh_agencies.DAY` (2026-03-10) through `api_on(DAY)`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from models.agency import Agency
from models.announcement import Announcement
from models.audit import AuditEvent
from models.draw import Draw
from models.enums import Role
from models.filing import Filing
from models.inspection import Inspection, Inspector, InspectorConflict
from models.sanction import Sanction
from models.site import Site
from tests.support.fresh_agencies import DAY, DECIDE, FAILURES, Fresh, make_agency, mutate, submit

PROVINCE = "350000"

SANCTION_FIELDS = """
    id article clause grade status facts serious certificatesInvalidated decidedAt published
    rectificationDeadline rectifiedAt authority { code } agency { id status }
    escalatedFrom { id article clause grade }
"""

ISSUE = """
mutation ($input: IssueSanctionInput!) { issueSanction(input: $input) { __typename
  ... on IssueSanctionSuccess { escalated sanction { %s } }
  %s } }
""" % (SANCTION_FIELDS, FAILURES)

ACCEPT = """
mutation ($input: AcceptRectificationInput!) { acceptRectification(input: $input) { __typename
  ... on AcceptRectificationSuccess { sanction { %s } }
  %s } }
""" % (SANCTION_FIELDS, FAILURES)

CONFIRM = """
mutation ($input: ConfirmSanctionInput!) { confirmSanction(input: $input) { __typename
  ... on ConfirmSanctionSuccess { sanction { %s } }
  %s } }
""" % (SANCTION_FIELDS, FAILURES)

RECORD = """
mutation ($input: RecordInspectionInput!) { recordInspection(input: $input) { __typename
  ... on RecordInspectionSuccess {
    inspection { id kind mode date result findings published authority { code }
                 agency { id } site { id } }
    proposedSanction { %s } }
  %s } }
""" % (SANCTION_FIELDS, FAILURES)

REGISTER_INSPECTOR = """
mutation ($input: RegisterInspectorInput!) { registerInspector(input: $input) { __typename
  ... on RegisterInspectorSuccess { inspector { id name region { code } } }
  %s } }
""" % FAILURES

DRAW_FIELDS = """
    id seed algorithm populationHash poolHash createdAt published count inspectorsPerAgency
    authority { code } assignments { agency { id } inspectors }
"""

DRAW = """
mutation ($input: DrawInspectionsInput!) { drawInspections(input: $input) { __typename
  ... on DrawInspectionsSuccess { draw { %s } }
  %s } }
""" % (DRAW_FIELDS, FAILURES)

UPGRADE_FIELDS = """
  ... on UpgradeSuccess { agency { id level status filingRegion { code } upgradeRecommendedAt
                                   nationalRecommendedAt } }
"""

RECOMMEND_UPGRADE = """
mutation ($input: RecommendUpgradeInput!) { recommendUpgrade(input: $input) { __typename
  %s %s } }
""" % (UPGRADE_FIELDS, FAILURES)

APPROVE_UPGRADE = """
mutation ($input: AgencyInput!) { approveUpgrade(input: $input) { __typename %s %s } }
""" % (UPGRADE_FIELDS, FAILURES)

RECOMMEND_NATIONAL = """
mutation ($input: AgencyInput!) { recommendNational(input: $input) { __typename %s %s } }
""" % (UPGRADE_FIELDS, FAILURES)

AGENCY_STANDING = """
query ($id: ID!) { agency(id: $id) { id status level validUntil bannedUntil
                                     supervisionMode incentives filingRegion { code } } }
"""


def province(api: Any) -> str:
    return str(api.token(Role.PROVINCE))


def city(api: Any, region: str) -> str:
    return str(api.token(Role.CITY, region=region))


async def issue(api: Any, agency: Fresh, article: int, clause: int, token: str | None = None,
                *, facts: str = "督导发现的违规事实。", **extra: Any) -> dict[str, Any]:
    """issueSanction, by the province unless `token` says otherwise (pass "" for PUBLIC)."""
    return await mutate(api, ISSUE, {"agencyId": agency.id, "article": article,
                                     "clause": clause, "facts": facts, **extra},
                        province(api) if token is None else token or None)


async def issued(api: Any, agency: Fresh, article: int, clause: int, token: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The success payload ({escalated, sanction}) of an issueSanction that must succeed."""
    result = await issue(api, agency, article, clause, token, **extra)
    assert result["__typename"] == "IssueSanctionSuccess", result
    return result


async def accept(api: Any, sanction_id: str, token: str | None = None) -> dict[str, Any]:
    return await mutate(api, ACCEPT, {"sanctionId": sanction_id},
                        province(api) if token is None else token or None)


async def confirm(api: Any, sanction_id: str, token: str | None = None) -> dict[str, Any]:
    return await mutate(api, CONFIRM, {"sanctionId": sanction_id},
                        province(api) if token is None else token or None)


async def record(api: Any, agency: Fresh, on: date, result: str = "UNQUALIFIED",
                 token: str | None = None, *, kind: str = "EXTERNAL", mode: str = "EVERY_EXAM",
                 **extra: Any) -> dict[str, Any]:
    """recordInspection, by the province unless `token` says otherwise."""
    return await mutate(api, RECORD, {"agencyId": agency.id, "kind": kind, "mode": mode,
                                      "date": on.isoformat(), "result": result, **extra},
                        province(api) if token is None else token or None)


async def recorded(api: Any, agency: Fresh, on: date, result: str = "UNQUALIFIED",
                   token: str | None = None, **extra: Any) -> dict[str, Any]:
    payload = await record(api, agency, on, result, token, **extra)
    assert payload["__typename"] == "RecordInspectionSuccess", payload
    return payload


async def register_inspector(api: Any, region: str, token: str | None = None, *,
                             name: str = "督导员", conflicts: list[Fresh] | None = None,
                             **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": name, "regionCode": region, **extra}
    if conflicts is not None:
        payload["conflictAgencyIds"] = [a.id for a in conflicts]
    return await mutate(api, REGISTER_INSPECTOR, payload,
                        province(api) if token is None else token or None)


async def inspector(api: Any, region: str = PROVINCE, token: str | None = None, *,
                    conflicts: list[Fresh] | None = None, name: str = "督导员") -> str:
    """The GraphQL id of a newly registered inspector."""
    result = await register_inspector(api, region, token, name=name, conflicts=conflicts)
    assert result["__typename"] == "RegisterInspectorSuccess", result
    return str(result["inspector"]["id"])


async def draw(api: Any, inspectors: list[str], token: str | None = None,
               **extra: Any) -> dict[str, Any]:
    """drawInspections, by the province unless `token` says otherwise."""
    return await mutate(api, DRAW, {"inspectorIds": inspectors, **extra},
                        province(api) if token is None else token or None)


async def standing(api: Any, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    """The agency as `token` (the province by default; "" for PUBLIC) reads it."""
    data = await api.query(AGENCY_STANDING, {"id": agency.id},
                           province(api) if token is None else token or None)
    found: dict[str, Any] = data["agency"]
    return found


async def renew(api: Any, agency: Fresh) -> None:
    """The agency applies for renewal carrying its scope over; the province approves."""
    submitted = await submit(api, agency, "RENEWAL")
    assert submitted["__typename"] == "SubmitFilingSuccess", submitted
    decided = await mutate(api, DECIDE, {"filingId": submitted["filing"]["id"],
                                         "approve": True}, province(api))
    assert decided["__typename"] == "DecideFilingSuccess", decided


def renewable_from(day: date) -> date:
    """A `validFrom` whose 3-year filing ends 30 days after `day`: inside the renewal window."""
    return date(day.year - 3, day.month, day.day) + timedelta(days=30)


async def renewed_agency(api_on: Any, *, renewed_on: date = DAY, **make: Any) -> Fresh:
    """An agency in its second filing period: imported with a first period ending 30 days
    after `renewed_on`, renewed and approved on `renewed_on`. Its second period starts on
    `renewed_on + 30 days`."""
    async with api_on(renewed_on) as api:
        agency = await make_agency(api, valid_from=renewable_from(renewed_on), **make)
        await renew(api, agency)
    return agency


SUPERVISION_TABLES = {
    "sanction": Sanction, "inspection": Inspection, "inspector": Inspector,
    "inspector_conflict": InspectorConflict, "draw": Draw, "audit_event": AuditEvent,
    "announcement": Announcement, "filing": Filing, "site": Site,
}


async def world(*agencies: Fresh) -> dict[str, Any]:
    """Row counts of every table these operations touch, and the involved agencies' rows."""
    picture: dict[str, Any] = {name: await model.all().count()
                               for name, model in SUPERVISION_TABLES.items()}
    picture["agencies"] = await Agency.filter(id__in=[a.pk for a in agencies]).order_by(
        "id").values_list("state", "level", "filing_region_id", "valid_until", "banned_until",
                          "upgrade_recommended_at", "national_recommended_at")
    picture["their_sanctions"] = await Sanction.filter(
        agency_id__in=[a.pk for a in agencies]).order_by("id").values_list(
        "status", "decided_at", "published", "rectified_at")
    return picture
