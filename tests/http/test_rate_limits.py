"""Per-actor rate limits (README, Security): anonymous requests counted per client address,
signed-in ones per token subject; 429 with Retry-After; shared across replicas via Redis."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from models.enums import Role
from server.app import create_app
from server.auth import mint_token
from server.persisted_queries import manifest
from server.settings import Settings

# Backend-independent (the counts live in memory or in Redis, never in the database): .ci/run runs
# it on PostgreSQL only.
pytestmark = pytest.mark.any_backend

QUERY = {"query": "{ regions { code } }"}
REDIS = ("127.0.0.1", 6379)


@asynccontextmanager
async def replica(
    settings: Settings, address: str = "10.0.0.1"
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(
        app=create_app(settings, manage_database=False), client=(address, 40000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        yield c


def bearer(settings: Settings, subject: str) -> dict[str, str]:
    token = mint_token(settings, Role.PROVINCE, subject=subject)
    return {"Authorization": f"Bearer {token}"}


async def statuses(client: httpx.AsyncClient, n: int, **kwargs: Any) -> list[int]:
    return [(await client.post("/graphql", json=QUERY, **kwargs)).status_code for _ in range(n)]


async def test_anonymous_default_is_sixty_a_minute_per_address(database: str) -> None:
    settings = Settings()
    assert settings.rate_limit_anonymous == "60/minute"
    async with replica(settings, "10.0.0.1") as first, replica(settings, "10.0.0.2") as other:
        assert await statuses(first, 60) == [200] * 60
        refused = await first.post("/graphql", json=QUERY)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert refused.headers["x-request-id"]
        # Another address has its own budget.
        assert await statuses(other, 1) == [200]


async def test_signed_in_actors_are_counted_per_subject(database: str) -> None:
    settings = Settings(REGISTRY_RATE_LIMIT_SIGNED_IN="3/minute")
    assert Settings().rate_limit_signed_in == "600/minute"
    alice, bob = f"alice-{uuid.uuid4().hex}", f"bob-{uuid.uuid4().hex}"
    async with replica(settings, "10.0.0.3") as client:
        # A fresh token for the same subject shares the subject's budget.
        assert [
            (await client.post("/graphql", json=QUERY, headers=bearer(settings, alice))).status_code
            for _ in range(3)
        ] == [200] * 3
        assert (
            await client.post("/graphql", json=QUERY, headers=bearer(settings, alice))
        ).status_code == 429
        # Same address, another subject: unaffected; and anonymous from the address too.
        assert await statuses(client, 1, headers=bearer(settings, bob)) == [200]
        assert await statuses(client, 1) == [200]


async def test_a_batch_is_charged_per_operation(database: str) -> None:
    settings = Settings(REGISTRY_RATE_LIMIT_ANONYMOUS="5/minute")
    async with replica(settings, "10.0.0.4") as client:
        batch = await client.post("/graphql", json=[QUERY] * 4)
        assert batch.status_code == 200 and len(batch.json()) == 4
        assert await statuses(client, 1) == [200]
        assert await statuses(client, 1) == [429]


async def test_a_batch_of_persisted_operations_is_charged_per_operation(database: str) -> None:
    """Items that name a persisted query by hash carry no `query` text; each still counts."""
    regions = manifest().by_name()["Regions"]
    item = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": regions.sha256}}}
    settings = Settings(REGISTRY_RATE_LIMIT_ANONYMOUS="5/minute")
    async with replica(settings, "10.0.0.6") as client:
        batch = await client.post("/graphql", json=[item] * 4)
        assert batch.status_code == 200 and all("data" in r for r in batch.json()), batch.text
        assert await statuses(client, 1) == [200]
        assert await statuses(client, 1) == [429]


async def test_limits_turned_off_by_an_empty_setting(database: str) -> None:
    settings = Settings(REGISTRY_RATE_LIMIT_ANONYMOUS="")
    async with replica(settings, "10.0.0.5") as client:
        assert set(await statuses(client, 80)) == {200}


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


# CI sets REGISTRY_TEST_REDIS=required: there a missing Redis fails instead of skipping.
@pytest.mark.skipif(
    not _redis_up() and os.environ.get("REGISTRY_TEST_REDIS") != "required",
    reason="no Redis on 127.0.0.1:6379",
)
async def test_replicas_share_the_count_through_redis(database: str) -> None:
    settings = Settings(
        REDIS_URL="redis://127.0.0.1:6379/15", REGISTRY_RATE_LIMIT_SIGNED_IN="4/minute"
    )
    subject = f"shared-{uuid.uuid4().hex}"
    async with replica(settings) as one, replica(settings) as two:
        assert await statuses(one, 2, headers=bearer(settings, subject)) == [200, 200]
        assert await statuses(two, 2, headers=bearer(settings, subject)) == [200, 200]
        assert await statuses(one, 1, headers=bearer(settings, subject)) == [429]
        assert await statuses(two, 1, headers=bearer(settings, subject)) == [429]


async def test_unreachable_redis_lets_requests_through(database: str, caplog: Any) -> None:
    """A Redis outage must not take the registry down: the failure is logged, not served."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    async with replica(settings, "10.0.0.6") as client:
        assert await statuses(client, 2) == [200, 200]
    assert "rate limit storage failed" in caplog.text
