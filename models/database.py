"""Tortoise configuration and schema migration for the registry's one app, `registry`."""

from __future__ import annotations

import os
from typing import Any

from tortoise.migrations.api import migrate as run_migrations

from models import MODEL_MODULES

APP_LABEL = "registry"


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": db_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def migrate(db_url: str) -> None:
    """Apply every migration in `models/migrations` that the database has not seen yet."""
    await run_migrations(config=tortoise_config(db_url))


# For tortoise's own CLI (`tortoise -c models.database.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://registry-dev.sqlite3"))
