"""registerInspector (Art. 20; DESIGN §6): the province registers inspectors of any region, a city
those of its own pool, each with the agencies they must never be drawn for (回避). Agencies and
the public do not; refusals change nothing.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from models.audit import AuditEvent
from models.enums import Role
from models.inspection import Inspector, InspectorConflict
from tests.support.builders import (
    DAY,
    city,
    gid,
    inspector,
    make_agency,
    nodes,
    pk,
    register_inspector,
)
from tests.support.documents import INSPECTORS
from tests.support.snapshot import unchanged


async def _pool(api: Any, token: str | None) -> dict[str, str]:
    """Every inspector `token` sees: id -> region code (walking all pages)."""
    return {n["id"]: n["region"]["code"] for n in await nodes(api, INSPECTORS, token)}


async def _conflicts(inspector_id: str) -> list[int]:
    return sorted(
        cast(
            "list[int]",
            await InspectorConflict.filter(inspector_id=pk(inspector_id)).values_list(
                "agency_id", flat=True
            ),
        )
    )


@pytest.mark.article(20)
async def test_the_province_registers_with_conflicts(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        a = await make_agency(api, region="350200")
        b = await make_agency(api, level="PROVINCIAL", site_regions=("350500",))
        result = await register_inspector(api, "350000", name="  林督导 ", conflicts=[a, b, a])
        assert result["__typename"] == "RegisterInspectorSuccess", result
        registered = result["inspector"]
        assert registered["name"] == "林督导" and registered["region"] == {"code": "350000"}
        assert await _conflicts(registered["id"]) == sorted([a.pk, b.pk])
        row = await Inspector.get(id=pk(registered["id"]))
        event = await AuditEvent.get(action="registerInspector", object_id=str(row.id))
        assert event.actor_role == "PROVINCE" and event.region_id == "350000"
        assert set(event.after["conflicts"]) == {a.pk, b.pk}
        # Any region, without conflicts.
        for region in ("350128", "350900"):
            plain = await inspector(api, region)
            assert await _conflicts(plain) == []


@pytest.mark.article(20)
async def test_a_city_registers_its_own_pool(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        own = await make_agency(api, region="350300")
        # A provincial agency operating in the city is visible to it, so a conflict may name it.
        hosted = await make_agency(api, level="PROVINCIAL", site_regions=("350300",))
        putian = city(api, "350300")
        registered = await inspector(api, "350300", putian, conflicts=[own, hosted])
        assert await _conflicts(registered) == sorted([own.pk, hosted.pk])

        async with unchanged(own):
            for region in ("350200", "350000"):
                refused = await register_inspector(api, region, putian)
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == "NOT_OWN_POOL" and refused["article"] == 20

        # The pool is listed to its city and the province, not to other cities.
        assert registered in await _pool(api, putian)
        assert all(region == "350300" for region in (await _pool(api, putian)).values())
        assert registered in await _pool(api, api.token(Role.PROVINCE))
        assert registered not in await _pool(api, city(api, "350200"))


@pytest.mark.article(20)
async def test_agencies_and_the_public_do_not_register(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        async with unchanged(agency):
            for token in (agency.token, ""):
                refused = await register_inspector(api, "350100", token)
                assert refused["__typename"] == "RuleViolation", refused
                # Nor do they read the pools.
                data = await api.query(INSPECTORS, token=token or None)
                assert data["inspectors"]["totalCount"] == 0
                assert data["inspectors"]["edges"] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "督" * 65}, "name"),
        ({"regionCode": "110000"}, "regionCode"),
    ],
)
async def test_input_is_checked(api_on, overrides: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api, unchanged():
        result = await register_inspector(api, overrides.pop("regionCode", "350000"), **overrides)
        assert result["__typename"] == "InvalidInput" and result["field"] == field, result


async def test_a_conflict_must_be_an_agency_the_registrar_sees(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        # A PENDING agency filed with Fuzhou is invisible to Xiamen.
        pending = await make_agency(api, region="350100", active=False)
        async with unchanged(pending):
            refused = await register_inspector(
                api, "350200", city(api, "350200"), conflicts=[pending]
            )
            missing = await register_inspector(
                api, "350000", conflictAgencyIds=[gid("Agency", 10**9)]
            )
        assert refused["__typename"] == "NotFound", refused
        assert missing["__typename"] == "NotFound", missing
        # The province sees it.
        registered = await inspector(api, "350100", conflicts=[pending])
        assert await _conflicts(registered) == [pending.pk]
