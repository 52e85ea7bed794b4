"""Parsed and validated documents, kept per query text.

The SPA sends the same few operations over and over; parsing them and running graphql's ~30
validation rules each time costs more than executing a small page. What depends only on the
text (the document, and the errors of the standard rules) is computed once per distinct text;
what depends on the request (the limits priced with its variables, text in its variables, the
introspection policy) is still checked every time, in EnforceLimits.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.schema.schema import validate_document

# Only texts this short are kept, so the cache stays within a few MiB whatever is sent.
CACHEABLE_LENGTH = 20_000
CACHED_DOCUMENTS = 256


def cacheable(query: str | None) -> bool:
    return query is not None and len(query) <= CACHEABLE_LENGTH


@lru_cache(maxsize=CACHED_DOCUMENTS)
def parsed(query: str, max_tokens: int) -> DocumentNode:
    """A syntax error raises (and is not cached) exactly as graphql's parse does."""
    return parse(query, no_location=False, max_tokens=max_tokens)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def static_errors(
    schema: GraphQLSchema, query: str, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]
) -> tuple[GraphQLError, ...]:
    """The errors of the request-independent rules (the errors are never changed afterwards:
    masking builds new ones)."""
    return tuple(validate_document(schema, parsed(query, max_tokens), rules))
