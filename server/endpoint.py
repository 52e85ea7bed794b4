"""/graphql: the gate every request passes before GraphQL sees it.

In order: a request id; POST bodies must be JSON (a form or text body is refused, so a
cross-site form can never reach a resolver) and no larger than the configured size; the bearer
token is verified (a bad token is a 401, never a silent fall back to PUBLIC); the actor's rate
limit is charged. Only then does the strawberry view run.

Every answer, refusals included, is counted in the Prometheus metrics and written as one
access-log line (request id, operation, role, status, duration; never the token or the
variables).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import orjson
from graphql import GraphQLError, OperationDefinitionNode
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send
from strawberry.schema import BaseSchema
from tortoise.exceptions import DBConnectionError, OperationalError

from schema.core.document_cache import cacheable, parsed
from server.auth import AuthError, authenticate
from server.graphql_view import Clock, RegistryGraphQL
from server.http_errors import JSON, error_response, media_type_of, response_media_type
from server.observability.logs import bind_request, unbind_request, update_request
from server.observability.metrics import error_codes, metrics, operation_label
from server.rate_limit import RateLimiter
from server.settings import Settings

logger = logging.getLogger("registry.http")
access_log = logging.getLogger("registry.access")
DATABASE_DOWN = (
    DBConnectionError,
    OperationalError,
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def operation_name(body: bytes, max_tokens: int) -> object:
    """The `operationName` of a single POSTed request (what the view reads again later: the
    body is at most REGISTRY_MAX_BODY_BYTES and orjson reads it in microseconds), or else the
    name of the one operation its query holds (parsed once per text, schema/document_cache)."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 0  # labelled `invalid`
    if not isinstance(document, dict):
        return 0
    name, query = document.get("operationName"), document.get("query")
    if name is None and isinstance(query, str) and cacheable(query):
        try:
            operations = [
                d
                for d in parsed(query, max_tokens).definitions
                if isinstance(d, OperationDefinitionNode)
            ]
        except GraphQLError:
            return None
        if len(operations) == 1 and operations[0].name is not None:
            return operations[0].name.value
    return name


@dataclass
class Exchange:
    """What the metrics and the access log say about one request."""

    request_id: str
    method: str
    started: float = field(default_factory=time.perf_counter)
    operation: str = "unknown"  # refused before the body was read
    role: str = "unchecked"  # refused before the token was verified
    status: int = 500
    answered: bool = False
    errors: bool = False
    body: list[bytes] = field(default_factory=list)


def operations_in(body: bytes) -> int:
    """A batch is charged one request per operation it holds (persisted ones name no query);
    the view checks it properly later."""
    if body.lstrip()[:1] != b"[":
        return 1
    try:
        batch = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 1
    return max(1, len(batch)) if isinstance(batch, list) else 1


