"""`registry seed --scale N` (PostgreSQL only: it writes with COPY).

A small generated dataset, seeded by the CLI into its own scratch database, has the demo's mix
(venues, filings and items per agency, sanctions on about 10 %, every city, level, state and
status), keeps the invariants the operations keep (valid and unique credit codes, Art. 12
claims, states that agree with filings and sanctions, an audit trail), and the API serves it:
every agency is visible exactly where DESIGN §6 says.

The checks read the rows with plain SQL, sharing no code with the generator.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tortoise.context import TortoiseContext

from models.credit_code import validate_credit_code
from models.database import tortoise_config
from models.enums import RegionLevel, Role
from models.region import JURISDICTIONS
from server.app import create_app
from server.auth import mint_token
from server.clock import today
from server.settings import Settings

N = 200
CITIES = [code for code, _, level in JURISDICTIONS if level is RegionLevel.CITY]


@pytest.fixture(scope="module")
async def scale_db(db_url: Any) -> AsyncIterator[str]:
    """The url of a scratch database seeded by `registry seed --scale N`."""
    kind, admin, name, url = db_url
    if kind != "postgres":
        pytest.skip("--scale writes with PostgreSQL COPY")
    scratch = f"{name}_scale"
    parts = urlsplit(url)
    scratch_url = urlunsplit((parts.scheme, parts.netloc, f"/{scratch}", parts.query, ""))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{scratch}"')
    await conn.close()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from server.cli import main; main()",
        "seed",
        "--scale",
        str(N),
        env={**os.environ, "DATABASE_URL": scratch_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    assert f"Generated {N} agencies" in output.decode()
    yield scratch_url
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    await conn.close()


@pytest.fixture(scope="module")
async def sql(scale_db: str) -> AsyncIterator[asyncpg.Connection]:
    parts = urlsplit(scale_db)
    conn = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, parts.path, "", "")))
    yield conn
    await conn.close()


async def _value(sql: asyncpg.Connection, query: str) -> Any:
    return await sql.fetchval(query)


async def test_the_demo_mix_at_scale(sql: asyncpg.Connection) -> None:
    assert await _value(sql, "SELECT count(*) FROM agency") == N
    sites = await _value(sql, "SELECT count(*) FROM site") / N
    filings = await _value(sql, "SELECT count(*) FROM filing") / N
    items = await _value(
        sql, "SELECT avg(n) FROM (SELECT count(*) n FROM filing_item GROUP BY filing_id) x"
    )
    sanctioned = await _value(sql, "SELECT count(DISTINCT agency_id) FROM sanction") / N
    assert 3.5 <= sites <= 4.8, sites
    assert 1.6 <= filings <= 2.4, filings
    assert 4 <= items <= 7, items
    assert 0.07 <= sanctioned <= 0.14, sanctioned
    assert await _value(sql, "SELECT count(*) FROM inspection") >= N // 3
    assert await _value(sql, "SELECT count(*) FROM inspector") >= 10


async def test_every_city_level_state_and_status(sql: asyncpg.Connection) -> None:
    regions = {r[0] for r in await sql.fetch("SELECT DISTINCT filing_region_id FROM agency")}
    assert regions == {code for code, _, _ in JURISDICTIONS}
    assert {r[0] for r in await sql.fetch("SELECT DISTINCT level FROM agency")} == {
        "CITY",
        "PROVINCIAL",
    }
    assert {r[0] for r in await sql.fetch("SELECT DISTINCT state FROM agency")} == {
        "PENDING",
        "ACTIVE",
        "SUSPENDED",
        "TERMINATED",
        "REVOKED",
    }
    assert (
        await _value(
            sql, "SELECT count(*) FROM agency WHERE state = 'ACTIVE' AND valid_until < current_date"
        )
        > 0
    )  # EXPIRED
    assert {tuple(r) for r in await sql.fetch("SELECT DISTINCT kind, is_college FROM agency")} == {
        ("EMPLOYER", False),
        ("SOCIAL_ORG", False),
        ("SOCIAL_ORG", True),
    }
    assert {r[0] for r in await sql.fetch("SELECT DISTINCT status FROM filing")} == {
        "SUBMITTED",
        "APPROVED",
        "REJECTED",
        "WITHDRAWN",
    }
    assert {r[0] for r in await sql.fetch("SELECT DISTINCT kind FROM filing")} == {
        "INITIAL",
        "RENEWAL",
        "SCOPE_CHANGE",
        "INFO_CHANGE",
        "TERMINATION",
    }
    assert {tuple(r) for r in await sql.fetch("SELECT DISTINCT grade, status FROM sanction")} == {
        ("INTERVIEW", "EFFECTIVE"),
        ("RECTIFICATION", "EFFECTIVE"),
        ("REVOCATION", "EFFECTIVE"),
        ("REVOCATION", "PROPOSED"),
    }
    # Shared venues: an item at a venue another agency registered.
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM filing_item i JOIN filing f ON f.id = i.filing_id
        JOIN site s ON s.id = i.site_id WHERE s.agency_id <> f.agency_id""",
        )
        > 0
    )
    # Provincial agencies' venues in several cities, some acknowledged (Art. 4).
    assert (
        await _value(
            sql,
            """
        SELECT count(DISTINCT s.region_id) FROM site s JOIN agency a ON a.id = s.agency_id
        WHERE a.level = 'PROVINCIAL'""",
        )
        > 3
    )
    assert await _value(sql, "SELECT count(*) FROM site WHERE acknowledged_at IS NOT NULL") > 0


