"""Test setup: a fresh database (SQLite file, or a scratch PostgreSQL database next to the one
DATABASE_URL names), migrated with the real migrations and loaded with the demo data; the app is
driven over HTTP (httpx ASGITransport) with authentication on."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from tortoise import Tortoise

from models.database import migrate, tortoise_config
from server.app import create_app
from server.clock import TIMEZONE
from server.demo import seed_demo
from server.settings import Settings
from tests.support.http_api import Api
from tests.support.property_budget import Budget, budget_seconds

# Property tests run through HTTP against a database, so examples are slow and timing varies:
# no per-example deadline. Profiles (HYPOTHESIS_PROFILE):
#   default  100 examples, a developer's run;
#   ci       CI_EXAMPLES, moderate: .ci/run's SQLite leg;
#   long     2,000 examples: .ci/run's PostgreSQL leg, where REGISTRY_TEST_PROPERTY_BUDGET also
#            bounds each `long` property test's wall-clock time (tests/support/property_budget.py).
# `HYPOTHESIS_PROFILE=long` without a budget runs all 2,000 examples (minutes per test).
CI_EXAMPLES = 100
_SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
]
for _name, _examples in (("default", 100), ("ci", CI_EXAMPLES), ("long", 2000)):
    hypothesis_settings.register_profile(
        _name, max_examples=_examples, deadline=None, suppress_health_check=_SUPPRESSED
    )
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_BUDGET_PROPERTY = "property_budget"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A `long` hypothesis test runs within REGISTRY_TEST_PROPERTY_BUDGET, when it is set."""
    given = getattr(getattr(item, "obj", None), "hypothesis", None)
    if given is None or not budget_seconds() or item.get_closest_marker("long") is None:
        return (yield)
    inner = given.inner_test
    budget = Budget(item.nodeid, budget_seconds())
    given.inner_test = budget.wrap(inner)
    try:
        return (yield)
    finally:
        given.inner_test = inner
        # On the test's report, so the summary has it under pytest-xdist too.
        item.user_properties.append((_BUDGET_PROPERTY, budget.summary()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == _BUDGET_PROPERTY
    ]
    if lines:
        terminalreporter.section("long property tests and their time budget")
        for line in sorted(lines):
            terminalreporter.write_line(line)


def _scratch_postgres(url: str) -> tuple[str, str, str]:
    """(admin dsn, scratch db name, scratch url) on the server DATABASE_URL points at."""
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "registry"
    name = f"{base}_pytest_{os.getpid()}"
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    return admin, name, urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@pytest.fixture(scope="session")
def db_url() -> Any:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        admin, name, scratch = _scratch_postgres(url)
        yield ("postgres", admin, name, scratch)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield ("sqlite", None, None, f"sqlite://{Path(tmp) / 'test.sqlite3'}")


@pytest.fixture(scope="session")
async def database(db_url: Any) -> AsyncIterator[str]:
    kind, admin, name, url = db_url
    if kind == "postgres":
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
    await migrate(url)
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await seed_demo()
    yield kind
    await Tortoise.close_connections()
    if kind == "postgres":
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped defaults, except the per-actor rate limits: the suite sends thousands of
    requests a minute from one address. tests/http/test_rate_limits.py runs them at their
    defaults."""
    return Settings(REGISTRY_RATE_LIMIT_ANONYMOUS="", REGISTRY_RATE_LIMIT_SIGNED_IN="")


@pytest.fixture(scope="session")
async def client(database: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        yield c


@pytest.fixture(scope="session")
def api(client: httpx.AsyncClient, settings: Settings) -> Api:
    return Api(client, settings)


@pytest.fixture(scope="session")
def api_on(database: str, settings: Settings) -> Callable[..., Any]:
    """`async with api_on(date(2026, 12, 28)) as api:` runs the registry on that day."""

    @asynccontextmanager
    async def make(day: date, hour: int = 10) -> AsyncIterator[Api]:
        def clock() -> datetime:
            return datetime(day.year, day.month, day.day, hour, tzinfo=TIMEZONE)

        app = create_app(settings, manage_database=False, clock=clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
            yield Api(c, settings)

    return make
