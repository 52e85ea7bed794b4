"""Each scope's SQL filter and its single-object check agree on every demo row (DESIGN §6)."""

from __future__ import annotations

import pytest

from models.agency import Agency
from models.enums import Role
from policies.scopes import ALL, NONE, SCOPES
from policies.viewer import Viewer


async def _viewers() -> list[Viewer]:
    agencies = await Agency.all().order_by("id")
    provincial = next(a for a in agencies if a.level == "PROVINCIAL" and a.state == "ACTIVE")
    city_level = next(a for a in agencies if a.level == "CITY" and a.state == "ACTIVE")
    return [
        Viewer(Role.PUBLIC),
        Viewer(Role.PROVINCE, "p", "350000"),
        Viewer(Role.CITY, "c1", "350200"),
        Viewer(Role.CITY, "c2", "350128"),
        Viewer(Role.AGENCY, "a1", provincial.filing_region_id, provincial.id),
        Viewer(Role.AGENCY, "a2", city_level.filing_region_id, city_level.id),
    ]


@pytest.mark.parametrize("name", sorted(set(SCOPES) - {ALL.name, NONE.name}))
async def test_filter_and_check_agree(database, name: str) -> None:  # type: ignore[no-untyped-def]
    scope = SCOPES[name]
    model = scope.model
    assert model is not None, name
    rows = await model.all()
    assert rows, f"no {model.__name__} rows to compare on"
    for viewer in await _viewers():
        in_sql = set(await model.filter(scope.filter(viewer)).values_list("id", flat=True))
        by_check = {r.pk for r in rows if await scope.check(viewer, r)}
        assert in_sql == by_check, (viewer, in_sql ^ by_check)


async def test_all_and_none(database) -> None:  # type: ignore[no-untyped-def]
    viewer = Viewer(Role.PUBLIC)
    assert await Agency.filter(ALL.filter(viewer)).count() == await Agency.all().count()
    assert await Agency.filter(NONE.filter(viewer)).count() == 0
