"""Opening and closing the database for the server and the CLI."""

from __future__ import annotations

from tortoise import Tortoise

from models.database import migrate, tortoise_config
from server.settings import Settings


async def open_database(settings: Settings, *, apply_migrations: bool) -> None:
    """Connect; on request, first bring the schema up to date with tortoise's migrations."""
    if apply_migrations:
        await migrate(settings.db_url)
        await Tortoise.close_connections()
    # Requests run in other tasks than the lifespan, hence the process-wide fallback context.
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def seed_demo_if_empty() -> bool:
    from models.agency import Agency
    from server.demo import seed_demo

    if await Agency.exists():
        return False
    await seed_demo()
    return True
