"""Records made for one test, through the API as the real actors make them.

The PROVINCE registers an agency (registerAgency), the AGENCY adds its venues (addSite), the
PROVINCE imports its approved filing (importFiling) to make it ACTIVE; the agency applies
(submitFiling), its authority decides (decideFiling), sanctions (issueSanction ...), inspects
(recordInspection) and draws (drawInspections). Credit codes and addresses are random, so tests
never collide with the demo data, with each other or with other modules, and run in any order.

Each call has two forms: `submit`, `decide`, `issue`, `record`, `register_inspector` ... return
the typed result as it came (to assert a refusal); `submitted`, `approved`, `issued`, `recorded`,
`inspector` ... assert that it succeeded. A `token` argument names another actor than the one
who normally acts; "" is the PUBLIC.

`DAY` is the fixed "today" most tests run on (`api_on(DAY)`): a plain Tuesday whose five
working days (Art. 15) are 2026-03-10..2026-03-16 (checked against chinese_calendar).
What a refused write must leave as it was is tests/support/snapshot.py's business.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from models.audit import AuditEvent
from models.claim import ItemClaim
from models.credit_code import ALPHABET, with_check_character
from models.enums import Role
from schema.core.ids import from_global_id, to_global_id
from server.clock import today as registry_today
from tests.support.documents import (
    ACCEPT_RECTIFICATION,
    ACKNOWLEDGE_SITE,
    ADD_SITE,
    AGENCY,
    APPROVE_UPGRADE,
    CONFIRM_SANCTION,
    DECIDE_FILING,
    DRAW_INSPECTIONS,
    IMPORT_FILING,
    ISSUE_SANCTION,
    RECOMMEND_NATIONAL,
    RECOMMEND_UPGRADE,
    RECORD_INSPECTION,
    REGISTER_AGENCY,
    REGISTER_INSPECTOR,
    SUBMIT_FILING,
    TERMINATE_AGENCY,
)

if TYPE_CHECKING:
    from tests.support.http_api import Api

PROVINCE_CODE = "350000"
DAY = date(2026, 3, 10)
DAY_PERIOD = ("2026-03-10", "2026-03-16")  # Tue..Fri, then Mon: 5 working days
VALID_FROM = date(2025, 1, 6)  # imported filings: in force on DAY and today, > 1 year old

# 2022 national classification (DESIGN §4): name -> code.
OCCUPATIONS = {
    "电工": "6-31-01-03",
    "焊工": "6-18-02-04",
    "车工": "6-18-01-01",
    "保育师": "4-10-01-03",
    "养老护理员": "4-10-01-05",
    "茶艺师": "4-03-02-07",
    "美发师": "4-10-03-02",
}
DIANGONG = (OCCUPATIONS["电工"], "电工")
HANGONG = (OCCUPATIONS["焊工"], "焊工")


# ============================================================================================
# Plain values


def today() -> date:
    """The registry's calendar day (Asia/Shanghai), as the `api` fixture's app sees it."""
    return registry_today()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def years_later(day: date, years: int) -> date:
    """The same calendar date `years` on (or back); 29 February falls on 28 February."""
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def pk(global_id: str) -> int:
    parsed = from_global_id(global_id)
    assert parsed is not None, global_id
    return parsed[1]


def gid(type_name: str, key: int) -> str:
    return to_global_id(type_name, key)


def credit_code(region: str = "350100") -> str:
    """A valid, random 统一社会信用代码 (GB 32100-2015) with the region's admin code."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(9))
    return with_check_character(f"91{region}{tail}")


def address(region: str) -> str:
    return f"福建省测试区{region}路{secrets.token_hex(6)}号"


def item(site: str, occupation: str = "电工", level: str = "LEVEL_4") -> dict[str, str]:
    """A filing item: `occupation` by name (OCCUPATIONS) at `site`."""
    return {
        "occupationCode": OCCUPATIONS[occupation],
        "occupationName": occupation,
        "level": level,
        "siteId": site,
    }


