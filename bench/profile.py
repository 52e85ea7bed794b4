"""`python -m bench.profile`: where the time of one request goes.

Runs a query many times in process (the production app, httpx's ASGI transport, no network)
against the database DATABASE_URL names: the CPU time per request (best of several rounds),
pyinstrument's call tree of one round, and cProfile's own time by library for another. Meant
for a database seeded with `registry seed --scale N`; Q2 as the city 350200 by default.

    DATABASE_URL=postgres://…/registry_bench_10k python -m bench.profile [--case q2_city]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import time
from pathlib import Path
from typing import Any

import httpx

from bench.workload import Q2, Q3
from models.enums import Role
from server.auth import mint_token
from server.settings import Settings

CASES: dict[str, tuple[str, dict[str, Any], Role, str | None]] = {
    "q2_city": (Q2, {"first": 50}, Role.CITY, "350200"),
    "q2_province": (Q2, {"first": 50}, Role.PROVINCE, None),
    "q3_province": (Q3, {}, Role.PROVINCE, None),
}


LIBRARIES = (
    ("/graphql/", "graphql-core (execution, validation)"),
    ("/strawberry/", "strawberry"),
    ("/tortoise/", "tortoise-orm + pypika"),
    ("pypika", "tortoise-orm + pypika"),
    ("/asyncpg/", "asyncpg"),
    ("/starlette/", "starlette"),
    ("/httpx/", "httpx (the profiling client)"),
    ("/httpcore/", "httpx (the profiling client)"),
    ("/casbin/", "pycasbin"),
    ("/jwt/", "pyjwt"),
    ("/asyncio/", "asyncio"),
)


def by_library(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Where the process's own time went, by the library each function belongs to."""
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "poll" in name and "select" in name:
            continue  # idle: waiting for PostgreSQL
        library = next(
            (label for marker, label in LIBRARIES if marker in filename),
            "registry"
            if "/.venv/" not in filename
            and filename.startswith(str(Path(__file__).resolve().parents[1]))
            else "Python and the rest",
        )
        totals[library] = totals.get(library, 0.0) + own
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


async def run(case: str, repeat: int, rounds: int, html: str | None) -> None:
    from pyinstrument import Profiler

    from server.app import create_app
    from server.db import close_database, open_database

    settings = Settings(
        REGISTRY_ENV="production",
        REGISTRY_JWT_SECRET="x" * 40,
        REGISTRY_RATE_LIMIT_ANONYMOUS="",
        REGISTRY_RATE_LIMIT_SIGNED_IN="",
        REGISTRY_METRICS=False,
    )
    query, variables, role, region = CASES[case]
    token = mint_token(settings, role, region=region)
    app = create_app(settings, manage_database=False)
    logging.getLogger("registry").setLevel(logging.WARNING)  # no access line per request
    await open_database(settings, apply_migrations=False)
    transport = httpx.ASGITransport(app=app)
    body = {"query": query, "variables": variables}
    headers = {"authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
            for _ in range(5):  # warm caches and the connection pool
                (await client.post("/graphql", json=body, headers=headers)).raise_for_status()

            async def one_round() -> tuple[float, float]:
                started, cpu = time.perf_counter(), time.process_time()
                for _ in range(repeat):
                    response = await client.post("/graphql", json=body, headers=headers)
                    assert "errors" not in response.json(), response.text
                return (
                    (time.perf_counter() - started) / repeat,
                    (time.process_time() - cpu) / repeat,
                )

            # The best of several rounds: on a shared machine the others only add noise.
            wall, cpu = map(min, zip(*[await one_round() for _ in range(rounds)], strict=True))
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            with profiler:
                await one_round()
            calls = cProfile.Profile()
            with calls:
                await one_round()
    finally:
        await close_database()
    # CPU time is the steadier figure on a shared machine.
    print(
        f"{case}: best of {rounds} rounds of {repeat} requests in process: {1000 * wall:.1f} ms "
        f"wall, {1000 * cpu:.1f} ms CPU each (this process; PostgreSQL's is apart)"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print("Own time by library (cProfile, waiting in the event loop left out):")
    for library, share in by_library(pstats.Stats(calls)):
        print(f"  {library:28} {share:5.1%}")
    if html:
        await asyncio.to_thread(Path(html).write_text, profiler.output_html())


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    p.add_argument("--case", choices=sorted(CASES), default="q2_city")
    p.add_argument("--repeat", type=int, default=20, help="requests per round")
    p.add_argument("--rounds", type=int, default=5, help="unprofiled rounds, best one shown")
    p.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = p.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database seeded with --scale N")
    asyncio.run(run(args.case, args.repeat, args.rounds, args.html))


if __name__ == "__main__":
    main()
