"""双随机 (Art. 20): a reproducible random draw of agencies and inspectors.

The draw stores its seed, the algorithm's name and version, and snapshots of the population and
the inspector pool with their hashes, so anyone may re-run it and get the same assignments.
The algorithm ranks by SHA-256 rather than a PRNG so the result cannot change with the Python
version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.region import Region

ALGORITHM = "sha256-rank/v1"


class Draw(Model):
    id = fields.IntField(pk=True)
    seed = fields.CharField(max_length=128)
    algorithm = fields.CharField(max_length=32)
    population_hash = fields.CharField(max_length=64)
    pool_hash = fields.CharField(max_length=64)
    population: fields.Field[Any] = fields.JSONField()  # [agency id, ...]
    pool: fields.Field[Any] = fields.JSONField()  # [{"id": inspector, "conflicts": [agency]}]
    parameters: fields.Field[Any] = fields.JSONField()  # {"count", "perAgency", ...}
    assignments: fields.Field[Any] = fields.JSONField()  # [{"agency": id, "inspectors": [id]}]
    published = fields.BooleanField(default=True, db_index=True)
    authority: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    authority_id: str

    class Meta:
        table = "draw"


@dataclass(frozen=True)
class PoolMember:
    id: int
    conflicts: frozenset[int]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "conflicts": sorted(self.conflicts)}


def digest(value: Any) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _rank(seed: str, *parts: int) -> str:
    return hashlib.sha256("|".join([seed, *map(str, parts)]).encode()).hexdigest()


class ImpossibleDraw(Exception):
    pass


def run_draw(
    seed: str, population: list[int], pool: list[PoolMember], count: int, per_agency: int
) -> list[dict[str, Any]]:
    """Select `count` agencies and `per_agency` distinct, conflict-free inspectors for each."""
    if not 1 <= count <= len(population):
        raise ImpossibleDraw(f"可抽取的机构共{len(population)}家，无法抽取{count}家")
    chosen = sorted(population, key=lambda a: _rank(seed, 0, a))[:count]
    assignments = []
    for agency in sorted(chosen):
        eligible = [m.id for m in pool if agency not in m.conflicts]
        if len(eligible) < per_agency:
            raise ImpossibleDraw(
                f"编号为{agency}的机构可选派的督导人员（已排除应回避人员）仅{len(eligible)}名，"
                f"少于所需的{per_agency}名"
            )
        picked = sorted(eligible, key=lambda i: _rank(seed, agency, i))[:per_agency]
        assignments.append({"agency": agency, "inspectors": sorted(picked)})
    return assignments


def verify(draw: Draw) -> bool:
    """Re-run the stored draw from its snapshots and seed; true when everything matches."""
    if draw.algorithm != ALGORITHM:
        return False
    if digest(draw.population) != draw.population_hash or digest(draw.pool) != draw.pool_hash:
        return False
    pool = [PoolMember(m["id"], frozenset(m["conflicts"])) for m in draw.pool]
    try:
        again = run_draw(
            draw.seed,
            list(draw.population),
            pool,
            draw.parameters["count"],
            draw.parameters["perAgency"],
        )
    except (ImpossibleDraw, KeyError, TypeError):
        return False
    return bool(again == draw.assignments)
