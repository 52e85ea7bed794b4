"""POST/GET /graphql: authenticate first, then hand the request to strawberry."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from schema.context import Context
from server.auth import AuthError, authenticate, unauthorized_body
from server.clock import now as clock_now
from server.settings import Settings

GRAPHIQL_HTML = Path(__file__).with_name("static") / "graphiql" / "index.html"
logger = logging.getLogger("registry.auth")


Clock = Callable[[], datetime]


class RegistryGraphQL(GraphQL[Context, None]):
    clock: Clock = staticmethod(clock_now)

    async def get_context(self, request: Request | WebSocket,
                          response: Response | WebSocket) -> Context:
        now = self.clock()
        return Context(viewer=request.scope["registry.viewer"], today=now.date(), now=now,
                       request_id=request.scope["registry.request_id"])

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML.read_text(encoding="utf-8"))


class AuthenticatedGraphQL:
    """A token that fails verification is a 401, never a silent fall back to PUBLIC."""

    def __init__(self, schema: BaseSchema, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.view = RegistryGraphQL(schema, graphql_ide=None if settings.production else "graphiql")
        if clock is not None:  # the tests run the registry on chosen days
            self.view.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        try:
            viewer = await authenticate(request.headers.get("authorization"), self.settings)
        except AuthError as exc:
            logger.info("refused token in request %s: %s", request_id, exc)
            response = Response(
                unauthorized_body(f"invalid credentials: {exc}"), status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"',
                         "X-Request-ID": request_id},
            )
            await response(scope, receive, send)
            return
        scope["registry.viewer"] = viewer
        scope["registry.request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.view(scope, receive, send_with_id)
