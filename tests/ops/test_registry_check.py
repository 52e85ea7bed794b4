"""`registry check`: the invariant suite (models/invariants) run by the operator against a
database. Each database here is made by the CLI itself in a process of its own, as an operator
would: the demo data (`registry seed --demo`, embedded SQLite, and PostgreSQL when the suite
runs on it) and a generated dataset (`registry seed --scale`, PostgreSQL) keep every invariant;
a violation planted with raw SQL is reported by name and article, and fails the command.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from models.invariants import INVARIANTS
from server.demo import DEMO_CREDIT_CODES

SCALE = 200
ALL_HOLD = f"检查 {len(INVARIANTS)} 项不变式（全部数据，截至 "


async def registry(
    *args: str, database_url: str | None = None, cwd: Path | None = None
) -> tuple[int, str]:
    """Run the `registry` command; (exit status, output)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from server.cli import main; main()",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


def _sibling(url: str, name: str) -> tuple[str, str]:
    """(tortoise url, asyncpg dsn) of database `name` on the server `url` names."""
    parts = urlsplit(url)
    return (
        urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")),
        urlunsplit(("postgresql", parts.netloc, f"/{name}", "", "")),
    )


@pytest.fixture(scope="module")
async def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose embedded SQLite database `registry seed --demo` filled."""
    where = tmp_path_factory.mktemp("embedded")
    status, output = await registry("seed", "--demo", cwd=where)
    assert status == 0 and "Demo data loaded: 48 agencies." in output, output
    return where


@pytest.fixture(scope="module")
async def postgres(db_url: Any) -> AsyncIterator[tuple[str, Any]]:
    """(url of a scratch database to fill, the admin connection) on the suite's PostgreSQL."""
    kind, admin, name, url = db_url
    if kind != "postgres":
        pytest.skip("the suite runs on SQLite")
    conn = await asyncpg.connect(admin)
    yield f"{name}_check", conn
    await conn.close()


async def _fresh(postgres: tuple[str, Any], db_url: Any, suffix: str) -> tuple[str, str]:
    base, admin = postgres
    name = f"{base}_{suffix}"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    return _sibling(db_url[3], name)


async def _drop(postgres: tuple[str, Any], suffix: str) -> None:
    base, admin = postgres
    await admin.execute(f'DROP DATABASE IF EXISTS "{base}_{suffix}" WITH (FORCE)')


async def test_the_embedded_demo_keeps_every_invariant(embedded: Path) -> None:
    status, output = await registry("check", cwd=embedded)
    assert status == 0, output
    assert output.strip().splitlines()[-1].startswith(ALL_HOLD), output
    assert output.strip().endswith("全部成立。"), output


async def test_the_demo_on_postgresql_keeps_every_invariant(
    postgres: tuple[str, Any], db_url: Any
) -> None:
    url, _ = await _fresh(postgres, db_url, "demo")
    try:
        status, output = await registry("seed", "--demo", database_url=url)
        assert status == 0, output
        status, output = await registry("check", database_url=url)
        assert status == 0 and output.strip().endswith("全部成立。"), output
    finally:
        await _drop(postgres, "demo")


async def test_a_scale_dataset_keeps_every_invariant(
    postgres: tuple[str, Any], db_url: Any
) -> None:
    url, _ = await _fresh(postgres, db_url, "scale")
    try:
        status, output = await registry("seed", "--scale", str(SCALE), database_url=url)
        assert status == 0 and f"Generated {SCALE} agencies" in output, output
        status, output = await registry("check", database_url=url)
        assert status == 0 and output.strip().endswith("全部成立。"), output
    finally:
        await _drop(postgres, "scale")


REVOKED = DEMO_CREDIT_CODES["xiamen_revoked"]
UNBAN = f"UPDATE agency SET banned_until = NULL WHERE credit_code = '{REVOKED}'"


def _reported(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("[")]


async def _assert_planted_ban_reported(run: Any, revoked_id: int) -> None:
    status, output = await run("check")
    assert status == 1, output
    lines = _reported(output)
    # The ban, by name and article, and the trail that no longer shows the row as it is.
    assert any(
        line.startswith("[第二十三条] art23_revocation_ban（")
        and REVOKED in line
        and "禁止备案至 无" in line
        for line in lines
    ), output
    assert any(line.startswith("[第十一条] art11_audit_disagrees（") for line in lines), output
    assert output.strip().splitlines()[-1].endswith(f"发现 {len(lines)} 处违反。"), output
    # Only the one invariant; only other agencies: nothing.
    status, output = await run("check", "--only", "art23_revocation_ban")
    assert status == 1 and len(_reported(output)) == 1, output
    assert "检查 1 项不变式" in output, output
    others = [a for a in (1, 2, 3) if a != revoked_id][:2]
    status, output = await run("check", *[x for a in others for x in ("--agency", str(a))])
    assert status == 0 and "（2 家机构，" in output, output
    status, output = await run("check", "--only", "no_such_rule")
    assert status != 0 and "unknown invariant no_such_rule" in output, output


async def test_a_planted_violation_fails_the_check_embedded(embedded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "planted"
    copy.mkdir()
    shutil.copy(embedded / "registry.sqlite3", copy / "registry.sqlite3")
    with sqlite3.connect(copy / "registry.sqlite3") as conn:
        conn.execute(UNBAN)
        (revoked_id,) = conn.execute(
            f"SELECT id FROM agency WHERE credit_code = '{REVOKED}'"
        ).fetchone()

    async def run(*args: str) -> tuple[int, str]:
        return await registry(*args, cwd=copy)

    await _assert_planted_ban_reported(run, revoked_id)


async def test_a_planted_violation_fails_the_check_on_postgresql(
    postgres: tuple[str, Any], db_url: Any
) -> None:
    url, dsn = await _fresh(postgres, db_url, "planted")
    try:
        status, output = await registry("seed", "--demo", database_url=url)
        assert status == 0, output
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(UNBAN)
            revoked_id = await conn.fetchval(
                f"SELECT id FROM agency WHERE credit_code = '{REVOKED}'"
            )
        finally:
            await conn.close()

        async def run(*args: str) -> tuple[int, str]:
            return await registry(*args, database_url=url)

        await _assert_planted_ban_reported(run, revoked_id)
    finally:
        await _drop(postgres, "planted")


async def test_no_database_no_check(tmp_path: Path) -> None:
    status, output = await registry("check", cwd=tmp_path)
    assert status != 0 and "no database" in output, output
    assert not (tmp_path / "registry.sqlite3").exists()
