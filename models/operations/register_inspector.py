"""Inspectors (督导人员) and the agencies they must not inspect (Art. 20)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models.agency import Agency
from models.audit import Actor, AuditAction, record
from models.errors import InvalidInput
from models.inspection import Inspector, InspectorConflict
from models.region import find_region
from models.snapshot import snapshot


async def register_inspector(
    actor: Actor, name: str, region_code: str, conflicts: list[Agency]
) -> Inspector:
    if not name.strip() or len(name) > 64:
        raise InvalidInput("name", "长度应为1至64个字符")
    if await find_region(region_code) is None:
        raise InvalidInput("regionCode", f"行政区划代码{region_code!r}不存在")
    conflicts = list({a.id: a for a in conflicts}.values())
    async with in_transaction() as conn:
        inspector = await Inspector.create(using_db=conn, name=name.strip(), region_id=region_code)
        await InspectorConflict.bulk_create(
            [InspectorConflict(inspector_id=inspector.id, agency_id=a.id) for a in conflicts],
            using_db=conn,
        )
        await record(
            conn,
            actor,
            AuditAction.REGISTER_INSPECTOR,
            inspector,
            agency_id=None,
            region_code=region_code,
            before=None,
            after={**snapshot(inspector), "conflicts": sorted(a.id for a in conflicts)},
        )
    return inspector