def items(
    site_ids: list[str],
    occupations: tuple[tuple[str, str], ...] = (DIANGONG,),
    level: str = "LEVEL_4",
) -> list[dict[str, str]]:
    """Every (code, name) of `occupations` at every site."""
    return [
        {"occupationCode": code, "occupationName": name, "level": level, "siteId": s}
        for s in site_ids
        for code, name in occupations
    ]


def outcome(result: dict[str, Any]) -> str:
    """'ok' for an XSuccess payload, else the typed failure's name."""
    name = str(result["__typename"])
    return "ok" if name.endswith("Success") else name


def province(api: Api) -> str:
    return api.token(Role.PROVINCE)


def city(api: Api, region: str) -> str:
    return api.token(Role.CITY, region=region)


def _as(default: str | None, token: str | None) -> str | None:
    """`token` when given ("" is the PUBLIC), else the actor who normally acts."""
    return default if token is None else token or None


async def mutate(
    api: Api, document: str, input: dict[str, Any], token: str | None
) -> dict[str, Any]:
    """The typed result of a mutation document of tests/support/documents.py."""
    data = await api.query(document, {"input": input}, token)
    (payload,) = data.values()
    return dict(payload)


# ============================================================================================
# Agencies and venues


@dataclass
class Fresh:
    """An agency made by a test."""

    id: str  # GraphQL ID
    credit_code: str
    level: str
    filing_region: str  # 350000 for a provincial agency, else its city
    name: str
    token: str  # an AGENCY token for it
    site_ids: list[str] = field(default_factory=list)  # the venues it registered
    filing_id: str | None = None  # the filing the province imported

    @property
    def pk(self) -> int:
        return pk(self.id)


async def register(
    api: Api,
    *,
    level: str = "CITY",
    region: str = "350100",
    kind: str = "EMPLOYER",
    is_college: bool = False,
    name: str | None = None,
    token: str | None = None,
) -> Fresh:
    """A PENDING agency, registered by the province (or `token`)."""
    filing_region = PROVINCE_CODE if level == "PROVINCIAL" else region
    code = credit_code(filing_region)
    name = name or f"测试评价机构{code[-6:]}"
    result = await mutate(
        api,
        REGISTER_AGENCY,
        {
            "name": name,
            "creditCode": code,
            "kind": kind,
            "isCollege": is_college,
            "level": level,
            "filingRegionCode": filing_region,
            "contactName": "测试联系人",
            "contactPhone": "0591-88886666",
        },
        token or province(api),
    )
    assert result["__typename"] == "RegisterAgencySuccess", result
    return Fresh(
        id=result["agency"]["id"],
        credit_code=code,
        level=level,
        filing_region=filing_region,
        name=name,
        token=api.token(Role.AGENCY, agency=code),
    )


async def add_site(
    api: Api, agency: Fresh, region: str | None = None, *, tenure: str = "OWNED"
) -> str:
    """A new venue the agency registers itself (in its filing city, or 福州 for a provincial
    agency, unless `region` says otherwise); its GraphQL id."""
    region = region or (agency.filing_region if agency.level == "CITY" else "350100")
    result = await mutate(
        api,
        ADD_SITE,
        {
            "agencyId": agency.id,
            "name": f"测试考点{secrets.token_hex(3)}",
            "address": address(region),
            "regionCode": region,
            "tenure": tenure,
            "hasVideoSurveillance": True,
        },
        agency.token,
    )
    assert result["__typename"] == "AddSiteSuccess", result
    site_id = str(result["site"]["id"])
    agency.site_ids.append(site_id)
    return site_id


async def acknowledge(api: Api, site_id: str, token: str | None) -> dict[str, Any]:
    """acknowledgeSite by `token` (the city the site lies in acknowledges)."""
    return await mutate(api, ACKNOWLEDGE_SITE, {"siteId": site_id}, token)


