"""GraphQL over HTTP as the SPA sends it: to the app in process (the `api` fixture) or to a
server process (tests/support/concurrency_server.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from models.enums import Role
from server.app import create_app
from server.auth import mint_token
from server.settings import Settings

NO_RATE_LIMITS: dict[str, Any] = {
    "REGISTRY_RATE_LIMIT_ANONYMOUS": "",
    "REGISTRY_RATE_LIMIT_SIGNED_IN": "",
}


@asynccontextmanager
async def serving(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A registry of its own on the session's database, for settings the shared `client` does
    not have (rate limits off unless overridden)."""
    app = create_app(Settings(**{**NO_RATE_LIMITS, **overrides}), manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://registry.test"
    ) as c:
        yield c


class Api:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def token(
        self, role: Role | str, *, region: str | None = None, agency: str | None = None
    ) -> str:
        return mint_token(
            self.settings,
            Role(str(role).upper()),
            region=region,
            agency_credit_code=agency,
            subject=f"test-{uuid.uuid4().hex[:8]}",
        )

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The `data` of a successful response; fails the test on any GraphQL error."""
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data
