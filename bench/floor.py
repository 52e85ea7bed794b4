"""The floor: Q2 (a city's first page of agencies) answered without GraphQL, ORM or policy
layer, by one starlette handler over asyncpg, with the same token check, the same city scope
(DESIGN §6) and the same JSON as the registry's answer. Not part of the product: it shows what
the hardware gives, so the GraphQL figures can be read as a ratio to it.

    BENCH_DSN=postgresql://… REGISTRY_JWT_SECRET=… uvicorn bench.floor:app --workers N
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# The registry's own pool size (tortoise's asyncpg default), so both wait alike for it.
POOL_SIZE = 5
TIMEZONE = ZoneInfo("Asia/Shanghai")

# The city scope of agencies: public (not PENDING), filed with the city, or operating in it
# (a venue there, or an item at a venue there on any of its filings). The subqueries are
# scalar with LIMIT 1 so PostgreSQL runs them per row, only for the rows the cheap tests
# leave, and walking the primary key stops after the page (as EXISTS, it hashes both sets
# in full first).
AGENCIES = """
SELECT a.id, a.name, a.state, a.valid_until, a.filing_region_id, r.name AS region_name
FROM agency a JOIN region r ON r.code = a.filing_region_id
WHERE a.state <> 'PENDING' OR a.filing_region_id = $1
   OR (SELECT true FROM site s WHERE s.agency_id = a.id AND s.region_id = $1 LIMIT 1)
   OR (SELECT true FROM filing f JOIN filing_item i ON i.filing_id = f.id
       JOIN site s ON s.id = i.site_id WHERE f.agency_id = a.id AND s.region_id = $1 LIMIT 1)
ORDER BY a.id LIMIT $2
"""

# Agency.sites: the venues each agency registered or put on one of its filings, as far as the
# city may see venues: located in it, registered by an agency filed with it, or public (on an
# APPROVED filing of an agency that is not PENDING). OFFSET 0 keeps the visibility test
# inside the lateral subquery, run per venue used: pulled up into a join, the planner may
# test all venues first (300 ms instead of 3 at 10,000 agencies).
SITE_COUNTS = """
SELECT used.agency_id, count(*) AS n
FROM (SELECT agency_id, id AS site_id FROM site WHERE agency_id = ANY($2::int[])
      UNION
      SELECT f.agency_id, i.site_id FROM filing f JOIN filing_item i ON i.filing_id = f.id
      WHERE f.agency_id = ANY($2::int[])) used
JOIN LATERAL (
    SELECT 1 FROM site s JOIN agency owner ON owner.id = s.agency_id
    WHERE s.id = used.site_id
      AND (s.region_id = $1 OR owner.filing_region_id = $1
           OR (SELECT true FROM filing_item i JOIN filing f ON f.id = i.filing_id
               JOIN agency a ON a.id = f.agency_id
               WHERE i.site_id = s.id AND f.status = 'APPROVED' AND a.state <> 'PENDING'
               LIMIT 1))
    OFFSET 0) visible ON true
GROUP BY used.agency_id
"""


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def status(state: str, valid_until: date | None, today: date) -> str:
    if state in ("ACTIVE", "SUSPENDED") and valid_until is not None and valid_until < today:
        return "EXPIRED"
    return state


def node(row: asyncpg.Record, sites: int, today: date) -> dict[str, Any]:
    valid_until = row["valid_until"]
    return {
        "id": global_id("Agency", row["id"]),
        "name": row["name"],
        "status": status(row["state"], valid_until, today),
        "validUntil": valid_until.isoformat() if valid_until else None,
        "filingRegion": {"code": row["filing_region_id"], "name": row["region_name"]},
        "sites": {"totalCount": sites},
    }


async def agencies(request: Request) -> JSONResponse:
    try:
        token = request.headers["authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, os.environ["REGISTRY_JWT_SECRET"], algorithms=["HS256"])
        city = str(claims["region"])
    except (KeyError, jwt.PyJWTError):
        return JSONResponse({"errors": [{"message": "a CITY token"}]}, status_code=401)
    body = await request.json()
    first = int(body.get("variables", {}).get("first", 50))
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        rows = await conn.fetch(AGENCIES, city, first)
        counts = dict(await conn.fetch(SITE_COUNTS, city, [r["id"] for r in rows]))
    today = datetime.now(TIMEZONE).date()
    edges = [{"node": node(r, counts.get(r["id"], 0), today)} for r in rows]
    return JSONResponse({"data": {"agencies": {"edges": edges}}})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_DSN"], min_size=1, max_size=POOL_SIZE
    )
    yield
    await app.state.pool.close()


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/graphql", agencies, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ],
    lifespan=lifespan,
)
