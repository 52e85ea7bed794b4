"""Abuse limits on GraphQL documents (README, Security): each limit at its shipped default,
just under and just over, refused with its code before any SQL runs; the SPA's heaviest
page fits; every limit follows its setting."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from models.enums import Role
from server.settings import Settings
from tests.queries.test_sql_statements import QUERY as SPA_AGENCY_PAGE
from tests.support.http_api import serving

# Backend-independent (document limits are refused before any SQL runs): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

GRAPHQL_RESPONSE = "application/graphql-response+json"
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _SQL.match(record.getMessage()):
            self.seen.append(record.getMessage())


@contextmanager
def sql_statements() -> Iterator[list[str]]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def refused(
    api: Any, query: str, code: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The request is answered with `code`, no data, and not one SQL statement."""
    with sql_statements() as statements:
        response = await api.post(query, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "data" not in body, body
    codes = [e["extensions"]["code"] for e in body["errors"]]
    assert code in codes, body
    assert statements == [], statements
    return body


def nested(depth: int) -> str:
    """A query `depth` object levels deep: agencies, edges, node, then sites, edges, node,
    agency, sites, … each level ending in a leaf that fits its type."""
    chain = ["agencies(first: 1)", "edges", "node"]
    hop = ["sites(first: 1)", "edges", "node", "agency"]
    while len(chain) < depth:
        chain.append(hop[(len(chain) - 3) % len(hop)])
    chain = chain[:depth]
    leaf = {"edges": "cursor"}.get(chain[-1], "totalCount" if "(" in chain[-1] else "id")
    return "{ " + " { ".join(chain) + " { " + leaf + " }" * depth + " }"


async def test_depth_limit_is_eight(api) -> None:  # type: ignore[no-untyped-def]
    assert "errors" not in (await api.post(nested(8))).json()
    body = await refused(api, nested(9), "QUERY_TOO_DEEP")
    assert "9 levels deep; at most 8" in body["errors"][0]["message"]


async def test_depth_follows_fragments(api) -> None:  # type: ignore[no-untyped-def]
    query = """
    query { agencies(first: 1) { edges { node { ...Deep } } } }
    fragment Deep on Agency { sites(first: 1) { edges { node { agency {
      sites(first: 1) { edges { node { id } } } } } } } }
    """
    await refused(api, query, "QUERY_TOO_DEEP")


async def test_alias_limit_is_fifteen(api) -> None:  # type: ignore[no-untyped-def]
    def aliases(n: int) -> str:
        return "{ " + " ".join(f"a{i}: regions {{ code }}" for i in range(n)) + " }"

    ok = (await api.post(aliases(15))).json()
    assert "errors" not in ok and len(ok["data"]) == 15
    await refused(api, aliases(16), "TOO_MANY_ALIASES")


async def test_token_limit_is_a_thousand(api) -> None:  # type: ignore[no-untyped-def]
    # `__typename` is one token; with the braces: n + 2 tokens. (A thousand identical fields
    # exceed graphql's own validation work budget, so the query at the limit is only checked
    # for not being refused by the token limit.)
    at_limit = (await api.post("{ " + "__typename " * 998 + "}")).json()
    assert "TOO_MANY_TOKENS" not in str(at_limit), at_limit
    body = await refused(api, "{ " + "__typename " * 999 + "}", "TOO_MANY_TOKENS")
    assert "1000 tokens" in body["errors"][0]["message"]


async def test_directive_limit_is_fifty(api) -> None:  # type: ignore[no-untyped-def]
    def directives(n: int) -> str:
        return "{ " + "... on Query @include(if: true) { __typename } " * n + "}"

    assert "errors" not in (await api.post(directives(50))).json()
    await refused(api, directives(51), "TOO_MANY_DIRECTIVES")


NESTED_PAGES = """
query ($outer: Int, $inner: Int) {
  agencies(first: $outer) { edges { node { id
    sites(first: $inner) { edges { node { id name address tenure } } }
    filings(first: $inner) { edges { node { id kind status } } }
  } } }
}
"""


async def test_cost_multiplies_by_page_sizes(api) -> None:  # type: ignore[no-untyped-def]
    """Page sizes given as variables are priced by their value: 100 x 100 nested rows is
    over the budget, 100 x 20 is not."""
    ok = await api.post(NESTED_PAGES, {"outer": 100, "inner": 20})
    assert "errors" not in ok.json(), ok.text
    body = await refused(api, NESTED_PAGES, "QUERY_TOO_COMPLEX", {"outer": 100, "inner": 100})
    assert "at most 50000" in body["errors"][0]["message"]


async def test_cost_counts_fragments_once_per_spread(api) -> None:  # type: ignore[no-untyped-def]
    query = """
    query { agencies(first: 100) { edges { node { ...F } } } }
    fragment F on Agency { a: sites(first: 100) { edges { node { ...S } } }
                           b: filings(first: 100) { edges { node { id } } } }
    fragment S on Site { id name address }
    """
    await refused(api, query, "QUERY_TOO_COMPLEX")


UNPAGED = """
{ agencies(first: 100) { edges { node { id
  filings%s { edges { node { id kind status validFrom validUntil submittedAt decidedAt reason
    items { occupationCode occupationName level site { id name address tenure } } } } }
  sites%s { edges { node { id name address tenure hasVideoSurveillance } } }
} } } }
"""


async def test_unpaged_connection_is_priced_at_the_default_page(api) -> None:  # type: ignore[no-untyped-def]
    """Leaving `first` out does not make a connection free: it costs its default page (20)."""
    await refused(api, UNPAGED % ("", ""), "QUERY_TOO_COMPLEX")
    small = await api.post(UNPAGED % ("(first: 5)", "(first: 5)"))
    assert "errors" not in small.json(), small.text


async def test_the_spa_heaviest_page_fits(api) -> None:  # type: ignore[no-untyped-def]
    """The SPA's agency list with sites, filings, items and sanctions, at the largest page."""
    token = api.token(Role.PROVINCE)
    data = await api.query(SPA_AGENCY_PAGE, {"n": 100}, token)
    assert data["agencies"]["edges"]


@pytest.mark.parametrize("first", [101, -1])
async def test_page_size_refused_before_anything_runs(api, first: int) -> None:  # type: ignore[no-untyped-def]
    query = "query ($n: Int) { agencies(first: 5) { edges { node { sites(first: $n) { totalCount } } } } }"
    await refused(api, query, "BAD_USER_INPUT", {"n": first})
    literal = f"{{ agencies(first: {first}) {{ totalCount }} }}"
    await refused(api, literal, "BAD_USER_INPUT")


async def test_a_repeated_text_is_still_judged_per_request(api) -> None:  # type: ignore[no-untyped-def]
    """Parsing and the standard validation of a text are kept (schema/core/document_cache.py); the
    page size priced from each request's own variables and its text are not."""
    query = "query ($n: Int, $q: String) { agencies(first: $n, filter: {nameContains: $q}) { totalCount } }"
    for _ in range(2):
        assert "agencies" in await api.query(query, {"n": 5, "q": "x"})
        await refused(api, query, "BAD_USER_INPUT", {"n": 101, "q": "x"})
        await refused(api, query, "BAD_USER_INPUT", {"n": 5, "q": "\x00"})
    misspelt = "{ agencies(first: 1) { totalCont } }"
    for _ in range(2):
        await refused(api, misspelt, "GRAPHQL_VALIDATION_FAILED")


async def test_cyclic_fragments_are_refused_quickly(api) -> None:  # type: ignore[no-untyped-def]
    query = """
    query { agencies(first: 1) { edges { node { ...A } } } }
    fragment A on Agency { sites(first: 1) { edges { node { agency { ...B } } } } }
    fragment B on Agency { ...A }
    """
    body = await refused(api, query, "GRAPHQL_VALIDATION_FAILED")
    assert any("Cannot spread fragment" in e["message"] for e in body["errors"])


async def test_introspection_is_exempt_from_depth_and_cost(api) -> None:  # type: ignore[no-untyped-def]
    """GraphiQL's own introspection query nests `ofType` deeper than eight levels."""
    response = await api.post(get_introspection_query(descriptions=True))
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_graphql_response_media_type_answers_400(api) -> None:  # type: ignore[no-untyped-def]
    response = await api.client.post(
        "/graphql", json={"query": nested(9)}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def _codes(client: httpx.AsyncClient, query: str) -> list[str]:
    body = (await client.post("/graphql", json={"query": query})).json()
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_every_limit_follows_its_setting(database: str) -> None:
    async with serving(
        REGISTRY_MAX_DEPTH=3,
        REGISTRY_MAX_ALIASES=1,
        REGISTRY_MAX_TOKENS=40,
        REGISTRY_MAX_DIRECTIVES=1,
        REGISTRY_MAX_COST=50,
        REGISTRY_MAX_PAGE=10,
    ) as client:
        assert await _codes(client, nested(3)) == []
        assert await _codes(client, nested(4)) == ["QUERY_TOO_DEEP"]
        assert await _codes(client, "{ a: regions { code } }") == []
        assert await _codes(client, "{ a: regions { code } b: regions { code } }") == [
            "TOO_MANY_ALIASES"
        ]
        assert await _codes(client, "{ " + "__typename " * 39 + "}") == ["TOO_MANY_TOKENS"]
        assert await _codes(client, "{ regions @skip(if: false) @include(if: true) { code } }") == [
            "TOO_MANY_DIRECTIVES"
        ]
        assert await _codes(client, "{ regions @include(if: true) { code } }") == []
        assert await _codes(client, "{ agencies(first: 10) { edges { node { id name } } } }") == []
        assert await _codes(
            client, "{ agencies(first: 10) { edges { node { id name status creditCode level } } } }"
        ) == ["QUERY_TOO_COMPLEX"]
        assert await _codes(client, "{ agencies(first: 11) { totalCount } }") == ["BAD_USER_INPUT"]


def test_settings_refuse_nonsense_limits() -> None:
    with pytest.raises(ValueError, match="REGISTRY_MAX_PAGE"):
        Settings(REGISTRY_MAX_PAGE=101)
    with pytest.raises(ValueError, match="REGISTRY_MAX_BATCH"):
        Settings(REGISTRY_MAX_BATCH=-1)
    with pytest.raises(ValueError, match="REGISTRY_RATE_LIMIT_ANONYMOUS"):
        Settings(REGISTRY_RATE_LIMIT_ANONYMOUS="plenty")