class GraphQLEndpoint:
    def __init__(self, schema: BaseSchema, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.view = RegistryGraphQL(schema, settings)
        if clock is not None:  # the tests run the registry on chosen days
            self.view.clock = clock
        self.rate_limiter = RateLimiter(settings)
        self.metrics = metrics() if settings.metrics_enabled else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        request_id = request.headers.get("x-request-id", "")
        if not REQUEST_ID.fullmatch(request_id):
            # A caller's id is kept for tracing across services only if it is a plain token:
            # it is written to logs and echoed in a header.
            request_id = uuid.uuid4().hex
        exchange = Exchange(request_id, request.method)

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
                exchange.status = message["status"]
                exchange.answered = True
                # Only answers with errors are read back, for their codes.
                exchange.errors = exchange.status >= 400 or bool(scope.get("registry.errors"))
            elif message["type"] == "http.response.body" and exchange.errors:
                exchange.body.append(message.get("body", b""))
            await send(message)

        context = bind_request(request_id=request_id)
        try:
            await self.handle(request, exchange, scope, receive, send_observed)
        except asyncio.CancelledError:
            if not exchange.answered:
                exchange.status = 499  # the client went away first (nginx's code for it)
            raise
        except Exception:
            logger.exception("unhandled error answering request %s", request_id)
            if not exchange.answered:
                exchange.status = 500
            raise
        finally:
            self.record(exchange)
            unbind_request(context)

    def record(self, exchange: Exchange) -> None:
        seconds = time.perf_counter() - exchange.started
        codes = error_codes(b"".join(exchange.body)) if exchange.body else []
        if self.metrics is not None:
            self.metrics.observe(exchange.operation, exchange.role, exchange.status, seconds, codes)
        extra: dict[str, object] = {
            "request_id": exchange.request_id,
            "method": exchange.method,
            "operation": exchange.operation,
            "role": exchange.role,
            "status": exchange.status,
            "duration_ms": round(seconds * 1000, 3),
        }
        if codes:
            extra["error_codes"] = codes
        access_log.log(
            logging.WARNING if exchange.status >= 500 else logging.INFO,
            "%s /graphql %d",
            exchange.method,
            exchange.status,
            extra=extra,
        )

    @staticmethod
    def name_operation(exchange: Exchange, label: str) -> None:
        exchange.operation = label
        update_request(operation=label)

    @staticmethod
    def name_role(exchange: Exchange, role: str) -> None:
        exchange.role = role
        update_request(role=role)

    async def handle(
        self,
        request: Request,
        exchange: Exchange,
        scope: Scope,
        receive: Receive,
        send_with_id: Send,
    ) -> None:
        request_id = exchange.request_id
        media_type = response_media_type(request.headers.get("accept"))

        if request.method not in ("GET", "POST"):
            refusal = error_response(
                405,
                f"/graphql does not answer {request.method}",
                media_type=media_type,
                headers={"Allow": "GET, POST"},
            )
            await refusal(scope, receive, send_with_id)
            return

        body = b""
        limit = self.settings.max_body_bytes
        if request.method == "POST":
            if media_type_of(request.headers.get("content-type")) != JSON:
                refusal = error_response(
                    415,
                    "POST /graphql takes an application/json body",
                    media_type=media_type,
                    headers={"Accept-Post": JSON},
                )
                await refusal(scope, receive, send_with_id)
                return
            # Media types are case-insensitive (RFC 9110 §8.3.1); strawberry compares verbatim.
            scope["headers"] = [
                (k, v.lower() if k == b"content-type" else v) for k, v in scope["headers"]
            ]
            declared = request.headers.get("content-length", "")
            try:
                if declared.isdigit() and int(declared) > limit:
                    raise BodyTooLarge
                body = await read_body(receive, limit)
            except BodyTooLarge:
                refusal = error_response(
                    413, f"The request body exceeds {limit} bytes", media_type=media_type
                )
                await refusal(scope, receive, send_with_id)
                return
        elif len(scope.get("query_string", b"")) > limit:
            refusal = error_response(
                414, f"The query string exceeds {limit} bytes", media_type=media_type
            )
            await refusal(scope, receive, send_with_id)
            return
        if request.method == "GET":
            self.name_operation(
                exchange, operation_label(request.query_params.get("operationName"))
            )
        elif body.lstrip()[:1] == b"[":
            self.name_operation(exchange, "batch")
        else:
            name = operation_name(body, self.settings.max_tokens)
            self.name_operation(exchange, operation_label(name))

        try:
            viewer = await authenticate(request.headers.get("authorization"), self.settings)
        except DATABASE_DOWN:
            # An agency token is checked against its agency's row: with the database away,
            # say so (and when to retry) rather than fail the connection with a bare 500.
            logger.exception("database unavailable while authenticating request %s", request_id)
            refusal = error_response(
                503,
                "The registry's database is unavailable; retry shortly",
                media_type=media_type,
                headers={"Retry-After": "1"},
            )
            await refusal(scope, receive, send_with_id)
            return
        except AuthError as exc:
            self.name_role(exchange, "unauthenticated")
            logger.info("refused token in request %s: %s", request_id, exc)
            refusal = error_response(
                401,
                f"invalid credentials: {exc}",
                media_type=media_type,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await refusal(scope, receive, send_with_id)
            return

        self.name_role(exchange, viewer.role.value)
        client = scope.get("client")
        verdict = await self.rate_limiter.check(
            viewer, client[0] if client else "unknown", cost=operations_in(body)
        )
        if not verdict.allowed:
            refusal = error_response(
                429,
                f"Too many requests: try again in {verdict.retry_after} s",
                media_type=media_type,
                headers={"Retry-After": str(verdict.retry_after)},
            )
            await refusal(scope, receive, send_with_id)
            return

        scope["registry.viewer"] = viewer
        scope["registry.request_id"] = request_id
        scope["registry.batch"] = body.lstrip()[:1] == b"["
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.view(scope, replay, send_with_id)
