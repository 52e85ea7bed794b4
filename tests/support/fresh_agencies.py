"""Fresh agencies for the lifecycle tests, built through the API as the real actors would:
the PROVINCE registers (registerAgency), the AGENCY adds its sites (addSite), the PROVINCE
imports its approved filing (importFiling) to make it ACTIVE. Credit codes and addresses are
random, so tests never collide with the demo data, with each other or with other modules.

`DAY` is the fixed "today" most lifecycle tests run on (`api_on(DAY)`): a plain Tuesday whose
five working days (Art. 15) are 2026-03-10..2026-03-16 (verified with chinese_calendar).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.agency import Agency
from models.announcement import Announcement
from models.audit import AuditEvent
from models.claim import ItemClaim
from models.credit_code import ALPHABET, with_check_character
from models.enums import Role
from models.filing import Filing, FilingItem
from models.site import Site
from models.working_days import WorkingCalendarDay, WorkingCalendarYear
from schema.core.ids import from_global_id, to_global_id

DAY = date(2026, 3, 10)
DAY_PERIOD = ("2026-03-10", "2026-03-16")  # Tue..Fri, then Mon: 5 working days
VALID_FROM = date(2025, 1, 6)  # imported filings: in force on DAY and today, > 1 year old
DIANGONG = ("6-31-01-03", "电工")
HANGONG = ("6-18-02-04", "焊工")

FAILURES = """
    ... on RuleViolation { code article clause message }
    ... on InvalidInput { field message }
    ... on NotFound { message }
"""

REGISTER = """
mutation ($input: RegisterAgencyInput!) { registerAgency(input: $input) { __typename
  ... on RegisterAgencySuccess { agency { id creditCode status level filingRegion { code } } }
  %s } }
""" % FAILURES

ADD_SITE = """
mutation ($input: AddSiteInput!) { addSite(input: $input) { __typename
  ... on AddSiteSuccess { site { id name region { code } acknowledgedAt } }
  %s } }
""" % FAILURES

IMPORT = """
mutation ($input: ImportFilingInput!) { importFiling(input: $input) { __typename
  ... on ImportFilingSuccess { filing { id kind status validFrom validUntil } }
  %s } }
""" % FAILURES

SUBMIT = """
mutation ($input: SubmitFilingInput!) { submitFiling(input: $input) { __typename
  ... on SubmitFilingSuccess { filing { id kind status } }
  %s } }
""" % FAILURES

DECIDE = """
mutation ($input: DecideFilingInput!) { decideFiling(input: $input) { __typename
  ... on DecideFilingSuccess { filing { id kind status decidedAt } }
  %s } }
""" % FAILURES

TERMINATE = """
mutation ($input: TerminateAgencyInput!) { terminateAgency(input: $input) { __typename
  ... on TerminateAgencySuccess {
    agency { id status }
    announcement { id kind startDate endDate terminationReason reportedToMinistryAt body
                   current authority { code } agency { id } } }
  %s } }
""" % FAILURES

ACKNOWLEDGE = """
mutation ($input: AcknowledgeSiteInput!) { acknowledgeSite(input: $input) { __typename
  ... on AcknowledgeSiteSuccess { site { id acknowledgedAt region { code } } }
  %s } }
""" % FAILURES

SET_CALENDAR = """
mutation ($input: SetWorkingCalendarInput!) { setWorkingCalendar(input: $input) { __typename
  ... on SetWorkingCalendarSuccess { year holidays makeupWorkingDays }
  %s } }
""" % FAILURES


def credit_code(region: str = "350100") -> str:
    """A valid, random 统一社会信用代码 (GB 32100-2015) with the region's admin code."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(9))
    return with_check_character(f"91{region}{tail}")


def address(region: str) -> str:
    return f"福建省测试区{region}路{secrets.token_hex(6)}号"


def outcome(result: dict[str, Any]) -> str:
    """'ok' for an XSuccess payload, else the typed failure's name."""
    name = str(result["__typename"])
    return "ok" if name.endswith("Success") else name


def pk(global_id: str) -> int:
    parsed = from_global_id(global_id)
    assert parsed is not None, global_id
    return parsed[1]


async def mutate(api: Any, document: str, input: dict[str, Any],
                 token: str | None) -> dict[str, Any]:
    data = await api.query(document, {"input": input}, token)
    (payload,) = data.values()
    return dict(payload)


