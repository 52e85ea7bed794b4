"""registerAgency (Art. 2, 3, 4): who may register whom, input checks, audit in one transaction."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from models.agency import Agency
from models.audit import AuditEvent
from models.credit_code import with_check_character
from models.enums import Role
from tests.support.builders import mutate
from tests.support.documents import AGENCY, REGISTER_AGENCY
from tests.support.http_api import Api
from tests.support.snapshot import unchanged

_serial = itertools.count(1)


def new_code(region: str = "350100") -> str:
    return with_check_character(f"91{region}MA{next(_serial):07d}")


def payload(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "福州新技能评价中心有限公司",
        "creditCode": new_code(),
        "kind": "EMPLOYER",
        "isCollege": False,
        "level": "CITY",
        "filingRegionCode": "350100",
        "contactName": "林经理",
        "contactPhone": "0591-87654321",
    }
    base.update(overrides)
    return base


async def _register(api: Api, token: str | None, **overrides: object) -> dict[str, Any]:
    return await mutate(api, REGISTER_AGENCY, payload(**overrides), token)


@pytest.mark.article(3, 11)
async def test_province_registers_a_provincial_agency_with_an_audit_event(api) -> None:  # type: ignore[no-untyped-def]
    code = new_code("350000")
    result = await _register(
        api,
        api.token(Role.PROVINCE),
        level="PROVINCIAL",
        filingRegionCode="350000",
        creditCode=code,
        kind="SOCIAL_ORG",
    )
    assert result["__typename"] == "RegisterAgencySuccess", result
    agency = result["agency"]
    assert agency["status"] == "PENDING" and agency["filingRegion"] == {"code": "350000"}
    assert agency["creditCode"] == code and agency["contactName"] == "林经理"
    row = await Agency.get(credit_code=code)
    event = await AuditEvent.get(action="registerAgency", object_id=str(row.id))
    assert event.actor_role == "PROVINCE" and event.before is None
    assert event.after["credit_code"] == code and event.agency_id == row.id


@pytest.mark.article(3)
async def test_city_registers_its_own_city_level_agency(api) -> None:  # type: ignore[no-untyped-def]
    result = await _register(
        api,
        api.token(Role.CITY, region="350128"),
        filingRegionCode="350128",
        creditCode=new_code("350128"),
    )
    assert result["__typename"] == "RegisterAgencySuccess", result
    # A PENDING agency is not public, but its filing city sees it.
    agency_id = result["agency"]["id"]
    assert (await api.query(AGENCY, {"id": agency_id}))["agency"] is None
    seen = await api.query(AGENCY, {"id": agency_id}, api.token(Role.CITY, region="350128"))
    assert seen["agency"] is not None


@pytest.mark.article(3)
@pytest.mark.parametrize("case", ["other_city", "provincial", "agency_actor", "public"])
async def test_refused_registrations_change_nothing(api, case: str) -> None:  # type: ignore[no-untyped-def]
    some_agency = await Agency.filter(state="ACTIVE").order_by("id").first()
    assert some_agency is not None
    token, overrides = {
        "other_city": (api.token(Role.CITY, region="350200"), {"filingRegionCode": "350100"}),
        "provincial": (
            api.token(Role.CITY, region="350100"),
            {"level": "PROVINCIAL", "filingRegionCode": "350000"},
        ),
        "agency_actor": (api.token(Role.AGENCY, agency=some_agency.credit_code), {}),
        "public": (None, {}),
    }[case]
    async with unchanged():
        result = await _register(api, token, **overrides)
    assert result["__typename"] == "RuleViolation", result
    assert result["article"] == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"creditCode": "91350100M000100Y4Z"}, "creditCode"),
        ({"creditCode": "91350100M000100Y44"}, "creditCode"),
        ({"creditCode": "123"}, "creditCode"),
        ({"name": "   "}, "name"),
        ({"filingRegionCode": "999999"}, "filingRegionCode"),
        ({"level": "PROVINCIAL", "filingRegionCode": "350100"}, "filingRegionCode"),
        ({"level": "CITY", "filingRegionCode": "350000"}, "filingRegionCode"),
        ({"contactPhone": "call me"}, "contactPhone"),
    ],
)
async def test_invalid_input_is_typed_and_changes_nothing(api, overrides, field) -> None:  # type: ignore[no-untyped-def]
    async with unchanged():
        result = await _register(api, api.token(Role.PROVINCE), **overrides)
    assert result == {"__typename": "InvalidInput", "field": field, "message": result["message"]}, (
        result
    )


async def test_credit_code_is_unique_and_checked_case_insensitively(api) -> None:  # type: ignore[no-untyped-def]
    existing = await Agency.all().order_by("id").first()
    assert existing is not None
    async with unchanged(existing):
        result = await _register(
            api,
            api.token(Role.PROVINCE),
            level="PROVINCIAL",
            filingRegionCode="350000",
            creditCode=existing.credit_code.lower(),
        )
    assert result["__typename"] == "RuleViolation" and result["code"] == "DUPLICATE_CREDIT_CODE"


@pytest.mark.article(2)
async def test_a_college_is_a_social_organisation(api) -> None:  # type: ignore[no-untyped-def]
    async with unchanged():
        result = await _register(api, api.token(Role.PROVINCE), isCollege=True, kind="EMPLOYER")
    assert result["__typename"] == "RuleViolation" and result["article"] == 2


async def test_valid_gb32100_code_with_letters_in_first_eight(api) -> None:  # type: ignore[no-untyped-def]
    code = with_check_character("N2350100MA0000001")  # 农业 registration authority
    result = await _register(api, api.token(Role.CITY, region="350100"), creditCode=code)
    assert result["__typename"] == "RegisterAgencySuccess", result