async def test_credit_codes_are_valid_and_unique(sql: asyncpg.Connection) -> None:
    codes = [r[0] for r in await sql.fetch("SELECT credit_code FROM agency")]
    assert len(set(codes)) == N
    assert all(validate_credit_code(c) == c for c in codes)


@pytest.mark.article(12)
async def test_art12_claims_are_the_scopes_in_force(sql: asyncpg.Connection) -> None:
    in_force = await sql.fetch("""
        SELECT agency_id, site_id, occupation_code FROM item_claim WHERE released_at IS NULL""")
    pairs = [(r["site_id"], r["occupation_code"]) for r in in_force]
    assert len(pairs) == len(set(pairs))  # one agency per (site, occupation)
    scopes = await sql.fetch("""
        SELECT DISTINCT a.id AS agency_id, i.site_id, i.occupation_code
        FROM agency a
        JOIN LATERAL (SELECT f.id FROM filing f WHERE f.agency_id = a.id
                      AND f.status = 'APPROVED' AND f.kind IN ('INITIAL', 'SCOPE_CHANGE')
                      ORDER BY f.decided_at DESC, f.id DESC LIMIT 1) latest ON true
        JOIN filing_item i ON i.filing_id = latest.id
        WHERE a.state IN ('ACTIVE', 'SUSPENDED')""")
    assert {tuple(r) for r in in_force} == {tuple(r) for r in scopes}
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM filing_item i JOIN filing f ON f.id = i.filing_id
        JOIN site s ON s.id = i.site_id JOIN agency a ON a.id = f.agency_id
        WHERE s.tenure = 'TEMPORARY_RENTAL' OR (s.tenure = 'COLLEGE_CAMPUS'
              AND a.kind = 'SOCIAL_ORG' AND NOT a.is_college)""",
        )
        == 0
    )


async def test_states_agree_with_filings_and_sanctions(sql: asyncpg.Connection) -> None:
    # Filed agencies have an approved INITIAL and are valid until their last period's end.
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM agency a WHERE (a.state = 'PENDING') = EXISTS (
            SELECT 1 FROM filing f WHERE f.agency_id = a.id AND f.kind = 'INITIAL'
            AND f.status = 'APPROVED')""",
        )
        == 0
    )
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM agency a WHERE a.state <> 'PENDING' AND a.valid_until IS DISTINCT
        FROM (SELECT max(valid_until) FROM filing f WHERE f.agency_id = a.id
              AND f.status = 'APPROVED' AND f.kind IN ('INITIAL', 'RENEWAL'))""",
        )
        == 0
    )
    # Suspended while a rectification is open; revoked with a 3-year ban; nothing left open.
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM agency a WHERE (a.state = 'SUSPENDED') <> EXISTS (
            SELECT 1 FROM sanction s WHERE s.agency_id = a.id AND s.grade = 'RECTIFICATION'
            AND s.status = 'EFFECTIVE' AND s.rectified_at IS NULL)
            AND a.state NOT IN ('REVOKED', 'TERMINATED')""",
        )
        == 0
    )
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM agency a WHERE a.state = 'REVOKED' AND a.banned_until IS DISTINCT
        FROM (SELECT (s.decided_at + interval '3 years')::date FROM sanction s
              WHERE s.agency_id = a.id AND s.grade = 'REVOCATION'
              AND s.status = 'EFFECTIVE')""",
        )
        == 0
    )
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM filing f JOIN agency a ON a.id = f.agency_id
        WHERE f.status = 'SUBMITTED' AND a.state IN ('TERMINATED', 'REVOKED')""",
        )
        == 0
    )


