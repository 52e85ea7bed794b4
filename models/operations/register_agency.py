"""Register an agency with its filing authority (Art. 2, 3, 4, 6).

Who may register whom is decided by the policies before this runs; here the record itself is
checked and written together with its audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.credit_code import CreditCodeError, validate_credit_code
from models.enums import AgencyKind, AgencyLevel, RegionLevel
from models.errors import InvalidInput, RuleViolation
from models.region import PROVINCE_CODE, find_region
from models.rules import RuleCode
from models.snapshot import snapshot

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")


@dataclass(frozen=True)
class NewAgency:
    name: str
    credit_code: str
    kind: AgencyKind
    is_college: bool
    level: AgencyLevel
    filing_region_code: str
    contact_name: str | None = None
    contact_phone: str | None = None
    legal_representative: str | None = None


async def validate_new_agency(new: NewAgency) -> Agency:
    """Return the unsaved agency, or raise the first problem found."""
    name = new.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "长度应为1至200个字符")
    try:
        code = validate_credit_code(new.credit_code)
    except CreditCodeError as exc:
        raise InvalidInput("creditCode", str(exc)) from None
    region = await find_region(new.filing_region_code)
    if region is None:
        raise InvalidInput("filingRegionCode", f"行政区划代码{new.filing_region_code!r}不存在")
    if new.level is AgencyLevel.PROVINCIAL and region.code != PROVINCE_CODE:
        raise InvalidInput("filingRegionCode", "省级评价机构应向省中心（350000）备案（第3条）")
    if new.level is AgencyLevel.CITY and region.level is not RegionLevel.CITY:
        raise InvalidInput("filingRegionCode", "市级评价机构应向所在设区市备案（第4条）")
    if new.is_college and new.kind is not AgencyKind.SOCIAL_ORG:
        raise RuleViolation(
            RuleCode.COLLEGE_IS_SOCIAL_ORG, "院校按社会培训评价组织备案（第2条）", 2
        )
    if new.contact_phone and not _PHONE.match(new.contact_phone):
        raise InvalidInput("contactPhone", "只能由数字、空格和“-”组成，可以“+”开头")
    for field, value in (
        ("contactName", new.contact_name),
        ("legalRepresentative", new.legal_representative),
    ):
        if value is not None and len(value) > 64:
            raise InvalidInput(field, "不超过64个字符")
    return Agency(
        name=name,
        credit_code=code,
        kind=new.kind,
        is_college=new.is_college,
        level=new.level,
        filing_region_id=region.code,
        contact_name=new.contact_name,
        contact_phone=new.contact_phone,
        legal_representative=new.legal_representative,
    )


async def register_agency(actor: Actor, agency: Agency) -> Agency:
    """Save a validated agency (PENDING until its first filing is approved) and audit it."""
    duplicate = RuleViolation(
        RuleCode.DUPLICATE_CREDIT_CODE,
        "该统一社会信用代码已登记评价机构，同一代码只能登记一家机构（第3条）",
        3,
    )
    if await Agency.exists(credit_code=agency.credit_code):
        raise duplicate
    try:
        async with in_transaction() as conn:
            await agency.save(using_db=conn)
            await record(
                conn,
                actor,
                AuditAction.REGISTER_AGENCY,
                agency,
                agency_id=agency.id,
                region_code=agency.filing_region_id,
                before=None,
                after=snapshot(agency),
            )
    except IntegrityError:
        raise duplicate from None  # lost a race with a concurrent registration of the same code
    return agency