@dataclass
class Fresh:
    """An agency built for one test."""

    id: str
    credit_code: str
    level: str
    filing_region: str
    name: str
    site_ids: list[str] = field(default_factory=list)
    filing_id: str | None = None

    @property
    def pk(self) -> int:
        return pk(self.id)

    def token(self, api: Any) -> str:
        return str(api.token(Role.AGENCY, agency=self.credit_code))


async def register(api: Any, *, level: str = "CITY", region: str = "350100",
                   kind: str = "EMPLOYER", is_college: bool = False,
                   name: str | None = None, token: str | None = None) -> Fresh:
    filing_region = "350000" if level == "PROVINCIAL" else region
    code = credit_code(filing_region)
    name = name or f"测试评价机构{code[-6:]}"
    result = await mutate(api, REGISTER, {
        "name": name, "creditCode": code, "kind": kind, "isCollege": is_college,
        "level": level, "filingRegionCode": filing_region,
        "contactName": "测试联系人", "contactPhone": "0591-88886666",
    }, token or api.token(Role.PROVINCE))
    assert result["__typename"] == "RegisterAgencySuccess", result
    return Fresh(id=result["agency"]["id"], credit_code=code, level=level,
                 filing_region=filing_region, name=name)


async def add_site(api: Any, agency: Fresh, region: str, *,
                   tenure: str = "OWNED") -> str:
    result = await mutate(api, ADD_SITE, {
        "agencyId": agency.id, "name": f"测试考点{secrets.token_hex(3)}",
        "address": address(region), "regionCode": region, "tenure": tenure,
        "hasVideoSurveillance": True,
    }, agency.token(api))
    assert result["__typename"] == "AddSiteSuccess", result
    site_id = str(result["site"]["id"])
    agency.site_ids.append(site_id)
    return site_id


def items(site_ids: list[str], occupations: tuple[tuple[str, str], ...] = (DIANGONG,),
          level: str = "LEVEL_4") -> list[dict[str, str]]:
    return [{"occupationCode": code, "occupationName": name, "level": level, "siteId": s}
            for s in site_ids for code, name in occupations]


async def import_filing(api: Any, agency: Fresh, *, valid_from: date = VALID_FROM,
                        occupations: tuple[tuple[str, str], ...] = (DIANGONG,)) -> str:
    result = await mutate(api, IMPORT, {
        "agencyId": agency.id, "validFrom": valid_from.isoformat(),
        "items": items(agency.site_ids, occupations),
    }, api.token(Role.PROVINCE))
    assert result["__typename"] == "ImportFilingSuccess", result
    agency.filing_id = str(result["filing"]["id"])
    return agency.filing_id


async def make_agency(api: Any, *, level: str = "CITY", region: str = "350100",
                      site_regions: tuple[str, ...] | None = None, active: bool = True,
                      kind: str = "EMPLOYER", is_college: bool = False,
                      occupations: tuple[tuple[str, str], ...] = (DIANGONG,),
                      valid_from: date = VALID_FROM) -> Fresh:
    """Register (as PROVINCE), add sites (as the agency), and for `active` import a filing
    covering every site (as PROVINCE)."""
    agency = await register(api, level=level, region=region, kind=kind, is_college=is_college)
    if site_regions is None:
        site_regions = (region if level == "CITY" else "350100",)
    for r in site_regions:
        await add_site(api, agency, r)
    if active:
        await import_filing(api, agency, valid_from=valid_from, occupations=occupations)
    return agency


async def submit(api: Any, agency: Fresh, kind: str, **fields: Any) -> dict[str, Any]:
    return await mutate(api, SUBMIT, {"agencyId": agency.id, "kind": kind, **fields},
                        agency.token(api))


async def terminate(api: Any, agency: Fresh, reason: str = "VOLUNTARY",
                    token: str | None = None, note: str | None = None) -> dict[str, Any]:
    input: dict[str, Any] = {"agencyId": agency.id, "reason": reason}
    if note is not None:
        input["note"] = note
    return await mutate(api, TERMINATE, input, token or api.token(Role.PROVINCE))


TABLES = {
    "agency": Agency, "site": Site, "filing": Filing, "filing_item": FilingItem,
    "announcement": Announcement, "audit_event": AuditEvent, "item_claim": ItemClaim,
    "working_calendar_year": WorkingCalendarYear, "working_calendar_day": WorkingCalendarDay,
}


async def counts() -> dict[str, int]:
    return {name: await model.all().count() for name, model in TABLES.items()}


async def events_of(agency: Fresh) -> list[AuditEvent]:
    return await AuditEvent.filter(agency_id=agency.pk).order_by("id")


def gid(type_name: str, key: int) -> str:
    return to_global_id(type_name, key)
