"""Upgrades: a city agency managed as provincial (Art. 26, 27), a provincial agency recommended
for national level (Art. 28)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.enums import AgencyLevel, AgencyState
from models.errors import InvalidInput, RuleViolation
from models.labels import label
from models.locking import locked_agency, save_changes
from models.periods import period_start
from models.region import PROVINCE_CODE
from models.rules import RuleCode
from models.sanction import Sanction
from models.snapshot import snapshot
from models.supervision import sanctioned_since


async def _change(
    actor: Actor, agency: Agency, action: AuditAction, change: Callable[[Agency], Awaitable[None]]
) -> Agency:
    """Apply `change` (which checks its rules, then sets fields) to the locked, current row."""
    async with in_transaction() as conn:
        await locked_agency(conn, agency)
        before = snapshot(agency)
        await change(agency)
        await save_changes(conn, agency, before)
        await record(
            conn,
            actor,
            action,
            agency,
            agency_id=agency.id,
            region_code=agency.filing_region_id,
            before=before,
            after=snapshot(agency),
        )
    return agency


async def recommend_upgrade(
    actor: Actor, agency: Agency, basis: list[int], *, now: datetime
) -> Agency:
    """Art. 27: the city recommends its agency that meets an Art. 26 case."""

    async def change(agency: Agency) -> None:
        if agency.level is not AgencyLevel.CITY:
            raise RuleViolation(
                RuleCode.NOT_CITY_AGENCY, "仅市级评价机构可被推荐参照省级评价机构管理（第27条）", 27
            )
        if agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(
                RuleCode.NOT_ACTIVE,
                f"该机构当前为「{label(agency.state)}」状态，"
                "不能推荐参照省级评价机构管理（第27条）",
                27,
            )
        if not basis or any(b not in range(1, 6) for b in basis):
            raise InvalidInput("basis", "请填写其符合的第26条情形，取值为1至5")
        if agency.upgrade_recommended_at is not None:
            raise RuleViolation(
                RuleCode.ALREADY_RECOMMENDED, "该机构已被推荐，正待省中心审核（第27条）", 27
            )
        agency.upgrade_recommended_at = now
        agency.upgrade_basis = ",".join(str(b) for b in sorted(set(basis)))

    return await _change(actor, agency, AuditAction.RECOMMEND_UPGRADE, change)


async def approve_upgrade(actor: Actor, agency: Agency) -> Agency:
    """Art. 27: the province agrees; the agency is filed with the province from now on."""

    async def change(agency: Agency) -> None:
        if agency.upgrade_recommended_at is None:
            raise RuleViolation(
                RuleCode.NOT_RECOMMENDED, "该机构尚未经备案人社部门推荐（第27条）", 27
            )
        if agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(
                RuleCode.NOT_ACTIVE,
                f"该机构当前为「{label(agency.state)}」状态，"
                "不能同意参照省级评价机构管理（第27条）",
                27,
            )
        agency.level, agency.filing_region_id = AgencyLevel.PROVINCIAL, PROVINCE_CODE
        agency.upgrade_recommended_at = None

    return await _change(actor, agency, AuditAction.APPROVE_UPGRADE, change)


async def recommend_national(actor: Actor, agency: Agency, *, today: date, now: datetime) -> Agency:
    """Art. 28: a provincial agency with a clean filing period."""

    async def change(agency: Agency) -> None:
        if agency.level is not AgencyLevel.PROVINCIAL or agency.state is not AgencyState.ACTIVE:
            raise RuleViolation(
                RuleCode.NOT_ELIGIBLE,
                "仅状态正常的省级评价机构可被推荐升级为全国性职业技能等级评价机构（第28条）",
                28,
            )
        if agency.national_recommended_at is not None:
            raise RuleViolation(
                RuleCode.ALREADY_RECOMMENDED,
                "该机构已被推荐升级为全国性职业技能等级评价机构（第28条）",
                28,
            )
        sanctions = await Sanction.filter(agency_id=agency.id)
        if sanctioned_since(sanctions, period_start(agency, today)):
            raise RuleViolation(
                RuleCode.NOT_CLEAN, "该机构备案期内有第21条至第23条规定的违规处理记录（第28条）", 28
            )
        agency.national_recommended_at = now

    return await _change(actor, agency, AuditAction.RECOMMEND_NATIONAL, change)
