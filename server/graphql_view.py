"""The strawberry view behind /graphql, adapted to the registry's HTTP contract.

It builds the per-request Context (viewer, clock, limits, introspection policy), answers
transport errors as JSON in the GraphQL error shape, refuses mutations over GET with 405,
sizes batches per deployment, and speaks `application/graphql-response+json` when asked.

Persisted queries (Apollo's wire format, without registration): a request whose
`extensions.persistedQuery` is `{"version": 1, "sha256Hash": "<hex>"}` and that has no `query`
runs the allow-listed operation with that hash (server/persisted_queries.py), or answers
`PERSISTED_QUERY_NOT_FOUND`; one that also sends a `query` must send the text of that hash.
Caching: only a PUBLIC (no Authorization header) GET of a persisted query that answered
without any error may be stored by a shared cache (`Cache-Control: public, max-age=…` and a
strong `ETag`; `If-None-Match` gets a 304). Every other answer is `Cache-Control: no-store`,
so no cache can ever hand a signed-in answer to someone else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
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
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.types import QueryParams
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from models.enums import Role
from schema.core.context import Context
from schema.core.document_cache import cacheable, parsed
from server.clock import now as clock_now
from server.http_errors import GRAPHQL_RESPONSE, error_response, response_media_type
from server.persisted_queries import Manifest, PersistedOperation, sha256_hex
from server.persisted_queries import manifest as shipped_manifest
from server.settings import Settings

GRAPHIQL_HTML = Path(__file__).with_name("static") / "graphiql" / "index.html"
OFFICIALS = (Role.CITY, Role.PROVINCE)
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NO_STORE = "no-store"
# Every answer depends on the token and on the negotiated media type, and on nothing else
# the request carries outside its URL.
VARY = "Authorization, Accept"

Clock = Callable[[], datetime]


def is_request_error(result: ExecutionResult) -> bool:
    """Parsing, validation and variable coercion fail before execution: no data, and no error
    points at a field."""
    return (
        result.data is None
        and bool(result.errors)
        and all(isinstance(e, GraphQLError) and e.path is None for e in result.errors or ())
    )


def check_parameters(item: object) -> None:
    """A GraphQL-over-HTTP request is a JSON object whose parameters have the spec's types;
    strawberry checks a single request's `query`, `variables` and `extensions`, but neither a
    body that is not an object nor the operations of a batch."""
    if not isinstance(item, dict):
        raise HTTPException(400, "A GraphQL request is a JSON object")
    for name, types in (
        ("query", str),
        ("operationName", str),
        ("variables", dict),
        ("extensions", dict),
    ):
        if item.get(name) is not None and not isinstance(item[name], types):
            kind = "a string" if types is str else "an object"
            raise HTTPException(400, f"`{name}` must be {kind} or null")


def persisted_hash(extensions: dict[str, Any] | None) -> str | None:
    """The `sha256Hash` of Apollo's `persistedQuery` extension, if the request has one."""
    extension = (extensions or {}).get("persistedQuery")
    if extension is None:
        return None
    version = extension.get("version") if isinstance(extension, dict) else None
    digest = extension.get("sha256Hash") if isinstance(extension, dict) else None
    if type(version) is not int or version != 1 or not isinstance(digest, str):
        raise HTTPException(
            400,
            '`extensions.persistedQuery` must be {"version": 1, '
            '"sha256Hash": "<hex SHA-256 of the document>"}',
        )
    return digest


def persisted_query_not_found() -> ExecutionResult:
    # Apollo's message and code: its clients know to resend the text with the hash.
    return ExecutionResult(
        data=None,
        errors=[
            GraphQLError("PersistedQueryNotFound", extensions={"code": PERSISTED_QUERY_NOT_FOUND})
        ],
    )


def strong_etag(response: Response) -> str:
    """A strong validator of the representation: its media type and its bytes."""
    digest = hashlib.sha256(response.headers.get("content-type", "").encode("latin-1"))
    digest.update(b"\0")
    digest.update(bytes(response.body))
    return f'"{digest.hexdigest()}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any representation."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def operation_count(query: str, max_tokens: int) -> int:
    try:
        document = (
            parsed(query, max_tokens)
            if cacheable(query)
            else parse(query, no_location=True, max_tokens=max_tokens)
        )
    except GraphQLError:
        return 0  # the syntax error is reported by the execution itself
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)


