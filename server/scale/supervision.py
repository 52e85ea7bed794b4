"""Inspectors with their declared conflicts, and 双随机 draws over the generated agencies
(Art. 19, 20), as registerInspector and drawInspections leave them."""

from __future__ import annotations

from models.draw import ALGORITHM, ImpossibleDraw, PoolMember, digest, run_draw
from models.enums import AgencyState
from models.region import PROVINCE_CODE
from server.scale.agencies import Life, World
from server.scale.identity import CITY_WEIGHTS, person, quota
from server.scale.tables import Row, Tables

INSPECTORS_PER_AGENCY = 1 / 25
CONFLICTED = 0.1  # inspectors who declared ties to one agency (回避)
DRAWN = 0.05  # share of a draw's population selected


def _actor(region: str) -> tuple[str, str]:
    return (
        ("PROVINCE", "province:350000") if region == PROVINCE_CODE else ("CITY", f"city:{region}")
    )


def inspectors(world: World, lives: list[Life]) -> list[PoolMember]:
    """About one inspector per 25 agencies, a third of them the province's."""
    count = max(12, round(len(lives) * INSPECTORS_PER_AGENCY))
    shares = {PROVINCE_CODE: 30.0, **{c: 70 * w / 100 for c, w in CITY_WEIGHTS.items()}}
    pool = []
    for region in quota(count, shares, world.rng):
        at = world.at(world.days_ago(world.rng.randint(30, 900)))
        inspector = world.tables.add(
            "inspector", name=person(world.rng), region_id=region, created_at=at
        )
        conflicts: list[int] = []
        if lives and world.rng.random() < CONFLICTED:
            agency_id = world.rng.choice(lives).id
            world.tables.add(
                "inspector_conflict", inspector_id=inspector["id"], agency_id=agency_id
            )
            conflicts.append(agency_id)
        world.tables.audit(
            at,
            _actor(region),
            "registerInspector",
            "inspector",
            inspector,
            agency_id=None,
            region_id=region,
            after={**Tables.snapshot(inspector), "conflicts": conflicts},
        )
        pool.append(PoolMember(inspector["id"], frozenset(conflicts)))
    return pool


def draw(
    world: World,
    authority: str,
    population: list[int],
    pool: list[PoolMember],
    seed: str,
    published: bool,
) -> Row | None:
    """One draw of 5 % of the population with two inspectors each; none when it cannot be
    made (too few inspectors free of conflicts), as drawInspections refuses it."""
    count, per_agency = max(1, round(len(population) * DRAWN)), 2
    try:
        assignments = run_draw(seed, population, pool, count, per_agency)
    except ImpossibleDraw:
        return None
    pool_json = [m.as_json() for m in pool]
    at = world.at(world.days_ago(world.rng.randint(5, 60)))
    row = world.tables.add(
        "draw",
        seed=seed,
        algorithm=ALGORITHM,
        population=population,
        population_hash=digest(population),
        pool=pool_json,
        pool_hash=digest(pool_json),
        parameters={
            "count": count,
            "ratio": None,
            "perAgency": per_agency,
            "regionCode": None if authority == PROVINCE_CODE else authority,
            "kind": None,
        },
        assignments=assignments,
        published=published,
        authority_id=authority,
        created_at=at,
    )
    world.tables.audit(
        at, _actor(authority), "drawInspections", "draw", row, agency_id=None, region_id=authority
    )
    return row


def draws(world: World, lives: list[Life], pool: list[PoolMember]) -> None:
    """A published province-wide draw, and an internal one by 厦门 of its own agencies."""
    active = [
        life for life in lives if life.in_force() and life.agency["state"] is AgencyState.ACTIVE
    ]
    regions = {row["id"]: row["region_id"] for row in world.tables.rows["inspector"]}
    draw(
        world,
        PROVINCE_CODE,
        [life.id for life in active],
        [m for m in pool if regions[m.id] == PROVINCE_CODE],
        f"scale-{world.today.year}-q4",
        published=True,
    )
    xiamen = [life.id for life in active if life.agency["filing_region_id"] == "350200"]
    if xiamen:
        draw(
            world,
            "350200",
            xiamen,
            [m for m in pool if regions[m.id] == "350200"],
            "xiamen-internal",
            published=False,
        )
