"""The strawberry view behind /graphql, adapted to the registry's HTTP contract.

It builds the per-request Context (viewer, clock, limits, introspection policy), answers
transport errors as JSON in the GraphQL error shape, refuses mutations over GET with 405,
sizes batches per deployment, and speaks `application/graphql-response+json` when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from models.enums import Role
from schema.context import Context
from server.clock import now as clock_now
from server.http_errors import GRAPHQL_RESPONSE, error_response, response_media_type
from server.settings import Settings

GRAPHIQL_HTML = Path(__file__).with_name("static") / "graphiql" / "index.html"
OFFICIALS = (Role.CITY, Role.PROVINCE)

Clock = Callable[[], datetime]


def is_request_error(result: ExecutionResult) -> bool:
    """Parsing, validation and variable coercion fail before execution: no data, and no error
    points at a field."""
    return result.data is None and bool(result.errors) and all(
        isinstance(e, GraphQLError) and e.path is None for e in result.errors or ())


class RegistryGraphQL(GraphQL[Context, None]):
    clock: Clock = staticmethod(clock_now)

    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql")
        self.settings = settings
        self.limits = settings.query_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        media_type = response_media_type(request.headers.get("accept"))
        scope["registry.request_errors"] = 0
        try:
            response = await self.run(request)
        except HTTPException as exc:
            headers = {"Allow": "POST"} if exc.status_code == 405 else None
            response = error_response(exc.status_code, exc.reason, media_type=media_type,
                                      headers=headers)
        else:
            if media_type == GRAPHQL_RESPONSE and response.media_type == "application/json":
                response.headers["content-type"] = GRAPHQL_RESPONSE
                if scope["registry.request_errors"] and not scope.get("registry.batch"):
                    response.status_code = 400
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket,
                          response: Response | WebSocket) -> Context:
        now = self.clock()
        viewer = request.scope["registry.viewer"]
        production = self.settings.production
        return Context(viewer=viewer, today=now.date(), now=now,
                       request_id=request.scope["registry.request_id"], limits=self.limits,
                       introspection=not production or viewer.role in OFFICIALS,
                       suggestions=not production)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML.read_text(encoding="utf-8"))

    async def process_result(self, request: Request,
                             result: ExecutionResult) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if is_request_error(result):
            # GraphQL spec §7.1.2: an error before execution leaves no `data` entry at all.
            processed.pop("data", None)
            request.scope["registry.request_errors"] += 1
        return processed

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                # GraphQL-over-HTTP: a mutation over GET is 405, so links and prefetches
                # can never change anything.
                raise HTTPException(405, exc.reason) from exc
            raise

    def _validate_batch_request(self, request_data: list[GraphQLRequestData],
                                protocol: GraphQLRequestProtocol) -> None:
        if self.settings.max_batch == 0:
            raise HTTPException(400, "Batched requests are not accepted")
        if len(request_data) > self.settings.max_batch:
            raise HTTPException(400, f"A batch may hold at most {self.settings.max_batch} "
                                     "operations")
        if not request_data:
            raise HTTPException(400, "An empty batch holds no operation")
        super()._validate_batch_request(request_data, protocol)
