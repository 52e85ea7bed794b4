"""Serving: offline GraphiQL, health, and masked unexpected errors."""

from __future__ import annotations

import re

import pytest

from server.app import create_app
from server.settings import Settings

# Backend-independent (GraphiQL's static page, /healthz and request ids): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend


async def test_graphiql_is_served_from_the_package_without_any_cdn(client) -> None:  # type: ignore[no-untyped-def]
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert not re.search(r"https?://", page.text), "GraphiQL must not load anything remote"
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        asset = await client.get(src)
        assert asset.status_code == 200 and len(asset.content) > 1000, src


async def test_healthz(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_production_serves_no_graphiql(database) -> None:  # type: ignore[no-untyped-def]
    import httpx

    app = create_app(
        Settings(REGISTRY_ENV="production", REGISTRY_JWT_SECRET="p" * 40), manage_database=False
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://registry.test"
    ) as c:
        page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert "GraphiQL" not in page.text


async def test_responses_carry_a_request_id(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": "{ me { role } }"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
