"""/readyz: may this process take traffic? Only when the database answers and every migration
shipped in `models/migrations` has been applied to it.

Cheap enough to be probed every few seconds: the migration names on disk are read once per
process, and each probe runs two tiny statements (`SELECT 1`, then the names tortoise recorded
in its `tortoise_migrations` table), each bounded by a short timeout.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from dataclasses import dataclass
from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from models.database import APP_LABEL

logger = logging.getLogger("registry.readiness")

TIMEOUT_SECONDS = 2.0
# tortoise-orm 1.x records each applied migration as a row (app, name, applied_at) of this table
# (tortoise.migrations.recorder.MigrationRecorder).
APPLIED = f'SELECT "name" FROM "tortoise_migrations" WHERE "app" = \'{APP_LABEL}\''


@cache
def migrations_on_disk() -> tuple[str, ...]:
    """The migration modules tortoise's loader would find (same rule: modules, not packages,
    whose names do not start with `_` or `~`), without importing them."""
    import models.migrations as package

    return tuple(
        sorted(
            name
            for _, name, is_package in pkgutil.iter_modules(package.__path__)
            if not is_package and name[0] not in "_~"
        )
    )


def database() -> BaseDBAsyncClient:
    """The connection the application's queries use (the tests point it elsewhere)."""
    return get_connection("default")


@dataclass(frozen=True)
class Verdict:
    problem: str | None = None
    pending: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return self.problem is None


async def check() -> Verdict:
    try:
        client = database()
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await client.execute_query("SELECT 1")
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                _, rows = await client.execute_query(APPLIED)
            applied = {str(row["name"]) for row in rows}
        except TimeoutError:
            raise
        except Exception:
            applied = set()  # no migrations table: nothing has been applied yet
    except Exception as exc:  # no answer in time means "not ready", never a 500
        return _noted(Verdict("database unreachable"), f"{type(exc).__name__}: {exc}")
    pending = tuple(name for name in migrations_on_disk() if name not in applied)
    if pending:
        return _noted(Verdict(f"migrations pending: [{', '.join(pending)}]", pending))
    return _noted(Verdict())


_last: dict[str, str | None] = {}


def _noted(verdict: Verdict, cause: str = "") -> Verdict:
    """Logs when the verdict changes (probes come every few seconds: not a line per probe)."""
    if _last.get("problem", "-") != verdict.problem:
        _last["problem"] = verdict.problem
        if verdict.ready:
            logger.info("ready: the database answers and every migration is applied")
        else:
            logger.warning("not ready: %s%s", verdict.problem, f" ({cause})" if cause else "")
    return verdict


async def readyz(request: Request) -> JSONResponse:
    verdict = await check()
    headers = {"Cache-Control": "no-store"}
    if verdict.ready:
        return JSONResponse({"status": "ready"}, headers=headers)
    body: dict[str, object] = {"status": "unavailable", "problem": verdict.problem}
    if verdict.pending:
        body["pending"] = list(verdict.pending)
    return JSONResponse(body, status_code=503, headers=headers)
