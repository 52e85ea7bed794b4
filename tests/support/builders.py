"""Builders for the filing-lifecycle tests.

Every record is made through the API exactly as the SPA and the officials would make it
(registerAgency, addSite, importFiling, submitFiling, decideFiling), with fresh credit codes and
addresses, so each test owns its agencies and the tests run in any order, next to the demo data.

`world()` takes the picture a refused mutation must leave unchanged.
"""

from __future__ import annotations

import calendar
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from models.agency import Agency as AgencyRow
from models.announcement import Announcement
from models.audit import AuditEvent
from models.claim import ItemClaim
from models.credit_code import ALPHABET, with_check_character
from models.enums import Role
from models.filing import Filing, FilingItem
from models.site import Site
from schema.core.ids import from_global_id
from server.clock import today as registry_today

if TYPE_CHECKING:
    from tests.conftest import Api

PROVINCE_CODE = "350000"

# 2022 national classification (DESIGN §4).
OCCUPATIONS = {
    "电工": "6-31-01-03", "焊工": "6-18-02-04", "车工": "6-18-01-01", "保育师": "4-10-01-03",
    "养老护理员": "4-10-01-05", "茶艺师": "4-03-02-07", "美发师": "4-10-03-02",
}

FAILURES = """
    ... on RuleViolation { code article clause message }
    ... on InvalidInput { field message }
    ... on NotFound { message }
"""

FILING_FIELDS = """
    id kind status validFrom validUntil reason newName newLegalRepresentative
    submittedAt decidedAt authority { code } agency { id }
    items { occupationCode occupationName level site { id } }
"""

REGISTER_AGENCY = """
mutation ($input: RegisterAgencyInput!) {
  registerAgency(input: $input) {
    __typename ... on RegisterAgencySuccess { agency { id } } %s
  }
}""" % FAILURES

ADD_SITE = """
mutation ($input: AddSiteInput!) {
  addSite(input: $input) { __typename ... on AddSiteSuccess { site { id } } %s }
}""" % FAILURES

SUBMIT_FILING = """
mutation ($input: SubmitFilingInput!) {
  submitFiling(input: $input) { __typename ... on SubmitFilingSuccess { filing { %s } } %s }
}""" % (FILING_FIELDS, FAILURES)

DECIDE_FILING = """
mutation ($input: DecideFilingInput!) {
  decideFiling(input: $input) { __typename ... on DecideFilingSuccess { filing { %s } } %s }
}""" % (FILING_FIELDS, FAILURES)

IMPORT_FILING = """
mutation ($input: ImportFilingInput!) {
  importFiling(input: $input) { __typename ... on ImportFilingSuccess { filing { %s } } %s }
}""" % (FILING_FIELDS, FAILURES)

ISSUE_SANCTION = """
mutation ($input: IssueSanctionInput!) {
  issueSanction(input: $input) {
    __typename ... on IssueSanctionSuccess { sanction { id grade decidedAt } } %s
  }
}""" % FAILURES

AGENCY = """
query ($id: ID!) {
  agency(id: $id) { id name legalRepresentative status validUntil bannedUntil }
}"""


def today() -> date:
    """The registry's calendar day (Asia/Shanghai), as the `api` fixture's app sees it."""
    return registry_today()


def years_later(day: date, years: int) -> date:
    """The same calendar date `years` on (or back); 29 February falls on 28 February."""
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def pk(global_id: str) -> int:
    decoded = from_global_id(global_id)
    assert decoded is not None, global_id
    return decoded[1]


def new_credit_code(region: str = "350100") -> str:
    """A valid 统一社会信用代码 no other test (or the demo) uses."""
    organisation = "".join(secrets.choice(ALPHABET) for _ in range(9))
    return with_check_character(f"91{region}{organisation}")


@dataclass
class Org:
    """An agency made by a test."""

    id: str  # GraphQL ID
    pk: int
    credit_code: str
    region: str  # where it is filed: 350000 for a provincial agency, else its city
    token: str  # AGENCY token for it
    sites: list[str] = field(default_factory=list)  # GraphQL ids of the venues it registered


