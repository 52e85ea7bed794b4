"""Unexpected errors are masked for the client and logged with the request id and stack."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("registry.errors")


def is_expected(error: GraphQLError) -> bool:
    """GraphQL's own parse and validation errors, and the GraphQLErrors resolvers raise on
    purpose (bad arguments), carry no foreign exception; anything else is a fault."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", "-")
        masked: list[GraphQLError] = []
        for error in result.errors:
            if is_expected(error):
                masked.append(error)
                continue
            logger.error("unexpected error in request %s at %s", request_id, error.path,
                         exc_info=error.original_error)
            masked.append(GraphQLError(
                f"Internal server error (request id {request_id})",
                nodes=error.nodes, path=error.path,
                extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            ))
        result.errors = masked