class RegistryGraphQL(GraphQL[Context, None]):
    clock: Clock = staticmethod(clock_now)

    def __init__(
        self, schema: BaseSchema, settings: Settings, persisted: Manifest | None = None
    ) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql")
        self.settings = settings
        self.limits = settings.query_limits
        self.persisted = shipped_manifest() if persisted is None else persisted
        problems = self.persisted.validation_errors(schema.as_str())
        if problems:
            # The SPA was built against these documents: refuse to start rather than fail
            # its pages one by one.
            raise ValueError(
                "persisted operations do not validate against the schema: " + "; ".join(problems)
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        media_type = response_media_type(request.headers.get("accept"))
        scope["registry.request_errors"] = 0
        scope["registry.errors"] = False
        scope["registry.persisted"] = None
        try:
            response = await self.run(request)
        except HTTPException as exc:
            headers = {"Allow": "POST"} if exc.status_code == 405 else None
            response = error_response(
                exc.status_code, exc.reason, media_type=media_type, headers=headers
            )
        else:
            if media_type == GRAPHQL_RESPONSE and response.media_type == "application/json":
                response.headers["content-type"] = GRAPHQL_RESPONSE
                if scope["registry.request_errors"] and not scope.get("registry.batch"):
                    response.status_code = 400
        response = self.apply_cache_policy(request, response)
        await response(scope, receive, send)

    def publicly_cacheable(self, request: Request, response: Response) -> bool:
        """A shared cache may keep only what anyone without a token gets for the same URL: a
        GET of an allow-listed query, sent without Authorization, answered without errors."""
        viewer = request.scope.get("registry.viewer")
        stored: PersistedOperation | None = request.scope.get("registry.persisted")
        return (
            request.method == "GET"
            and "authorization" not in request.headers
            and viewer is not None
            and viewer.role is Role.PUBLIC
            and stored is not None
            and stored.is_query
            and not request.scope.get("registry.errors")
            and response.status_code == 200
            and not request.scope.get("registry.batch")
        )

    def apply_cache_policy(self, request: Request, response: Response) -> Response:
        response.headers["Vary"] = VARY
        if not self.publicly_cacheable(request, response):
            response.headers["Cache-Control"] = NO_STORE
            return response
        seconds = self.settings.public_cache_seconds
        headers = {
            "Cache-Control": f"public, max-age={seconds}"
            + (", must-revalidate" if seconds == 0 else ""),
            "ETag": strong_etag(response),
            "Vary": VARY,
        }
        if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
            # RFC 9110 §15.4.5: no body, and the validators and caching headers of the 200.
            return Response(status_code=304, headers=headers)
        response.headers.update(headers)
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        now = self.clock()
        viewer = request.scope["registry.viewer"]
        production = self.settings.production
        return Context(
            viewer=viewer,
            today=now.date(),
            now=now,
            request_id=request.scope["registry.request_id"],
            limits=self.limits,
            introspection=not production or viewer.role in OFFICIALS,
            suggestions=not production,
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET of a persisted query carries no `query`, and is not a browser asking for the IDE.
        return super().should_render_graphql_ide(request) and not request.query_params.get(
            "extensions"
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML.read_text(encoding="utf-8"))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if result.errors:
            request.scope["registry.errors"] = True
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
            {name: value for name, value in params.items() if value or name == "query"}
        )

    async def parse_http_body(
        self,
        request: AsyncHTTPRequestAdapter,
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            # Parsed twice (the body is at most REGISTRY_MAX_BODY_BYTES) so that a malformed
            # request is a 400 instead of a crash inside strawberry.
            body = self.parse_json(await request.get_body())
            for item in body if isinstance(body, list) else [body]:
                check_parameters(item)
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        digest = persisted_hash(request_data.extensions)
        if digest is not None:
            stored = self.persisted.get(digest)
            if request_data.query:
                if sha256_hex(request_data.query) != digest:
                    raise HTTPException(400, "provided sha does not match query")
            elif stored is None:
                return persisted_query_not_found()
            else:
                request_data = replace(request_data, query=stored.document)
            # A query sent in full whose hash is not allow-listed runs, but as an ad-hoc one.
            request.scope["registry.persisted"] = stored
        if (
            request_data.operation_name is None
            and isinstance(request_data.query, str)
            and operation_count(request_data.query, self.limits.max_tokens) > 1
        ):
            # GraphQL spec, GetOperation(): strawberry would silently run the first one.
            raise HTTPException(
                400, "Must provide operation name if query contains multiple operations."
            )
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                # GraphQL-over-HTTP: a mutation over GET is 405, so links and prefetches
                # can never change anything.
                raise HTTPException(405, exc.reason) from exc
            raise

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: GraphQLRequestProtocol
    ) -> None:
        if self.settings.max_batch == 0:
            raise HTTPException(400, "Batched requests are not accepted")
        if len(request_data) > self.settings.max_batch:
            raise HTTPException(
                400, f"A batch may hold at most {self.settings.max_batch} operations"
            )
        if not request_data:
            raise HTTPException(400, "An empty batch holds no operation")
        super()._validate_batch_request(request_data, protocol)
