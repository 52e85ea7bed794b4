"""/graphql: the gate every request passes before GraphQL sees it.

In order: a request id; POST bodies must be JSON (a form or text body is refused, so a
cross-site form can never reach a resolver) and no larger than the configured size; the bearer
token is verified (a bad token is a 401, never a silent fall back to PUBLIC); the actor's rate
limit is charged. Only then does the strawberry view run.
"""

from __future__ import annotations

import logging
import re
import uuid

import asyncpg
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send
from strawberry.schema import BaseSchema
from tortoise.exceptions import DBConnectionError, OperationalError

from server.auth import AuthError, authenticate
from server.graphql_view import Clock, RegistryGraphQL
from server.http_errors import JSON, error_response, media_type_of, response_media_type
from server.rate_limit import RateLimiter
from server.settings import Settings

logger = logging.getLogger("registry.http")
DATABASE_DOWN = (DBConnectionError, OperationalError, OSError, asyncpg.InterfaceError,
                 asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError)
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


def operations_in(body: bytes) -> int:
    """A batch is charged one request per operation; the view checks it properly later."""
    return max(1, body.count(b'"query"')) if body.lstrip()[:1] == b"[" else 1


class GraphQLEndpoint:
    def __init__(self, schema: BaseSchema, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.view = RegistryGraphQL(schema, settings)
        if clock is not None:  # the tests run the registry on chosen days
            self.view.clock = clock
        self.rate_limiter = RateLimiter(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        request_id = request.headers.get("x-request-id", "")
        if not REQUEST_ID.fullmatch(request_id):
            # A caller's id is kept for tracing across services only if it is a plain token:
            # it is written to logs and echoed in a header.
            request_id = uuid.uuid4().hex
        media_type = response_media_type(request.headers.get("accept"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        if request.method not in ("GET", "POST"):
            refusal = error_response(405, f"/graphql does not answer {request.method}",
                                     media_type=media_type, headers={"Allow": "GET, POST"})
            await refusal(scope, receive, send_with_id)
            return

        body = b""
        limit = self.settings.max_body_bytes
        if request.method == "POST":
            if media_type_of(request.headers.get("content-type")) != JSON:
                refusal = error_response(
                    415, "POST /graphql takes an application/json body", media_type=media_type,
                    headers={"Accept-Post": JSON})
                await refusal(scope, receive, send_with_id)
                return
            # Media types are case-insensitive (RFC 9110 §8.3.1); strawberry compares verbatim.
            scope["headers"] = [(k, v.lower() if k == b"content-type" else v)
                                for k, v in scope["headers"]]
            declared = request.headers.get("content-length", "")
            try:
                if declared.isdigit() and int(declared) > limit:
                    raise BodyTooLarge
                body = await read_body(receive, limit)
            except BodyTooLarge:
                refusal = error_response(413, f"The request body exceeds {limit} bytes",
                                         media_type=media_type)
                await refusal(scope, receive, send_with_id)
                return
        elif len(scope.get("query_string", b"")) > limit:
            refusal = error_response(414, f"The query string exceeds {limit} bytes",
                                     media_type=media_type)
            await refusal(scope, receive, send_with_id)
            return

        try:
            viewer = await authenticate(request.headers.get("authorization"), self.settings)
        except DATABASE_DOWN:
            # An agency token is checked against its agency's row: with the database away,
            # say so (and when to retry) rather than fail the connection with a bare 500.
            logger.exception("database unavailable while authenticating request %s", request_id)
            refusal = error_response(503, "The registry's database is unavailable; retry shortly",
                                     media_type=media_type, headers={"Retry-After": "1"})
            await refusal(scope, receive, send_with_id)
            return
        except AuthError as exc:
            logger.info("refused token in request %s: %s", request_id, exc)
            refusal = error_response(
                401, f"invalid credentials: {exc}", media_type=media_type,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            await refusal(scope, receive, send_with_id)
            return

        client = scope.get("client")
        verdict = await self.rate_limiter.check(viewer, client[0] if client else "unknown",
                                                cost=operations_in(body))
        if not verdict.allowed:
            refusal = error_response(
                429, f"Too many requests: try again in {verdict.retry_after} s",
                media_type=media_type, headers={"Retry-After": str(verdict.retry_after)})
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