def item(site: str, occupation: str = "电工", level: str = "LEVEL_4") -> dict[str, str]:
    return {"occupationCode": OCCUPATIONS[occupation], "occupationName": occupation,
            "level": level, "siteId": site}


async def register(api: Api, *, region: str = "350100", level: str = "CITY",
                   kind: str = "EMPLOYER", college: bool = False) -> Org:
    """A PENDING agency, registered by the province."""
    filing_region = PROVINCE_CODE if level == "PROVINCIAL" else region
    code = new_credit_code(region if level == "CITY" else "350100")
    result = (await api.query(REGISTER_AGENCY, {"input": {
        "name": f"测试评价机构{code[-6:]}", "creditCode": code, "kind": kind,
        "isCollege": college, "level": level, "filingRegionCode": filing_region,
        "contactName": "王老师", "contactPhone": "0591-87000000",
    }}, api.token(Role.PROVINCE)))["registerAgency"]
    assert result["__typename"] == "RegisterAgencySuccess", result
    agency_id = result["agency"]["id"]
    return Org(id=agency_id, pk=pk(agency_id), credit_code=code, region=filing_region,
               token=api.token(Role.AGENCY, agency=code))


async def add_site(api: Api, org: Org, *, region: str | None = None,
                   tenure: str = "OWNED") -> str:
    """A new venue registered by the agency itself; returns its GraphQL id."""
    tag = uuid.uuid4().hex[:12]
    region = region or (org.region if org.region != PROVINCE_CODE else "350100")
    result = (await api.query(ADD_SITE, {"input": {
        "agencyId": org.id, "name": f"测试考点{tag}", "address": f"福建省实训路{tag}号",
        "regionCode": region, "tenure": tenure, "hasVideoSurveillance": True,
    }}, org.token))["addSite"]
    assert result["__typename"] == "AddSiteSuccess", result
    site_id: str = result["site"]["id"]
    org.sites.append(site_id)
    return site_id


async def new_agency(api: Api, *, sites: int = 1, site_region: str | None = None,
                     tenure: str = "OWNED", **register_kw: Any) -> Org:
    """A PENDING agency with `sites` venues of its own."""
    org = await register(api, **register_kw)
    for _ in range(sites):
        await add_site(api, org, region=site_region, tenure=tenure)
    return org


async def import_filing(api: Api, org: Org, valid_from: date, items: list[dict[str, str]],
                        token: str | None = None) -> dict[str, Any]:
    """importFiling as the province (or `token`); the typed result."""
    data = await api.query(IMPORT_FILING, {"input": {
        "agencyId": org.id, "validFrom": valid_from.isoformat(), "items": items,
    }}, token if token is not None else api.token(Role.PROVINCE))
    result: dict[str, Any] = data["importFiling"]
    return result


Scope = Callable[[list[str]], list[dict[str, str]]]


def everywhere(sites: list[str]) -> list[dict[str, str]]:
    return [item(s) for s in sites]


async def filed_agency(api: Api, valid_from: date, *, sites: int = 1,
                       scope: Scope = everywhere, **agency_kw: Any) -> Org:
    """An agency whose filing the province imported with this `validFrom` (its first
    approval); `scope(its sites)` lists the items, by default 电工 LEVEL_4 at each site."""
    org = await new_agency(api, sites=sites, **agency_kw)
    result = await import_filing(api, org, valid_from, scope(org.sites))
    assert result["__typename"] == "ImportFilingSuccess", result
    return org


async def public_venue(api: Api) -> str:
    """A venue every agency can see: on the approved filing (茶艺师 only) of the agency that
    registered it, so other agencies may put it on their filings for other occupations."""
    owner = await filed_agency(api, today() - timedelta(days=100),
                               scope=lambda s: [item(s[0], "茶艺师")])
    return owner.sites[0]


