"""The models and models/migrations agree: no model change is left without its migration.

Make one with: tortoise -c models.database.TORTOISE_ORM makemigrations --name <what>
"""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from models.database import APP_LABEL, tortoise_config


async def test_no_model_change_lacks_a_migration() -> None:
    config = tortoise_config("sqlite://:memory:")
    apps = {APP_LABEL: config["apps"][APP_LABEL]}
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, apps).changes()
    assert writers == [], [w.name for w in writers]
