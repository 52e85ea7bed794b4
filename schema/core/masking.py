"""Every error leaves with a code; unexpected ones are masked and logged with the request id.

Expected errors (GraphQL's own parse and validation errors, the limits, bad arguments a
resolver raises on purpose) keep their message, get an `extensions.code` when they have none,
and lose graphql's "Did you mean …?" hints where the request may not see the schema.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("registry.errors")

SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def is_expected(error: GraphQLError) -> bool:
    """GraphQL's own parse and validation errors, and the GraphQLErrors resolvers raise on
    purpose (bad arguments), carry no foreign exception; anything else is a fault."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def code_for(error: GraphQLError) -> str:
    source = error.original_error if isinstance(error.original_error, GraphQLError) else error
    if isinstance(source, GraphQLSyntaxError):
        return "TOO_MANY_TOKENS" if "tokens" in source.message else "GRAPHQL_PARSE_FAILED"
    if "introspection has been disabled" in error.message:
        return "INTROSPECTION_DISABLED"
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"  # a variable's value does not fit its declared type
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "BAD_USER_INPUT"


def with_code(error: GraphQLError, suggestions: bool) -> GraphQLError:
    extensions: dict[str, Any] = dict(error.extensions or {})
    message = error.message if suggestions else SUGGESTION.sub("", error.message)
    if "code" in extensions and message == error.message:
        return error
    extensions.setdefault("code", code_for(error))
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        suggestions = getattr(context, "suggestions", True)
        masked: list[GraphQLError] = []
        for error in result.errors:
            if is_expected(error):
                masked.append(with_code(error, suggestions))
                continue
            logger.error(
                "unexpected error in request %s at %s",
                request_id,
                error.path,
                exc_info=error.original_error,
            )
            masked.append(
                GraphQLError(
                    f"Internal server error (request id {request_id})",
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                )
            )
        result.errors = masked