async def submit(api: Api, org: Org, kind: str, items: list[dict[str, str]] | None = None,
                 token: str | None = None, **extra: Any) -> dict[str, Any]:
    """submitFiling for `org`, by the agency itself unless `token` says otherwise
    (pass "" for PUBLIC)."""
    payload: dict[str, Any] = {"agencyId": org.id, "kind": kind, **extra}
    if items is not None:
        payload["items"] = items
    data = await api.query(SUBMIT_FILING, {"input": payload},
                           org.token if token is None else token or None)
    result: dict[str, Any] = data["submitFiling"]
    return result


async def submitted(api: Api, org: Org, kind: str, items: list[dict[str, str]] | None = None,
                    **extra: Any) -> str:
    """The GraphQL id of a filing the agency submitted successfully."""
    result = await submit(api, org, kind, items, **extra)
    assert result["__typename"] == "SubmitFilingSuccess", result
    filing_id: str = result["filing"]["id"]
    return filing_id


async def decide(api: Api, filing_id: str, *, approve: bool = True, reason: str | None = None,
                 token: str | None = None) -> dict[str, Any]:
    """decideFiling, by the province unless `token` says otherwise (pass "" for PUBLIC)."""
    data = await api.query(DECIDE_FILING, {"input": {
        "filingId": filing_id, "approve": approve, "reason": reason,
    }}, api.token(Role.PROVINCE) if token is None else token or None)
    result: dict[str, Any] = data["decideFiling"]
    return result


async def approved(api: Api, filing_id: str, token: str | None = None) -> dict[str, Any]:
    result = await decide(api, filing_id, token=token)
    assert result["__typename"] == "DecideFilingSuccess", result
    filing: dict[str, Any] = result["filing"]
    return filing


async def sanctioned(api: Api, org: Org, article: int, clause: int) -> dict[str, Any]:
    """An effective Art. 22 rectification or Art. 23 revocation issued by the province today
    (the app's today: run it through `api_on(day)` to date it)."""
    data = await api.query(ISSUE_SANCTION, {"input": {
        "agencyId": org.id, "article": article, "clause": clause, "facts": "督导发现的违规情况",
    }}, api.token(Role.PROVINCE))
    result: dict[str, Any] = data["issueSanction"]
    assert result["__typename"] == "IssueSanctionSuccess", result
    return result


async def agency_view(api: Api, org: Org) -> dict[str, Any]:
    """The agency as the province reads it."""
    data = await api.query(AGENCY, {"id": org.id}, api.token(Role.PROVINCE))
    agency: dict[str, Any] = data["agency"]
    return agency


async def holders(site: str, occupation: str = "电工") -> list[int]:
    """Agencies (pks) holding the (site, occupation) pair in force (Art. 12 claims)."""
    return list(await ItemClaim.filter(
        site_id=pk(site), occupation_code=OCCUPATIONS[occupation], released_at__isnull=True,
    ).order_by("id").values_list("agency_id", flat=True))


async def world(*orgs: Org) -> dict[str, Any]:
    """Everything a refused mutation must leave as it was: row counts of the tables a filing
    touches, and the state of the agencies and filings involved."""
    agency_ids = [o.pk for o in orgs]
    return {
        "filings": await Filing.all().count(),
        "filing_items": await FilingItem.all().count(),
        "claims": await ItemClaim.all().count(),
        "claims_in_force": await ItemClaim.filter(released_at__isnull=True).count(),
        "audit_events": await AuditEvent.all().count(),
        "announcements": await Announcement.all().count(),
        "sites": await Site.all().count(),
        "agencies": await AgencyRow.filter(id__in=agency_ids).order_by("id").values_list(
            "state", "name", "legal_representative", "first_approved_on", "valid_until",
            "banned_until"),
        "their_filings": await Filing.filter(agency_id__in=agency_ids).order_by("id")
        .values_list("status", "decided_at", "valid_from", "valid_until", "reason"),
    }


def days(n: int) -> timedelta:
    return timedelta(days=n)
