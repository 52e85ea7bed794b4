"""GraphQL over HTTP at /graphql, checked from the outside with authentication on.

The status codes follow the GraphQL-over-HTTP draft's two response media types: a client that
accepts `application/graphql-response+json` gets 400 for a request that fails before execution
(parse, validation, variable coercion) and 200 once execution ran, even with field errors; a
legacy `application/json` client gets 200 for every well-formed request. Either way an error
raised before execution leaves no `data` entry, and a request that is not well-formed (bad JSON,
parameters of the wrong type) is a 400. On top of the spec, the registry's own rules: POST takes
JSON only (a form or text body could be sent cross-site without a preflight), GET never runs a
mutation, every error is JSON in the GraphQL error shape with a code and an X-Request-ID, and a
production deployment reveals its schema to officials only.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

import schema.region.queries
from models.enums import Role
from models.inspection import Inspector
from server.auth import mint_token
from server.demo import DEMO_CREDIT_CODES
from server.settings import Settings
from tests.support.http_api import NO_RATE_LIMITS, serving
from tests.support.snapshot import Snapshot, snapshot

# Backend-independent (status codes, media types and error shapes of the HTTP layer; the few rows it
# reads and writes are plain ones the per-operation modules check on both): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

GR = "application/graphql-response+json"
JSON = "application/json"
REQUEST_ID = re.compile(r"[0-9a-f]{32}")
PRODUCTION: dict[str, Any] = {
    "REGISTRY_ENV": "production",
    "REGISTRY_JWT_SECRET": "production-secret-for-the-http-tests-0123456789",
}

TYPENAME = {"query": "{ __typename }"}
PARSE_ERROR = {"query": "{ agencies { totalCount }"}
VALIDATION_ERROR = {"query": "{ agencies { totalCont } }"}
COERCION_ERROR = {
    "query": "query ($n: Int) { agencies(first: $n) { totalCount } }",
    "variables": {"n": "twenty"},
}


def register_inspector(name: str) -> str:
    return (
        f'mutation {{ registerInspector(input: {{name: "{name}", regionCode: "350000"}}) '
        "{ __typename } }"
    )


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip().lower()


def assert_error(response: httpx.Response, status: int, code: str) -> list[dict[str, Any]]:
    """The registry's error shape, whatever layer refused: JSON `{"errors": [...]}` with a
    message and an `extensions.code` on each, no `data`, and the request id header."""
    assert response.status_code == status, response.text
    assert REQUEST_ID.fullmatch(response.headers.get("x-request-id", "")), response.headers
    assert media_type(response) in (JSON, GR), response.headers
    body = response.json()
    assert set(body) == {"errors"}, body
    errors: list[dict[str, Any]] = body["errors"]
    assert errors, body
    for error in errors:
        assert isinstance(error["message"], str) and error["message"], error
        assert error["extensions"]["code"] == code, error
    return errors


class Writes:
    """A refused request leaves every table as it was (tests/support/snapshot.py) and
    registers no inspector of that name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.before: Snapshot | None = None

    async def __aenter__(self) -> Writes:
        self.before = await snapshot()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if exc[0] is None:
            assert await snapshot() == self.before
            assert not await Inspector.filter(name=self.name).exists()


def probe_name() -> str:
    return f"HTTP probe {uuid.uuid4().hex[:12]}"


