"""Art. 12: 严禁同一场地同一项目不同机构二次备案; no temporary rentals; college campuses for
colleges (and employers)."""

from __future__ import annotations

from collections import Counter, defaultdict

from models.claim import ItemClaim, in_force
from models.enums import AgencyKind, AgencyState, FilingStatus, SiteTenure
from models.filing import FilingItem
from models.invariants.base import Facts, Invariant, Pair, Row


async def pair_held_twice(facts: Facts) -> list[Row]:
    """A (site, occupation) pair in force for two agencies: held by two unreleased claims, or
    on the scopes of two agencies in force."""
    holders: dict[Pair, set[int]] = defaultdict(set)
    for site_id, code, agency_id in await ItemClaim.filter(in_force()).values_list(
        "site_id", "occupation_code", "agency_id"
    ):
        holders[site_id, code].add(agency_id)
    scope = await facts.scope()
    for agency_id in await facts.in_force():
        for pair in scope.get(agency_id, ()):
            holders[pair].add(agency_id)
    return [
        {"site_id": site, "occupation_code": code, "agencies": sorted(agencies)}
        for (site, code), agencies in sorted(holders.items())
        if len(agencies) > 1 and facts.involves(agencies)
    ]


def _held_twice(row: Row) -> str:
    return (
        f"场所 {row['site_id']} 的职业 {row['occupation_code']} 同时在机构 "
        f"{'、'.join(map(str, row['agencies']))} 的有效备案中"
    )


async def claims_match_scope(facts: Facts) -> list[Row]:
    """The claims in force (which the database's unique index guards) are exactly the scopes
    in force: none for a closed agency, none outside the agency's scope, one per pair, and
    every pair of an agency in force claimed."""
    agencies = await facts.agencies()
    scope = await facts.scope()
    rows: list[Row] = []
    held = Counter(
        await facts.of_agencies(ItemClaim.filter(in_force())).values_list(
            "agency_id", "site_id", "occupation_code"
        )
    )
    for (agency_id, site_id, code), n in sorted(held.items()):
        agency = agencies.get(agency_id)
        problem = None
        if n > 1:
            problem = f"重复占用 {n} 次"
        elif agency is None or agency.state not in (AgencyState.ACTIVE, AgencyState.SUSPENDED):
            problem = f"机构状态为 {agency.state.value if agency else '不存在'}，仍占用"
        elif (site_id, code) not in scope.get(agency_id, set()):
            problem = "不在其有效备案范围内，仍占用"
        if problem:
            rows.append(
                {
                    "agency_id": agency_id,
                    "site_id": site_id,
                    "occupation_code": code,
                    "problem": problem,
                }
            )
    mine = set(held)
    for agency_id in sorted(await facts.in_force()):
        for site_id, code in sorted(scope.get(agency_id, ())):
            if (agency_id, site_id, code) not in mine:
                rows.append(
                    {
                        "agency_id": agency_id,
                        "site_id": site_id,
                        "occupation_code": code,
                        "problem": "在有效备案范围内，却无占用记录",
                    }
                )
    return rows


def _claims(row: Row) -> str:
    return (
        f"{row['agency']} 在场所 {row['site_id']} 的职业 {row['occupation_code']}：{row['problem']}"
    )


async def site_kinds(facts: Facts) -> list[Row]:
    """Items of open or approved filings at a temporary rental, or at a college campus for a
    social organisation that is not a college."""
    agencies = await facts.agencies()
    rows: list[Row] = []
    items = facts.of_agencies(
        FilingItem.filter(filing__status__in=[FilingStatus.SUBMITTED, FilingStatus.APPROVED]),
        "filing__agency_id",
    )
    for item_id, filing_id, agency_id, site_id, tenure in await items.filter(
        site__tenure__in=[SiteTenure.TEMPORARY_RENTAL, SiteTenure.COLLEGE_CAMPUS]
    ).values_list("id", "filing_id", "filing__agency_id", "site_id", "site__tenure"):
        agency = agencies.get(agency_id)
        if tenure == SiteTenure.TEMPORARY_RENTAL:
            rows.append(
                {
                    "item_id": item_id,
                    "filing_id": filing_id,
                    "site_id": site_id,
                    "agency_id": agency_id,
                    "problem": "场所为临时租用场地",
                }
            )
        elif agency is not None and agency.kind is AgencyKind.SOCIAL_ORG and not agency.is_college:
            rows.append(
                {
                    "item_id": item_id,
                    "filing_id": filing_id,
                    "site_id": site_id,
                    "agency_id": agency_id,
                    "problem": "非院校社会培训评价组织使用院校校区",
                }
            )
    return rows


def _site_kind(row: Row) -> str:
    return (
        f"备案 {row['filing_id']}（{row['agency']}）的事项 {row['item_id']} 在场所 "
        f"{row['site_id']}：{row['problem']}"
    )


INVARIANTS = [
    Invariant(
        "art12_pair_held_twice",
        "第十二条",
        "同一场地同一职业不得同时在两家机构的有效备案中",
        pair_held_twice,
        _held_twice,
    ),
    Invariant(
        "art12_claims_match_scope",
        "第十二条",
        "场所与职业的占用记录与机构有效备案范围一致",
        claims_match_scope,
        _claims,
    ),
    Invariant(
        "art12_site_kinds",
        "第十二条",
        "不得使用临时租用场地；非院校社会培训评价组织不使用院校校区",
        site_kinds,
        _site_kind,
    ),
]