async def test_the_audit_trail_and_sequences(sql: asyncpg.Connection) -> None:
    for table, action in (("agency", "registerAgency"), ("site", "addSite")):
        assert (
            await _value(
                sql,
                f"""
            SELECT count(*) FROM {table} t WHERE NOT EXISTS (
                SELECT 1 FROM audit_event e WHERE e.action = '{action}'
                AND e.object_id = t.id::text)""",
            )
            == 0
        ), table
    assert (
        await _value(
            sql,
            """
        SELECT count(*) FROM filing f WHERE NOT EXISTS (
            SELECT 1 FROM audit_event e WHERE e.action IN ('submitFiling', 'importFiling')
            AND e.object_type = 'Filing' AND e.object_id = f.id::text)""",
        )
        == 0
    )
    for table in ("agency", "site", "filing", "filing_item", "item_claim", "audit_event"):
        assert await _value(
            sql,
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            f"> (SELECT max(id) FROM {table})",
        ), table


async def test_the_api_shows_every_agency_where_design_says(
    scale_db: str, sql: asyncpg.Connection, settings: Settings
) -> None:
    async def count(client: httpx.AsyncClient, token: str | None, status: str | None = None) -> int:
        query = (
            "query($f: AgencyFilter) { agencies(first: 50, filter: $f) { totalCount "
            "edges { node { status validUntil filingRegion { code } "
            "sites { totalCount } } } } }"
        )
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql",
            headers=headers,
            json={"query": query, "variables": {"f": {"status": status} if status else None}},
        )
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        connection = body["data"]["agencies"]
        assert len(connection["edges"]) == min(50, connection["totalCount"])
        return int(connection["totalCount"])

    def token(role: Role, **claims: str) -> str:
        return mint_token(
            settings, role, region=claims.get("region"), agency_credit_code=claims.get("agency")
        )

    public = await _value(sql, "SELECT count(*) FROM agency WHERE state <> 'PENDING'")
    pending = await _value(
        sql, "SELECT credit_code FROM agency WHERE state = 'PENDING' ORDER BY id LIMIT 1"
    )
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(scale_db))
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
            assert await count(c, None) == public
            assert await count(c, token(Role.PROVINCE)) == N
            for city in CITIES:  # filed with the city, operating in it, or public
                expected = await sql.fetchval(
                    """
                    SELECT count(*) FROM agency a WHERE a.state <> 'PENDING'
                    OR a.filing_region_id = $1
                    OR EXISTS (SELECT 1 FROM site s WHERE s.agency_id = a.id
                               AND s.region_id = $1)
                    OR EXISTS (SELECT 1 FROM filing f JOIN filing_item i ON i.filing_id = f.id
                               JOIN site s ON s.id = i.site_id
                               WHERE f.agency_id = a.id AND s.region_id = $1)""",
                    city,
                )
                assert await count(c, token(Role.CITY, region=city)) == expected, city
            assert await count(c, token(Role.AGENCY, agency=pending), "PENDING") == 1
            expired = await count(c, token(Role.PROVINCE), "EXPIRED")
    assert expired == await sql.fetchval(
        "SELECT count(*) FROM agency WHERE state IN ('ACTIVE', 'SUSPENDED') AND valid_until < $1",
        today(),
    )
