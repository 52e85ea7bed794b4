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

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.http.types import QueryParams
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


def check_parameters(item: object) -> None:
    """A GraphQL-over-HTTP request is a JSON object whose parameters have the spec's types;
    strawberry checks a single request's `query`, `variables` and `extensions`, but neither a
    body that is not an object nor the operations of a batch."""
    if not isinstance(item, dict):
        raise HTTPException(400, "A GraphQL request is a JSON object")
    for name, types in (("query", str), ("operationName", str), ("variables", dict),
                        ("extensions", dict)):
        if item.get(name) is not None and not isinstance(item[name], types):
            kind = "a string" if types is str else "an object"
            raise HTTPException(400, f"`{name}` must be {kind} or null")


def operation_count(query: str, max_tokens: int) -> int:
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return 0  # the syntax error is reported by the execution itself
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)


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

    def encode_json(self, data: object) -> str | bytes:
        try:
            return orjson.dumps(data)
        except (TypeError, orjson.JSONEncodeError):
            # What orjson refuses (an integer beyond 64 bits, a non-string key) the standard
            # library still writes.
            return super().encode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The JSON body nests too deeply") from None
        except UnicodeDecodeError:
            raise HTTPException(400, "The JSON body is not UTF-8") from None

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        # GraphQL-over-HTTP, GET: an empty optional parameter is the same as an absent one.
        return super().parse_query_params(
            {name: value for name, value in params.items() if value or name == "query"})

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter,
                              ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            # Parsed twice (the body is at most REGISTRY_MAX_BODY_BYTES) so that a malformed
            # request is a 400 instead of a crash inside strawberry.
            body = self.parse_json(await request.get_body())
            for item in body if isinstance(body, list) else [body]:
                check_parameters(item)
        return await super().parse_http_body(request)

    async def execute_single(self, request: Request, request_adapter: AsyncHTTPRequestAdapter,
                             sub_response: Response, context: Context, root_value: None,
                             request_data: GraphQLRequestData) -> ExecutionResult:
        if (request_data.operation_name is None and isinstance(request_data.query, str)
                and operation_count(request_data.query, self.limits.max_tokens) > 1):
            # GraphQL spec, GetOperation(): strawberry would silently run the first one.
            raise HTTPException(400, "Must provide operation name if query contains multiple "
                                     "operations.")
        try:
            return await super().execute_single(request, request_adapter, sub_response, context,
                                                root_value, request_data)
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