Scope = Callable[[list[str]], list[dict[str, str]]]


async def make_agency(
    api: Api,
    *,
    level: str = "CITY",
    region: str = "350100",
    sites: int = 1,
    site_regions: tuple[str, ...] | None = None,
    active: bool = True,
    kind: str = "EMPLOYER",
    is_college: bool = False,
    tenure: str = "OWNED",
    valid_from: date = VALID_FROM,
    occupations: tuple[tuple[str, str], ...] = (DIANGONG,),
    scope: Scope | None = None,
) -> Fresh:
    """Registered by the province; its venues added by the agency (one per `site_regions`, or
    `sites` in its default region); for `active`, a filing the province imports with
    `valid_from` (its first approval), covering `occupations` at every venue, or the items
    `scope(its venues)` lists."""
    agency = await register(api, level=level, region=region, kind=kind, is_college=is_college)
    for r in site_regions if site_regions is not None else (None,) * sites:
        await add_site(api, agency, r, tenure=tenure)
    if active:
        await imported(
            api,
            agency,
            valid_from=valid_from,
            items=scope(agency.site_ids) if scope else items(agency.site_ids, occupations),
        )
    return agency


async def public_venue(api: Api) -> str:
    """A venue every agency can see: on the approved filing (茶艺师 only) of the agency that
    registered it, so other agencies may put it on their filings for other occupations."""
    owner = await make_agency(
        api, valid_from=today() - days(100), scope=lambda s: [item(s[0], "茶艺师")]
    )
    return owner.site_ids[0]


# ============================================================================================
# Filings


async def import_filing(
    api: Api, agency: Fresh, valid_from: date, items: list[dict[str, str]], token: str | None = None
) -> dict[str, Any]:
    """importFiling, by the province unless `token` says otherwise."""
    return await mutate(
        api,
        IMPORT_FILING,
        {
            "agencyId": agency.id,
            "validFrom": valid_from.isoformat(),
            "items": items,
        },
        _as(province(api), token),
    )


async def imported(
    api: Api, agency: Fresh, *, valid_from: date = VALID_FROM, items: list[dict[str, str]]
) -> str:
    """The id of a filing the province imported successfully (also `agency.filing_id`)."""
    result = await import_filing(api, agency, valid_from, items)
    assert result["__typename"] == "ImportFilingSuccess", result
    agency.filing_id = str(result["filing"]["id"])
    return agency.filing_id


