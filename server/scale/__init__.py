"""`registry seed --scale N`: N generated agencies, for load tests and capacity planning.

The data has the demo's mix at any size: agencies filed with every city and the province, in
every lifecycle state, about 4 venues and 2 filings each (about 5 items per filing), venues
shared between agencies, sanctions on about 10 %, a year of inspections, inspectors and draws.
Rows are built in Python exactly as the operations would leave them, Art. 12 claims and the
audit trail included (server/scale/agencies.py), and written with PostgreSQL COPY in one
transaction, so 10,000 agencies take seconds rather than the hours the API would need.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from typing import cast

from tortoise import connections

from models.region import PROVINCE_CODE, ensure_jurisdictions
from server.clock import today as current_day
from server.scale.agencies import AGES, INTERVIEWED, PROPOSED, STORIES, Life, World
from server.scale.identity import CITY_WEIGHTS, quota
from server.scale.supervision import draws, inspectors
from server.scale.tables import CopyConnection, Tables, write

# Of all agencies: filed with the province (省级), and the Fujian mix of kinds (188 agencies:
# 64 employers, 33 social organisations, 91 colleges), a few organisations being associations.
PROVINCIAL = 0.15
KINDS = {"employer": 64, "school": 28, "association": 5, "college": 91}


class ScaleUnsupported(RuntimeError):
    pass


def generate(n: int, today: dt.date, seed: int = 2023) -> Tables:
    """The rows of n agencies' lives as of `today`; the same n, day and seed give the same
    rows."""
    world = World(today=today, rng=random.Random(seed))
    rng = world.rng
    stories = quota(n, STORIES, rng)
    kinds = quota(n, KINDS, rng)
    regions = quota(
        n,
        {
            PROVINCE_CODE: PROVINCIAL * 100,
            **{c: (1 - PROVINCIAL) * w for c, w in CITY_WEIGHTS.items()},
        },
        rng,
    )
    clean = [i for i, s in enumerate(stories) if s in ("active", "renewed", "renewing", "expired")]
    rng.shuffle(clean)
    interviewed = set(clean[: round(n * INTERVIEWED)])
    proposed = {
        i
        for i in clean[round(n * INTERVIEWED) :][: max(1, round(n * PROPOSED))]
        if stories[i] == "active"
    }
    lives = []
    for i in range(n):
        life = Life(
            world,
            i,
            stories[i],
            kinds[i],
            regions[i],
            interviewed=i in interviewed,
            proposed=i in proposed,
        )
        life.plan()
        life.run()
        life.inspect()
        lives.append(life)
    draws(world, lives, inspectors(world, lives))
    return world.tables


async def seed_scale(n: int, today: dt.date | None = None, seed: int = 2023) -> dict[str, int]:
    """Generate n agencies into the empty, migrated PostgreSQL database tortoise is connected
    to; returns the rows written per table."""
    client = connections.get("default")
    if client.capabilities.dialect != "postgres":
        raise ScaleUnsupported(
            "--scale writes with PostgreSQL COPY; set DATABASE_URL to a "
            "PostgreSQL database (the embedded SQLite takes --demo)"
        )
    if n < 1:
        raise ScaleUnsupported("--scale needs at least one agency")
    await ensure_jurisdictions()
    # Millions of small, acyclic objects: the cycle collector would only slow their making.
    gc.disable()
    try:
        tables = generate(n, today or current_day(), seed)
        async with client.acquire_connection() as raw:
            conn = cast(CopyConnection, raw)
            async with raw.transaction():
                await write(conn, tables)
            # Statistics for the planner and a visibility map now, not whenever autovacuum
            # gets to it: until then queries are planned for empty tables and every first
            # read of a page also writes it.
            await conn.execute("VACUUM ANALYZE")
    finally:
        gc.enable()
    return {table: tables.count(table) for table in tables.rows}


__all__ = ["AGES", "ScaleUnsupported", "generate", "seed_scale"]
