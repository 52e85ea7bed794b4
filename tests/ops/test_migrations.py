"""The models and models/migrations agree: no model change is left without its migration.

Make one with: tortoise -c models.database.TORTOISE_ORM makemigrations --name <what>
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Backend-independent (it compares models and migrations on an in-memory SQLite, whatever the
# backend under test): .ci/run runs it on PostgreSQL only.
pytestmark = pytest.mark.any_backend

# Loading the models into a second tortoise context rebinds them process-wide, so the check
# runs in a process of its own.
CHECK = """
import asyncio
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector
from models.database import APP_LABEL, tortoise_config

async def main():
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, {APP_LABEL: config["apps"][APP_LABEL]}).changes()
    print(" ".join(w.name for w in writers) or "none")

asyncio.run(main())
"""


def test_no_model_change_lacks_a_migration() -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "none", result.stdout
