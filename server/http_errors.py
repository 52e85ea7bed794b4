"""Errors answered at the HTTP layer, in the GraphQL response shape, and media-type choice.

GraphQL-over-HTTP: a client that accepts `application/graphql-response+json` gets real status
codes (400 for a request that fails parsing or validation, with no `data`); a client that only
knows `application/json` gets 200 for any well-formed request, as the spec's legacy rules say.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    414: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "UNAVAILABLE",
}


def error_response(
    status: int,
    message: str,
    *,
    media_type: str = JSON,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "errors": [
            {"message": message, "extensions": {"code": code or CODES.get(status, "BAD_REQUEST")}}
        ]
    }
    # A refusal is about this one request: no shared cache may keep it (a CDN caches 405 and
    # 414 by default).
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type=media_type,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _preferences(accept: str) -> dict[str, float]:
    prefs: dict[str, float] = {}
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        prefs[fields[0].lower()] = max(quality, prefs.get(fields[0].lower(), 0.0))
    return prefs


def response_media_type(accept: str | None) -> str:
    """`application/graphql-response+json` when the client asks for it at least as much as
    for plain JSON; otherwise (no Accept, */*, application/json) the legacy media type."""
    if not accept:
        return JSON
    prefs = _preferences(accept)
    wanted = prefs.get(GRAPHQL_RESPONSE, 0.0)
    legacy = max(prefs.get(JSON, 0.0), prefs.get("application/*", 0.0), prefs.get("*/*", 0.0))
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= legacy else JSON


def media_type_of(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()
