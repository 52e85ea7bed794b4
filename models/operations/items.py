"""Checks on the (occupation, level, site) items of a filing (Art. 12, 13, 22, 24)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Subquery

from models.agency import Agency, lapsed_q
from models.claim import ItemClaim, in_force
from models.enums import AgencyKind, FilingKind, FilingStatus, SiteTenure, SkillLevel
from models.errors import InvalidInput, RuleViolation
from models.filing import Filing, FilingItem
from models.periods import restricted_since_period_start
from models.rules import RuleCode
from models.site import Site

OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")  # 2022 national classification


@dataclass(frozen=True)
class NewItem:
    occupation_code: str
    occupation_name: str
    level: SkillLevel
    site: Site


SCOPE_KINDS = (FilingKind.INITIAL, FilingKind.RENEWAL, FilingKind.SCOPE_CHANGE)


async def current_items(agency_id: int) -> list[FilingItem]:
    """The agency's scope in force: the items of its latest approved INITIAL or SCOPE_CHANGE
    filing (each lists the whole scope; a renewal extends the scope without changing it)."""
    latest = (
        await Filing.filter(
            agency_id=agency_id,
            status=FilingStatus.APPROVED,
            kind__in=[FilingKind.INITIAL, FilingKind.SCOPE_CHANGE],
        )
        .order_by("-decided_at", "-id")
        .first()
    )
    if latest is None:
        return []
    return await FilingItem.filter(filing_id=latest.id).order_by("id")


async def as_new_items(items: list[FilingItem]) -> list[NewItem]:
    sites = {s.id: s for s in await Site.filter(id__in=[i.site_id for i in items])}
    return [NewItem(i.occupation_code, i.occupation_name, i.level, sites[i.site_id]) for i in items]


def check_items(agency: Agency, items: list[NewItem]) -> None:
    """Rules that hold for every item on any filing."""
    seen: set[tuple[int, str, SkillLevel]] = set()
    for n, item in enumerate(items):
        if not OCCUPATION_CODE.match(item.occupation_code):
            raise InvalidInput(f"items[{n}].occupationCode", "格式应如6-31-01-03")
        if not item.occupation_name.strip() or len(item.occupation_name) > 64:
            raise InvalidInput(f"items[{n}].occupationName", "长度应为1至64个字符")
        key = (item.site.id, item.occupation_code, item.level)
        if key in seen:
            raise InvalidInput(f"items[{n}]", "同一场所、职业（工种）及等级重复填报")
        seen.add(key)
        if item.site.tenure is SiteTenure.TEMPORARY_RENTAL:
            raise RuleViolation(
                RuleCode.TEMPORARY_SITE,
                f"场所「{item.site.name}」为临时性租用场地，严禁用于开展评价活动（第12条）",
                12,
            )
        if (
            item.site.tenure is SiteTenure.COLLEGE_CAMPUS
            and agency.kind is AgencyKind.SOCIAL_ORG
            and not agency.is_college
        ):
            raise RuleViolation(
                RuleCode.COLLEGE_SITE_FOR_NON_COLLEGE,
                f"场所「{item.site.name}」为院校场地，社评组织（非院校）原则上不使用院校场地进行备案"
                "（第12条）",
                12,
            )


async def check_pairs_free(agency: Agency, items: list[NewItem], today: date) -> None:
    """Early, friendly Art. 12 answer; the unique index is what actually guarantees it."""
    if not items:
        return
    lapsed = Subquery(Agency.filter(lapsed_q(today=today)).values("id"))
    # One query for the whole filing: the pairs others hold among its sites and occupations.
    held = set(
        await ItemClaim.filter(
            in_force(),
            site_id__in={i.site.id for i in items},
            occupation_code__in={i.occupation_code for i in items},
        )
        .exclude(agency_id=agency.id)
        .exclude(agency_id__in=lapsed)
        .values_list("site_id", "occupation_code")
    )
    for item in items:
        if (item.site.id, item.occupation_code) in held:
            raise pair_taken(item.site, item.occupation_code)


def pair_taken(site: Site, occupation_code: str) -> RuleViolation:
    return RuleViolation(
        RuleCode.SITE_OCCUPATION_TAKEN,
        f"场所「{site.name}」的职业（工种）{occupation_code}已在其他机构备案。"
        "严禁同一场地同一项目不同机构二次备案（第12条）",
        12,
    )


async def check_no_additions_when_sanctioned(
    agency: Agency, items: list[NewItem], today: date
) -> None:
    """Art. 22, 24: after a rectification or revocation in the filing period, no new site,
    occupation or level may be added until the period ends."""
    if not await restricted_since_period_start(agency, today):
        return
    current = await current_items(agency.id)
    sites = {c.site_id for c in current}
    occupations = {(c.occupation_code, c.level) for c in current}
    for item in items:
        if item.site.id not in sites or (item.occupation_code, item.level) not in occupations:
            raise RuleViolation(
                RuleCode.SANCTIONED_PERIOD,
                "备案期内受到整改或撤销备案处理的，不得增设考点、不得新增评价职业（工种）及等级"
                "（第22条、第24条）",
                24,
            )
