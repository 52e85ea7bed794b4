"""双随机 (Art. 20): draw ACTIVE agencies and, for each, inspectors from a pool."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.agency import Agency, status_q
from models.audit import Actor, AuditAction, record
from models.draw import ALGORITHM, Draw, ImpossibleDraw, PoolMember, digest, run_draw
from models.enums import AgencyKind, AgencyStatus
from models.errors import InvalidInput, RuleViolation
from models.inspection import Inspector, InspectorConflict
from models.region import find_region
from models.rules import RuleCode
from models.snapshot import snapshot


@dataclass(frozen=True)
class DrawRequest:
    scope: Q  # the agencies the drawing authority supervises
    count: int | None
    ratio: float | None
    region_code: str | None
    kind: AgencyKind | None
    inspectors: list[Inspector]
    per_agency: int
    seed: str | None
    published: bool
    authority: str


async def draw_inspections(actor: Actor, req: DrawRequest, *, today: date) -> Draw:
    if (req.count is None) == (req.ratio is None):
        raise InvalidInput("count", "抽取数量与抽取比例须填写且只填写其中一项")
    if req.ratio is not None and not 0 < req.ratio <= 1:
        raise InvalidInput("ratio", "应大于0且不大于1")
    if req.per_agency < 1:
        raise InvalidInput("inspectorsPerAgency", "应不少于1")
    if req.seed is not None and not 1 <= len(req.seed) <= 128:
        raise InvalidInput("seed", "长度应为1至128个字符")
    if req.region_code is not None and await find_region(req.region_code) is None:
        raise InvalidInput("regionCode", f"行政区划代码{req.region_code!r}不存在")
    population_q = req.scope & status_q(AgencyStatus.ACTIVE, today=today)
    if req.region_code is not None:
        population_q &= Q(filing_region_id=req.region_code)
    if req.kind is not None:
        population_q &= Q(kind=req.kind)
    population = sorted(a.id for a in await Agency.filter(population_q).only("id"))
    conflicts: dict[int, set[int]] = {i.id: set() for i in req.inspectors}
    for c in await InspectorConflict.filter(inspector_id__in=list(conflicts)):
        conflicts[c.inspector_id].add(c.agency_id)
    pool = [PoolMember(i, frozenset(a)) for i, a in sorted(conflicts.items())]
    count = req.count if req.count is not None else math.ceil((req.ratio or 0) * len(population))
    seed = req.seed or secrets.token_hex(16)
    try:
        assignments = run_draw(seed, population, pool, count, req.per_agency)
    except ImpossibleDraw as exc:
        raise RuleViolation(RuleCode.IMPOSSIBLE_DRAW, f"{exc}（第20条）", 20) from None
    pool_json = [m.as_json() for m in pool]
    async with in_transaction() as conn:
        draw = await Draw.create(
            using_db=conn,
            seed=seed,
            algorithm=ALGORITHM,
            population=population,
            population_hash=digest(population),
            pool=pool_json,
            pool_hash=digest(pool_json),
            parameters={
                "count": count,
                "ratio": req.ratio,
                "perAgency": req.per_agency,
                "regionCode": req.region_code,
                "kind": req.kind.value if req.kind else None,
            },
            assignments=assignments,
            published=req.published,
            authority_id=req.authority,
        )
        await record(
            conn,
            actor,
            AuditAction.DRAW_INSPECTIONS,
            draw,
            agency_id=None,
            region_code=req.authority,
            before=None,
            after=snapshot(draw),
        )
    return draw
