"""The starlette application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from schema.root import schema
from server.db import close_database, open_database, seed_demo_if_empty
from server.endpoint import GraphQLEndpoint
from server.graphql_view import Clock
from server.observability.logs import configure_logging
from server.observability.metrics import forget_process, metrics_endpoint
from server.observability.readiness import readyz
from server.settings import Settings, get_settings

STATIC = Path(__file__).with_name("static")


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers. The database is /readyz's business."""
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def create_app(
    settings: Settings | None = None, *, manage_database: bool = True, clock: Clock | None = None
) -> Starlette:
    """`manage_database=False` leaves connecting to the caller (the tests do it themselves);
    `clock` replaces the wall clock (Asia/Shanghai), for tests of date rules."""
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with _database(settings, manage_database):
                yield
        finally:
            forget_process()

    graphql = GraphQLEndpoint(schema, settings, clock)
    routes = [
        # Every method reaches the endpoint, which answers the ones it refuses in GraphQL's shape.
        Route("/graphql", graphql),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if settings.metrics_enabled:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan)


@asynccontextmanager
async def _database(settings: Settings, manage: bool) -> AsyncIterator[None]:
    """`manage=False` leaves connecting to the caller (the tests do it themselves)."""
    if not manage:
        yield
        return
    # The embedded database is the demo: it migrates and seeds itself; a real database
    # is migrated by the operator (`registry migrate`) before the servers start.
    await open_database(settings, apply_migrations=settings.embedded)
    if settings.embedded:
        await seed_demo_if_empty()
    try:
        yield
    finally:
        await close_database()