async def submit(
    api: Api,
    agency: Fresh,
    kind: str,
    items: list[dict[str, str]] | None = None,
    token: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """submitFiling, by the agency itself unless `token` says otherwise."""
    payload: dict[str, Any] = {"agencyId": agency.id, "kind": kind, **extra}
    if items is not None:
        payload["items"] = items
    return await mutate(api, SUBMIT_FILING, payload, _as(agency.token, token))


async def submitted(
    api: Api, agency: Fresh, kind: str, items: list[dict[str, str]] | None = None, **extra: Any
) -> str:
    """The id of a filing the agency submitted successfully."""
    result = await submit(api, agency, kind, items, **extra)
    assert result["__typename"] == "SubmitFilingSuccess", result
    return str(result["filing"]["id"])


async def decide(
    api: Api,
    filing_id: str,
    *,
    approve: bool = True,
    reason: str | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """decideFiling, by the province unless `token` says otherwise."""
    return await mutate(
        api,
        DECIDE_FILING,
        {
            "filingId": filing_id,
            "approve": approve,
            "reason": reason,
        },
        _as(province(api), token),
    )


async def approved(api: Api, filing_id: str, token: str | None = None) -> dict[str, Any]:
    """The filing, approved."""
    result = await decide(api, filing_id, token=token)
    assert result["__typename"] == "DecideFilingSuccess", result
    filing: dict[str, Any] = result["filing"]
    return filing


async def renew(api: Api, agency: Fresh) -> None:
    """The agency applies for renewal carrying its scope over; the province approves."""
    await approved(api, await submitted(api, agency, "RENEWAL"))


def renewable_from(day: date) -> date:
    """A `validFrom` whose 3-year filing ends 30 days after `day`: inside the renewal window."""
    return date(day.year - 3, day.month, day.day) + timedelta(days=30)


async def renewed_agency(
    api_on: Any,
    *,
    renewed_on: date = DAY,
    sanctioned: tuple[int, int] | None = None,
    sanctioned_on: date | None = None,
    **make: Any,
) -> Fresh:
    """An agency in its second filing period: imported with a first period ending 30 days
    after `renewed_on`, renewed and approved on `renewed_on`. Its second period starts on
    `renewed_on + 30 days`. With `sanctioned` (article, clause), it is made on `sanctioned_on`
    (10 days before the renewal unless given) and the province issues that sanction then, in
    its first period."""
    made_on = renewed_on
    if sanctioned is not None:
        made_on = sanctioned_on or renewed_on - timedelta(days=10)
    async with api_on(made_on) as api:
        agency = await make_agency(api, valid_from=renewable_from(renewed_on), **make)
        if sanctioned is not None:
            await issued(api, agency, *sanctioned)
    async with api_on(renewed_on) as api:
        await renew(api, agency)
    return agency


async def terminate(
    api: Api,
    agency: Fresh,
    reason: str = "VOLUNTARY",
    token: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """terminateAgency, by the province unless `token` says otherwise."""
    input: dict[str, Any] = {"agencyId": agency.id, "reason": reason}
    if note is not None:
        input["note"] = note
    return await mutate(api, TERMINATE_AGENCY, input, _as(province(api), token))


# ============================================================================================
# Supervision, and the upgrades of Art. 27, 28


async def issue(
    api: Api,
    agency: Fresh,
    article: int,
    clause: int,
    token: str | None = None,
    *,
    facts: str = "督导发现的违规事实。",
    **extra: Any,
) -> dict[str, Any]:
    """issueSanction, by the province unless `token` says otherwise."""
    return await mutate(
        api,
        ISSUE_SANCTION,
        {"agencyId": agency.id, "article": article, "clause": clause, "facts": facts, **extra},
        _as(province(api), token),
    )


async def issued(
    api: Api, agency: Fresh, article: int, clause: int, token: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The success payload ({escalated, sanction}) of an issueSanction that must succeed (by the
    province on the app's today: run it through `api_on(day)` to date it)."""
    result = await issue(api, agency, article, clause, token, **extra)
    assert result["__typename"] == "IssueSanctionSuccess", result
    return result


async def accept(api: Api, sanction_id: str, token: str | None = None) -> dict[str, Any]:
    """acceptRectification, by the province unless `token` says otherwise."""
    return await mutate(
        api, ACCEPT_RECTIFICATION, {"sanctionId": sanction_id}, _as(province(api), token)
    )


async def confirm(api: Api, sanction_id: str, token: str | None = None) -> dict[str, Any]:
    """confirmSanction, by the province unless `token` says otherwise."""
    return await mutate(
        api, CONFIRM_SANCTION, {"sanctionId": sanction_id}, _as(province(api), token)
    )


async def record(
    api: Api,
    agency: Fresh,
    on: date,
    result: str = "UNQUALIFIED",
    token: str | None = None,
    *,
    kind: str = "EXTERNAL",
    mode: str = "EVERY_EXAM",
    **extra: Any,
) -> dict[str, Any]:
    """recordInspection, by the province unless `token` says otherwise."""
    return await mutate(
        api,
        RECORD_INSPECTION,
        {
            "agencyId": agency.id,
            "kind": kind,
            "mode": mode,
            "date": on.isoformat(),
            "result": result,
            **extra,
        },
        _as(province(api), token),
    )


async def recorded(
    api: Api,
    agency: Fresh,
    on: date,
    result: str = "UNQUALIFIED",
    token: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The success payload ({inspection, proposedSanction}) of a recordInspection."""
    payload = await record(api, agency, on, result, token, **extra)
    assert payload["__typename"] == "RecordInspectionSuccess", payload
    return payload


async def register_inspector(
    api: Api,
    region: str,
    token: str | None = None,
    *,
    name: str = "督导员",
    conflicts: list[Fresh] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """registerInspector, by the province unless `token` says otherwise."""
    payload: dict[str, Any] = {"name": name, "regionCode": region, **extra}
    if conflicts is not None:
        payload["conflictAgencyIds"] = [a.id for a in conflicts]
    return await mutate(api, REGISTER_INSPECTOR, payload, _as(province(api), token))


async def inspector(
    api: Api,
    region: str = PROVINCE_CODE,
    token: str | None = None,
    *,
    conflicts: list[Fresh] | None = None,
    name: str = "督导员",
) -> str:
    """The GraphQL id of a newly registered inspector."""
    result = await register_inspector(api, region, token, name=name, conflicts=conflicts)
    assert result["__typename"] == "RegisterInspectorSuccess", result
    return str(result["inspector"]["id"])


async def draw(
    api: Api, inspectors: list[str], token: str | None = None, **extra: Any
) -> dict[str, Any]:
    """drawInspections, by the province unless `token` says otherwise."""
    return await mutate(
        api, DRAW_INSPECTIONS, {"inspectorIds": inspectors, **extra}, _as(province(api), token)
    )


async def recommend_upgrade(
    api: Api, agency: Fresh, token: str | None, basis: list[int] | None = None
) -> dict[str, Any]:
    """recommendUpgrade by `token` (the city that may recommend; "" for PUBLIC), on the Art. 26
    cases `basis` (case 1 by default)."""
    return await mutate(
        api,
        RECOMMEND_UPGRADE,
        {"agencyId": agency.id, "basis": [1] if basis is None else basis},
        token or None,
    )


async def approve_upgrade(api: Api, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    """approveUpgrade, by the province unless `token` says otherwise."""
    return await mutate(api, APPROVE_UPGRADE, {"agencyId": agency.id}, _as(province(api), token))


async def recommend_national(api: Api, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    """recommendNational, by the province unless `token` says otherwise."""
    return await mutate(api, RECOMMEND_NATIONAL, {"agencyId": agency.id}, _as(province(api), token))


# ============================================================================================
# Reading back


async def agency_view(api: Api, agency: Fresh, token: str | None = None) -> dict[str, Any]:
    """The agency as `token` (the province by default; "" for PUBLIC) reads it."""
    data = await api.query(AGENCY, {"id": agency.id}, _as(province(api), token))
    found: dict[str, Any] = data["agency"]
    return found


async def nodes(
    api: Api, document: str, token: str | None, **variables: Any
) -> list[dict[str, Any]]:
    """Every node of the one connection `document` reads (its variables `$after` and
    `variables`), following the pages; each node once, as many as `totalCount` says."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        (page,) = (await api.query(document, {"after": after, **variables}, token)).values()
        found += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(found) == page["totalCount"], (len(found), page["totalCount"])
    assert len({n["id"] for n in found}) == len(found), "a node listed twice"
    return found


async def holders(site: str, occupation: str = "电工") -> list[int]:
    """Agencies (pks) holding the (site, occupation) pair in force (Art. 12 claims)."""
    return cast(
        "list[int]",
        await ItemClaim.filter(
            site_id=pk(site),
            occupation_code=OCCUPATIONS[occupation],
            released_at__isnull=True,
        )
        .order_by("id")
        .values_list("agency_id", flat=True),
    )


async def events_of(agency: Fresh) -> list[AuditEvent]:
    """The agency's audit trail, oldest first."""
    return await AuditEvent.filter(agency_id=agency.pk).order_by("id")