# --- POST takes application/json, and nothing else ------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"],
)
async def test_post_json_is_accepted(client, content_type) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(
        {
            "query": "query ($n: String!) { __type(name: $n) { name } regions { name } }",
            "variables": {"n": "机构"},
        },
        ensure_ascii=False,
    ).encode()
    response = await client.post("/graphql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON
    data = json.loads(response.content.decode("utf-8"))["data"]
    assert data["__type"] is None and {"name": "厦门市"} in data["regions"]


def refused_bodies(mutation: str) -> dict[str, dict[str, Any]]:
    as_json = json.dumps({"query": mutation})
    return {
        "form": {
            "content": urlencode({"query": mutation}).encode(),
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        "multipart": {"files": {"operations": (None, as_json)}},
        "text": {"content": as_json.encode(), "headers": {"Content-Type": "text/plain"}},
        "graphql": {
            "content": mutation.encode(),
            "headers": {"Content-Type": "application/graphql"},
        },
        "json suffix": {
            "content": as_json.encode(),
            "headers": {"Content-Type": "application/graphql-response+json"},
        },
        "none": {"content": as_json.encode()},
    }


@pytest.mark.parametrize("kind", list(refused_bodies("")))
async def test_other_media_types_are_refused_unread(client, api, kind) -> None:  # type: ignore[no-untyped-def]
    name = probe_name()
    request = refused_bodies(register_inspector(name))[kind]
    headers = {**request.pop("headers", {}), "Authorization": f"Bearer {api.token('PROVINCE')}"}
    async with Writes(name):
        response = await client.post("/graphql", headers=headers, **request)
    if kind == "none":
        assert "content-type" not in response.request.headers
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert response.headers["accept-post"] == JSON


async def test_the_refused_mutation_writes_when_sent_as_json(client, api) -> None:  # type: ignore[no-untyped-def]
    """The bodies refused above carry a mutation that is not refused for what it asks."""
    name = probe_name()
    response = await client.post(
        "/graphql",
        json={"query": register_inspector(name)},
        headers={"Authorization": f"Bearer {api.token('PROVINCE')}"},
    )
    assert response.json() == {
        "data": {"registerInspector": {"__typename": "RegisterInspectorSuccess"}}
    }
    assert await Inspector.filter(name=name).count() == 1


# --- GET runs queries, never mutations ------------------------------------------------------


async def test_get_takes_query_variables_and_operation_name(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get(
        "/graphql",
        params={
            "query": "query A { me { role } } query B($n: String!) { __type(name: $n) { name } }",
            "variables": json.dumps({"n": "Agency"}),
            "operationName": "B",
        },
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON
    assert response.json() == {"data": {"__type": {"name": "Agency"}}}


async def test_get_empty_optional_parameters_count_as_absent(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get(
        "/graphql",
        params={"query": "{ __typename }", "operationName": "", "variables": "", "extensions": ""},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", [None, JSON, GR])
@pytest.mark.parametrize("selected", ["only", "by name"])
async def test_get_never_runs_a_mutation(client, api, accept, selected) -> None:  # type: ignore[no-untyped-def]
    name = probe_name()
    params = {"query": register_inspector(name)}
    if selected == "by name":
        params = {
            "query": "query Q { __typename } "
            + register_inspector(name).replace("mutation", "mutation M", 1),
            "operationName": "M",
        }
    headers = {"Authorization": f"Bearer {api.token('PROVINCE')}"}
    if accept:
        headers["Accept"] = accept
    async with Writes(name):
        response = await client.get("/graphql", params=params, headers=headers)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"
    assert media_type(response) == (accept or JSON)


# --- Accept: the response media type, and the status codes that go with it --------------

NEGOTIATED = [
    (None, JSON),
    ("*/*", JSON),
    (JSON, JSON),
    (GR, GR),
    (f"{GR}, {JSON};q=0.9", GR),  # what the spec tells clients to send
    (f"{JSON};q=1, {GR};q=0.5", JSON),
    (f"{GR};q=0, */*", JSON),
    (f"text/html;q=0.9, {GR}", GR),
]


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATED)
async def test_success_is_200_in_the_negotiated_media_type(client, accept, expected) -> None:  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    response = await client.post("/graphql", json=TYPENAME, headers=headers)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATED)
@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        (PARSE_ERROR, "GRAPHQL_PARSE_FAILED"),
        (VALIDATION_ERROR, "GRAPHQL_VALIDATION_FAILED"),
        (COERCION_ERROR, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "coercion"],
)
async def test_errors_before_execution_have_no_data(  # type: ignore[no-untyped-def]
    client,
    accept,
    expected,
    request_body,
    code,
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = await client.post("/graphql", json=request_body, headers=headers)
    assert media_type(response) == expected
    # graphql-response+json: such a request is a 400; legacy application/json: 200, for the
    # response is still a well-formed GraphQL response.
    assert_error(response, 400 if expected == GR else 200, code)


async def _public_agency_id(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/graphql", json={"query": "{ agencies(first: 1) { edges { node { id } } } }"}
    )
    agency_id: str = response.json()["data"]["agencies"]["edges"][0]["node"]["id"]
    return agency_id


@pytest.mark.parametrize("accept", [JSON, GR])
async def test_a_field_error_keeps_partial_data_and_200(client, accept) -> None:  # type: ignore[no-untyped-def]
    agency_id = await _public_agency_id(client)
    response = await client.post(
        "/graphql",
        headers={"Accept": accept},
        json={
            "query": 'query ($id: ID!) { me { role } agency(id: $id) { name sites(after: "nope") '
            "{ totalCount } } }",
            "variables": {"id": agency_id},
        },
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    body = response.json()
    assert body["data"] == {"me": {"role": "PUBLIC"}, "agency": None}
    [error] = body["errors"]
    assert error["path"] == ["agency", "sites"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- Requests that are not well-formed ------------------------------------------------------

MALFORMED: dict[str, bytes] = {
    "truncated JSON": b'{"query":',
    "not JSON": b"NONSENSE",
    "empty body": b"",
    "a number": b"3",
    "a string": json.dumps("{ __typename }").encode(),
    "null": b"null",
    "query a number": json.dumps({"query": 1}).encode(),
    "query an object": json.dumps({"query": {"query": "{ __typename }"}}).encode(),
    "query an array": json.dumps({"query": ["{ __typename }"]}).encode(),
    "query false": json.dumps({"query": False}).encode(),
    "no query": json.dumps({"qeury": "{ __typename }"}).encode(),
    "query null": json.dumps({"query": None}).encode(),
    "variables a string": json.dumps({**TYPENAME, "variables": '{"a": 1}'}).encode(),
    "variables an array": json.dumps({**TYPENAME, "variables": [7]}).encode(),
    "variables a number": json.dumps({**TYPENAME, "variables": 0}).encode(),
    "operationName a number": json.dumps({**TYPENAME, "operationName": 1}).encode(),
    "operationName an object": json.dumps({**TYPENAME, "operationName": {}}).encode(),
    "extensions a string": json.dumps({**TYPENAME, "extensions": "x"}).encode(),
}


@pytest.mark.parametrize("accept", [JSON, GR])
@pytest.mark.parametrize("kind", list(MALFORMED))
async def test_a_malformed_request_is_400(client, accept, kind) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql", content=MALFORMED[kind], headers={"Content-Type": JSON, "Accept": accept}
    )
    assert_error(response, 400, "BAD_REQUEST")
    assert media_type(response) == accept


@pytest.mark.parametrize(
    "parameters",
    [{"variables": [{"name": "x"}]}, {"extensions": "persisted"}, {"operationName": 7}],
)
async def test_a_malformed_mutation_is_not_run(client, api, parameters) -> None:  # type: ignore[no-untyped-def]
    name = probe_name()
    async with Writes(name):
        response = await client.post(
            "/graphql",
            json={"query": register_inspector(name), **parameters},
            headers={"Authorization": f"Bearer {api.token('PROVINCE')}"},
        )
    assert_error(response, 400, "BAD_REQUEST")


async def test_null_and_map_optional_parameters_are_accepted(client) -> None:  # type: ignore[no-untyped-def]
    for extra in (
        {"variables": None, "operationName": None, "extensions": None},
        {"variables": {}, "extensions": {"client": "spa"}},
    ):
        response = await client.post("/graphql", json={**TYPENAME, **extra})
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"__typename": "Query"}}


# --- operationName --------------------------------------------------------------------------

TWO_QUERIES = "query Viewer { me { role } } query Kinds { __typename }"


@pytest.mark.parametrize(
    ("name", "data"), [("Viewer", {"me": {"role": "PUBLIC"}}), ("Kinds", {"__typename": "Query"})]
)
async def test_operation_name_selects_one_of_several(client, name, data) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": TWO_QUERIES, "operationName": name})
    assert response.status_code == 200, response.text
    assert response.json() == {"data": data}


@pytest.mark.parametrize("accept", [JSON, GR])
async def test_an_unknown_operation_name_is_an_error(client, accept) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        headers={"Accept": accept},
        json={"query": TWO_QUERIES, "operationName": "Agencies"},
    )
    [error] = assert_error(response, 400, "BAD_REQUEST")
    assert "Agencies" in error["message"]


@pytest.mark.parametrize("accept", [JSON, GR])
async def test_several_operations_need_an_operation_name(client, api, accept) -> None:  # type: ignore[no-untyped-def]
    name = probe_name()
    document = register_inspector(name).replace("mutation", "mutation Register", 1)
    async with Writes(name):
        for query in (
            f"{document} query Kinds {{ __typename }}",
            f"query Kinds {{ __typename }} {document}",
        ):
            response = await client.post(
                "/graphql",
                json={"query": query},
                headers={"Accept": accept, "Authorization": f"Bearer {api.token('PROVINCE')}"},
            )
            [error] = assert_error(response, 400, "BAD_REQUEST")
            assert "operation name" in error["message"]


async def test_a_single_named_operation_needs_no_operation_name(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": "query Viewer { me { role } }"})
    assert response.json() == {"data": {"me": {"role": "PUBLIC"}}}


# --- Transport refusals: JSON errors with a code and a request id --------------------------


async def test_a_bad_token_is_401(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql", json=TYPENAME, headers={"Authorization": "Bearer not.a.token"}
    )
    assert_error(response, 401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"].startswith("Bearer")


def padded(size: int, query: str = "{ __typename }") -> bytes:
    """A JSON request of exactly `size` bytes (the pad is an ignored extra property)."""
    head = json.dumps({"query": query, "pad": ""}).encode()
    body = head[:-2] + b"x" * (size - len(head)) + b'"}'
    assert len(body) == size
    return body


async def test_a_body_over_the_limit_is_413(client, api) -> None:  # type: ignore[no-untyped-def]
    limit = api.settings.max_body_bytes
    assert limit == 100_000  # the shipped default
    headers = {"Content-Type": JSON, "Authorization": f"Bearer {api.token('PROVINCE')}"}
    name = probe_name()
    async with Writes(name):
        response = await client.post(
            "/graphql", content=padded(limit + 1, register_inspector(name)), headers=headers
        )
    assert response.request.headers["content-length"] == str(limit + 1)
    assert_error(response, 413, "REQUEST_TOO_LARGE")
    response = await client.post("/graphql", content=padded(limit), headers=headers)
    assert response.json() == {"data": {"__typename": "Query"}}


async def _chunks(body: bytes, size: int = 8192) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_a_streamed_body_over_the_limit_is_413(client, api) -> None:  # type: ignore[no-untyped-def]
    """Without a Content-Length the limit is counted as the body arrives."""
    limit = api.settings.max_body_bytes
    headers = {"Content-Type": JSON, "Authorization": f"Bearer {api.token('PROVINCE')}"}
    name = probe_name()
    async with Writes(name):
        response = await client.post(
            "/graphql",
            content=_chunks(padded(limit + 1, register_inspector(name))),
            headers=headers,
        )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_error(response, 413, "REQUEST_TOO_LARGE")
    response = await client.post("/graphql", content=_chunks(padded(limit)), headers=headers)
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_body_larger_than_its_content_length_is_413(client, api) -> None:  # type: ignore[no-untyped-def]
    """The declared length only refuses early; what counts is the bytes that arrive."""
    limit = api.settings.max_body_bytes
    response = await client.post(
        "/graphql",
        content=padded(limit + 1),
        headers={"Content-Type": JSON, "Content-Length": "100"},
    )
    assert_error(response, 413, "REQUEST_TOO_LARGE")


async def test_a_query_string_over_the_limit_is_414(database) -> None:  # type: ignore[no-untyped-def]
    async with serving(REGISTRY_MAX_BODY_BYTES=1024) as c:
        query = "{ __typename }"
        fits = await c.get("/graphql", params={"query": query + " " * 900})
        assert fits.json() == {"data": {"__typename": "Query"}}
        response = await c.get("/graphql", params={"query": query + " " * 1100})
        assert_error(response, 414, "REQUEST_TOO_LARGE")
        assert response.headers["cache-control"] == "no-store"


async def test_too_many_requests_is_429(database) -> None:  # type: ignore[no-untyped-def]
    async with serving(REGISTRY_RATE_LIMIT_SIGNED_IN="2/minute") as c:
        settings = Settings(**NO_RATE_LIMITS)
        token = mint_token(settings, Role.PROVINCE, subject=f"http-{uuid.uuid4().hex}")
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(2):
            assert (await c.post("/graphql", json=TYPENAME, headers=headers)).status_code == 200
        response = await c.post("/graphql", json=TYPENAME, headers=headers)
        assert_error(response, 429, "RATE_LIMITED")
        assert int(response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_other_methods_are_405_json(client, method) -> None:  # type: ignore[no-untyped-def]
    response = await client.request(method, "/graphql", json=TYPENAME)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}
    # Shared caches keep a 405 by default; it is about this request only.
    assert response.headers["cache-control"] == "no-store"


async def test_refusals_are_never_cached(client) -> None:  # type: ignore[no-untyped-def]
    refusals = [
        await client.post("/graphql", content=b"query=x", headers={"Content-Type": "text/plain"}),
        await client.post("/graphql", json=TYPENAME, headers={"Authorization": "Bearer nope"}),
        await client.post(
            "/graphql", content=b"{" + b" " * 200_000 + b"}", headers={"Content-Type": JSON}
        ),
    ]
    assert [r.status_code for r in refusals] == [415, 401, 413]
    assert all(r.headers["cache-control"] == "no-store" for r in refusals)


# --- Batching ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 10])
async def test_a_batch_answers_an_array(client, size) -> None:  # type: ignore[no-untyped-def]
    batch: list[dict[str, Any]] = [
        {"query": "query ($n: String!) { __type(name: $n) { name } }", "variables": {"n": name}}
        for name in [
            "Agency",
            "Site",
            "Filing",
            "Sanction",
            "Inspection",
            "Inspector",
            "Draw",
            "Announcement",
            "AuditEvent",
            "Region",
        ]
    ]
    response = await client.post("/graphql", json=batch[:size], headers={"Accept": GR})
    assert response.status_code == 200, response.text
    assert media_type(response) == GR
    assert response.json() == [
        {"data": {"__type": {"name": item["variables"]["n"]}}} for item in batch[:size]
    ]


async def test_eleven_operations_are_refused_unrun(client, api) -> None:  # type: ignore[no-untyped-def]
    name = probe_name()
    async with Writes(name):
        response = await client.post(
            "/graphql",
            json=[{"query": register_inspector(name)}] + [TYPENAME] * 10,
            headers={"Authorization": f"Bearer {api.token('PROVINCE')}"},
        )
    assert_error(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "batch",
    [
        [],
        [1],
        [TYPENAME, "{ __typename }"],
        [{"query": 1}],
        [{**TYPENAME, "variables": [1]}],
        [{**TYPENAME, "operationName": 1}],
        [{**TYPENAME, "extensions": "x"}],
        [{"qeury": "{ __typename }"}],
    ],
    ids=[
        "empty",
        "a number",
        "a string",
        "query a number",
        "variables an array",
        "operationName a number",
        "extensions a string",
        "no query",
    ],
)
async def test_a_malformed_batch_is_400(client, batch) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json=batch)
    assert_error(response, 400, "BAD_REQUEST")


async def test_a_deployment_may_refuse_batches(database) -> None:  # type: ignore[no-untyped-def]
    async with serving(REGISTRY_MAX_BATCH=0) as c:
        assert_error(await c.post("/graphql", json=[TYPENAME]), 400, "BAD_REQUEST")
        response = await c.post("/graphql", json=TYPENAME)
        assert response.json() == {"data": {"__typename": "Query"}}


# --- Production: introspection for officials, no suggestions, no GraphiQL ------------------

INTROSPECTION = {
    "__schema": "{ __schema { types { name } } }",
    "__type": '{ __type(name: "Agency") { name fields { name } } }',
}


def token_for(settings: Settings, role: str | None) -> dict[str, str]:
    if role is None:
        return {}
    extra: dict[str, Any] = {
        "CITY": {"region": "350200"},
        "AGENCY": {"agency_credit_code": DEMO_CREDIT_CODES["fuzhou_active"]},
    }.get(role, {})
    token = mint_token(settings, Role(role), subject=f"http-{uuid.uuid4().hex[:8]}", **extra)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("field", list(INTROSPECTION))
@pytest.mark.parametrize(
    ("role", "allowed"), [(None, False), ("AGENCY", False), ("CITY", True), ("PROVINCE", True)]
)
async def test_production_introspection_is_for_officials(database, field, role, allowed) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(**NO_RATE_LIMITS, **PRODUCTION)
    async with serving(**PRODUCTION) as c:
        response = await c.post(
            "/graphql",
            json={"query": INTROSPECTION[field]},
            headers={"Accept": GR, **token_for(settings, role)},
        )
        if allowed:
            assert response.status_code == 200, response.text
            assert response.json()["data"][field]
        else:
            errors = assert_error(response, 400, "INTROSPECTION_DISABLED")
            assert f"'{field}'" in errors[0]["message"]
        typename = await c.post("/graphql", json=TYPENAME, headers=token_for(settings, role))
        assert typename.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("field", list(INTROSPECTION))
@pytest.mark.parametrize("role", [None, "AGENCY", "CITY", "PROVINCE"])
async def test_development_introspection_is_for_everyone(client, api, field, role) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql", json={"query": INTROSPECTION[field]}, headers=token_for(api.settings, role)
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"][field]


MISSPELT = {  # what is misspelt, and the word the error still names
    "field": ("{ agencie { totalCount } }", None, "agencie"),
    "nested field": ("{ me { rol } }", None, "rol"),
    "argument": ("{ agencies(frist: 1) { totalCount } }", None, "frist"),
    "enum value": ("{ agencies(filter: {status: ACTIV}) { totalCount } }", None, "ACTIV"),
    "enum value in a variable": (
        "query ($f: AgencyFilter) { agencies(filter: $f) { totalCount } }",
        {"f": {"status": "ACTIV"}},
        "ACTIV",
    ),
    "input field": ("{ agencies(filter: {statu: ACTIVE}) { totalCount } }", None, "statu"),
    "input field in a variable": (
        "query ($f: AgencyFilter) { agencies(filter: $f) { totalCount } }",
        {"f": {"statu": "ACTIVE"}},
        "statu",
    ),
    "type condition": ("{ me { ... on Viewr { role } } }", None, "Viewr"),
}


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
@pytest.mark.parametrize("kind", list(MISSPELT))
async def test_suggestions_only_in_development(database, kind, production) -> None:  # type: ignore[no-untyped-def]
    query, variables, misspelt = MISSPELT[kind]
    async with serving(**(PRODUCTION if production else {})) as c:
        response = await c.post("/graphql", json={"query": query, "variables": variables})
    errors = assert_error(response, 200, response.json()["errors"][0]["extensions"]["code"])
    messages = " ".join(e["message"] for e in errors)
    assert f"'{misspelt}'" in messages, messages
    if production:
        assert "did you mean" not in messages.lower(), messages
    else:
        assert "Did you mean" in messages, messages


async def test_graphiql_in_development_only(client, database) -> None:  # type: ignore[no-untyped-def]
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and media_type(page) == "text/html"
    assert "GraphiQL" in page.text
    async with serving(**PRODUCTION) as c:
        response = await c.get("/graphql", headers={"Accept": "text/html"})
        assert_error(response, 404, "NOT_FOUND")
        assert "GraphiQL" not in response.text


async def test_graphiql_loads_nothing_from_elsewhere(client) -> None:  # type: ignore[no-untyped-def]
    page = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    assert not re.search(r"https?://|=[\"']//", page), "a remote URL in the page"
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page)
    urls = [u for tag in tags for u in re.findall(r'\b(?:src|href)="([^"]*)"', tag)]
    assert len(urls) >= 4  # three scripts and the stylesheet
    for url in urls:
        assert url.startswith("/static/graphiql/"), url
        asset = await client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
        if url.endswith(".css"):
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", asset.text):
                assert ref.startswith("data:"), ref
            assert "@import" not in asset.text


# --- Unexpected errors are masked ----------------------------------------------------------


class BrokenRegions:
    @staticmethod
    def all() -> Any:
        raise RuntimeError("region table unreadable at block 7")


@pytest.mark.parametrize("given_id", [None, "0123456789abcdef0123456789abcdef"])
async def test_an_unexpected_error_is_masked_and_logged(  # type: ignore[no-untyped-def]
    client,
    monkeypatch,
    caplog,
    given_id,
) -> None:
    monkeypatch.setattr(schema.region.queries, "RegionRow", BrokenRegions)
    headers = {"X-Request-ID": given_id} if given_id else {}
    with caplog.at_level(logging.ERROR, logger="registry.errors"):
        response = await client.post(
            "/graphql", headers=headers, json={"query": "{ regions { code name } }"}
        )
    assert response.status_code == 200, response.text
    request_id = response.headers["x-request-id"]
    assert REQUEST_ID.fullmatch(request_id)
    if given_id:  # a proxy's request id is kept, so its logs and ours can be joined
        assert request_id == given_id
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == f"Internal server error (request id {request_id})"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert error["path"] == ["regions"]
    assert "unreadable" not in response.text and "RuntimeError" not in response.text
    [record] = [r for r in caplog.records if r.name == "registry.errors"]
    assert request_id in record.getMessage()
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert "region table unreadable at block 7" in caplog.text
    assert "Traceback" in caplog.text


async def test_a_database_outage_while_authenticating_is_503(client, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """An agency token is checked against its agency's row; with the database away the
    answer says so and when to retry (tests/robustness/test_pg_restart.py stops a real server)."""
    from tortoise.exceptions import DBConnectionError

    import server.endpoint

    async def database_down(*_: Any) -> None:
        raise DBConnectionError("connection refused")

    monkeypatch.setattr(server.endpoint, "authenticate", database_down)
    response = await client.post("/graphql", json=TYPENAME)
    assert_error(response, 503, "UNAVAILABLE")
    assert response.headers["retry-after"] == "1"
    assert "database unavailable" in caplog.text
