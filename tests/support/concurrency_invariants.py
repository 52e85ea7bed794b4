"""The registry's invariants after a concurrent or faulty load: the product's own suite
(`models/invariants`, run by `registry check`), limited to the agencies a test made (the demo
data and earlier tests share the database).

It runs as `registry check` in a process of its own, against the database URL given, so it
reads any database (the private PostgreSQL server of tests/robustness/test_pg_restart.py
included) without touching this process's tortoise connections. A failing test lists every
violation at once.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable
from datetime import date


def plain_dsn(url: str) -> str:
    """An asyncpg DSN for a tortoise DATABASE_URL (tortoise's own parameters dropped)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest.split("?", 1)[0]


async def all_invariants(url: str, agencies: Iterable[int], today: date) -> list[str]:
    """Every violation `registry check` finds among `agencies` as of `today` (empty when all
    hold); the command's whole output when it fails otherwise."""
    args = ["check", "--today", today.isoformat()]
    for agency in sorted(set(agencies)):
        args += ["--agency", str(agency)]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from server.cli import main; main()",
        *args,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    lines = output.decode().splitlines()
    if process.returncode == 0:
        assert lines and lines[-1].endswith("全部成立。"), lines
        return []
    return [line for line in lines if line.startswith("[")] or lines
