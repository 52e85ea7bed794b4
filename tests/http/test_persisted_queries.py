"""Persisted queries and the public read cache, checked over HTTP.

schema/operations/*.graphql is the allow-list: a request may name one of its operations by
SHA-256 (Apollo's `extensions.persistedQuery`) instead of sending the text. A PUBLIC GET of an
allow-listed query that answers without errors carries `Cache-Control: public`, a strong `ETag`
and `Vary: Authorization, Accept`, so a CDN can serve the public registry; everything else is
`no-store`. The worst bug this feature could have is a shared cache keeping a signed-in answer
(one city's private columns served to the next visitor), so every way of being signed in, of
failing, and of not being a persisted GET is checked to be `no-store` without an ETag.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationType, TokenKind, parse, validate
from graphql.language.lexer import Lexer
from graphql.language.source import Source

from models.enums import Role
from schema.root import schema, sdl
from server.demo import DEMO_CREDIT_CODES
from server.persisted_queries import Manifest, PersistedOperation, main, manifest
from server.settings import Settings
from tests.support.builders import make_agency, today
from tests.support.http_api import serving
from tests.support.snapshot import unchanged

# Backend-independent (the allow-list and the cache headers; the queries behind them are the ones
# the scope-matrix modules check on both backends): .ci/run runs it on PostgreSQL only.
pytestmark = pytest.mark.any_backend

GR = "application/graphql-response+json"
JSON = "application/json"
ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = manifest().by_name()
QUERIES = sorted(name for name, op in OPERATIONS.items() if op.is_query)
MUTATIONS = sorted(name for name, op in OPERATIONS.items() if not op.is_query)
PRODUCTION = {
    "REGISTRY_ENV": "production",
    "REGISTRY_JWT_SECRET": "production-secret-for-the-http-tests-0123456789",
}

# Variables each query is run with; `$id` is filled in with a public agency's id.
VARIABLES: dict[str, dict[str, Any]] = {
    "Me": {},
    "Regions": {},
    "PublicAgencies": {"first": 5},
    "PublicAgency": {"id": None},
    "PublishedSanctions": {"first": 5},
    "Announcements": {"first": 5},
    "DashboardAgencies": {"first": 5},
    "DashboardFilings": {"first": 5},
    "FilingQueue": {"first": 5},
    "RenewalsDue": {"first": 5},
    "AcknowledgementQueue": {"first": 5},
}


def extension(name: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": OPERATIONS[name].sha256}}


def get_params(name: str, variables: dict[str, Any] | None = None) -> dict[str, str]:
    """What the SPA puts in the URL: the operation name, its variables and the hash, no text."""
    params = {"operationName": name, "extensions": json.dumps(extension(name))}
    if variables:
        params["variables"] = json.dumps(variables)
    return params


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def assert_not_stored(response: httpx.Response) -> None:
    """What no cache may keep, and what no later conditional request may be matched against."""
    assert response.headers.get("cache-control") == "no-store", response.headers
    assert "etag" not in response.headers, response.headers
    assert response.status_code != 304


def assert_public(response: httpx.Response, max_age: int = 60) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == f"public, max-age={max_age}"
    vary = {v.strip().lower() for v in response.headers["vary"].split(",")}
    assert {"authorization", "accept"} <= vary
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/"), etag
    assert "errors" not in response.json()
    return etag


async def agency_id(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/graphql",
        json={
            "query": "{ agencies(first: 1, filter: {status: ACTIVE}) { edges { node { id } } } }"
        },
    )
    found: str = response.json()["data"]["agencies"]["edges"][0]["node"]["id"]
    return found


async def variables_for(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    variables = dict(VARIABLES[name])
    if "id" in variables:
        variables["id"] = await agency_id(client)
    return variables


# --- The allow-list -------------------------------------------------------------------------


def test_every_operation_validates_against_the_schema() -> None:
    assert manifest().validation_errors(sdl()) == []
    for op in OPERATIONS.values():  # and against the schema the server runs, not only its SDL
        assert validate(schema._schema, parse(op.document)) == [], op.name


def test_the_spa_operations_are_all_there() -> None:
    assert set(VARIABLES) == set(QUERIES)
    assert {
        "RegisterAgency",
        "AddSite",
        "SubmitFiling",
        "DecideFiling",
        "TerminateAgency",
        "IssueSanction",
    } <= set(MUTATIONS)
    for op in OPERATIONS.values():
        [definition] = [
            d for d in parse(op.document).definitions if d.kind == "operation_definition"
        ]
        assert definition.name.value == op.name  # type: ignore[attr-defined]
        assert op.operation in (OperationType.QUERY, OperationType.MUTATION)


def test_each_document_fits_the_default_limits() -> None:
    limits = Settings().query_limits
    for op in OPERATIONS.values():
        lexer = Lexer(Source(op.document))
        tokens = 0
        while lexer.advance().kind is not TokenKind.EOF:
            tokens += 1
        assert tokens <= limits.max_tokens, (op.name, tokens)


def test_the_hash_is_the_sha256_of_the_stored_text() -> None:
    for op in OPERATIONS.values():
        assert op.sha256 == hashlib.sha256(op.document.encode()).hexdigest()
        # Only the fragments the operation uses, each once.
        fragments = [
            d.name.value  # type: ignore[attr-defined]
            for d in parse(op.document).definitions
            if d.kind == "fragment_definition"
        ]
        assert len(fragments) == len(set(fragments)), op.name
    assert "fragment" not in OPERATIONS["Me"].document or "RegionName" in OPERATIONS["Me"].document
    assert "SanctionFields" not in OPERATIONS["PublicAgencies"].document


def test_the_manifest_is_printed_for_the_spa_build(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {op.sha256: op.name for op in OPERATIONS.values()}
    assert main(["--documents"]) == 0
    apollo = json.loads(capsys.readouterr().out)
    assert apollo["format"] == "apollo-persisted-query-manifest"
    assert {(o["id"], o["name"], o["type"], o["body"]) for o in apollo["operations"]} == {
        (op.sha256, op.name, op.operation.value, op.document) for op in OPERATIONS.values()
    }


def test_the_manifest_module_runs_on_its_own() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "server.persisted_queries"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == manifest().names()


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("query { me { role } }", "needs a name"),
        ("query A { me { role } } query A { regions { code } }", "defined twice"),
        ("query A { me { ...Missing } }", "unknown fragment"),
        (
            "fragment F on Viewer { role } fragment F on Viewer { role } query A { me { ...F } }",
            "defined twice",
        ),
        ("subscription S { me { role } }", "subscriptions"),
    ],
)
def test_a_malformed_operations_file_is_refused(source: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Manifest.from_sources([source])


def test_a_document_that_does_not_validate_stops_the_server(settings: Settings) -> None:
    from server.graphql_view import RegistryGraphQL

    broken = Manifest.from_sources(["query Broken { agencies { totalCont } }"])
    assert broken.validation_errors(sdl())
    with pytest.raises(ValueError, match="Broken"):
        RegistryGraphQL(schema, settings, broken)


def test_fragments_are_shared_and_each_document_is_self_contained() -> None:
    loaded = Manifest.from_sources(
        [
            "fragment R on Region { code } fragment Unused on Region { name }",
            "query A { regions { ...R } } query B { me { region { ...R } } }",
        ]
    )
    by_name = loaded.by_name()
    assert set(by_name) == {"A", "B"}
    assert all(isinstance(op, PersistedOperation) for op in by_name.values())
    for op in by_name.values():
        assert "fragment R on Region" in op.document and "Unused" not in op.document
        assert op.document.index("query") < op.document.index("fragment")
    assert loaded.validation_errors(sdl()) == []


# --- Running by hash ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "PROVINCE"])
@pytest.mark.parametrize("name", QUERIES)
async def test_the_hash_runs_the_operation(client, api, name, role) -> None:  # type: ignore[no-untyped-def]
    token = api.token(role) if role else None
    variables = await variables_for(client, name)
    by_text = await client.post(
        "/graphql",
        headers=bearer(token),
        json={"query": OPERATIONS[name].document, "variables": variables},
    )
    by_hash = await client.post(
        "/graphql",
        headers=bearer(token),
        json={"extensions": extension(name), "operationName": name, "variables": variables},
    )
    by_get = await client.get("/graphql", headers=bearer(token), params=get_params(name, variables))
    for response in (by_text, by_hash, by_get):
        assert response.status_code == 200, response.text
    assert "errors" not in by_text.json(), by_text.json()
    assert by_hash.json() == by_text.json() == by_get.json()


async def test_the_text_with_its_hash_runs(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        json={"query": OPERATIONS["Regions"].document, "extensions": extension("Regions")},
    )
    assert response.status_code == 200, response.text
    assert {
        "code": "350200",
        "name": "厦门市",
        "level": "CITY",
        "parent": {"code": "350000"},
    } in response.json()["data"]["regions"]


async def test_a_persisted_mutation_runs_by_hash_over_post(client, api) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        headers=bearer(api.token("PROVINCE")),
        json={
            "extensions": extension("AcknowledgeSite"),
            "variables": {"input": {"siteId": "U2l0ZTo5OTk5OTk5"}},
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["acknowledgeSite"]["__typename"] in ("NotFound", "RuleViolation")
    assert_not_stored(response)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GR, 400)])
async def test_an_unknown_hash_is_persisted_query_not_found(client, method, accept, status) -> None:  # type: ignore[no-untyped-def]
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    if method == "GET":
        response = await client.get(
            "/graphql", headers={"Accept": accept}, params={"extensions": json.dumps(unknown)}
        )
    else:
        response = await client.post(
            "/graphql", headers={"Accept": accept}, json={"extensions": unknown}
        )
    assert response.status_code == status, response.text
    assert response.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert_not_stored(response)


async def test_a_text_not_matching_its_hash_is_400(client, api) -> None:  # type: ignore[no-untyped-def]
    """Someone else's query cannot borrow an allow-listed hash (and its cacheability)."""
    swapped = {
        "query": "{ agencies(first: 1) { edges { node { contactPhone } } } }",
        "extensions": extension("PublicAgencies"),
    }
    for response in (
        await client.post("/graphql", json=swapped),
        await client.get(
            "/graphql", params={**swapped, "extensions": json.dumps(swapped["extensions"])}
        ),
        await client.post("/graphql", json=swapped, headers=bearer(api.token("PROVINCE"))),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "data" not in response.json()
        assert_not_stored(response)


async def test_a_full_query_with_an_unlisted_hash_runs_ad_hoc(client) -> None:  # type: ignore[no-untyped-def]
    """What an Apollo client resends after PERSISTED_QUERY_NOT_FOUND: it runs, uncached."""
    query = "{ regions { code } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    response = await client.get(
        "/graphql",
        params={
            "query": query,
            "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}),
        },
    )
    assert response.status_code == 200, response.text
    assert {"code": "350000"} in response.json()["data"]["regions"]
    assert_not_stored(response)


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": "0" * 64},
        {"version": True, "sha256Hash": "0" * 64},
        {"version": 1},
        {"version": 1, "sha256Hash": 7},
        "0" * 64,
        [],
    ],
)
async def test_a_malformed_persisted_query_extension_is_400(client, persisted) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert_not_stored(response)


@pytest.mark.parametrize("name", ["RegisterAgency", "TerminateAgency"])
async def test_a_persisted_mutation_over_get_is_405(client, api, name) -> None:  # type: ignore[no-untyped-def]
    async with unchanged():
        response = await client.get(
            "/graphql",
            headers=bearer(api.token("PROVINCE")),
            params=get_params(name, {"input": {}}),
        )
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert_not_stored(response)


# --- Public GETs are cacheable, with validators -----------------------------------------------


@pytest.mark.parametrize(
    "name", ["PublicAgencies", "PublicAgency", "PublishedSanctions", "Announcements", "Regions"]
)
async def test_a_public_get_is_cacheable_and_revalidates(client, name) -> None:  # type: ignore[no-untyped-def]
    params = get_params(name, await variables_for(client, name))
    first = await client.get("/graphql", params=params)
    etag = assert_public(first)
    again = await client.get("/graphql", params=params)
    assert assert_public(again) == etag and again.content == first.content

    for if_none_match in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        revalidated = await client.get(
            "/graphql", params=params, headers={"If-None-Match": if_none_match}
        )
        assert revalidated.status_code == 304, (if_none_match, revalidated.text)
        assert revalidated.content == b""
        assert revalidated.headers["etag"] == etag
        assert revalidated.headers["cache-control"] == "public, max-age=60"
        assert "authorization" in revalidated.headers["vary"].lower()
        assert "content-type" not in revalidated.headers

    stale = await client.get("/graphql", params=params, headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag


async def test_changed_data_changes_the_etag(client, api) -> None:  # type: ignore[no-untyped-def]
    params = get_params("PublicAgencies", {"first": 1})
    before = await client.get("/graphql", params=params)
    etag = assert_public(before)
    # An agency whose pre-existing filing the province imports becomes ACTIVE, hence public.
    await make_agency(api, valid_from=today() - timedelta(days=30))
    after = await client.get("/graphql", params=params, headers={"If-None-Match": etag})
    new_etag = assert_public(after)
    assert new_etag != etag
    assert (
        after.json()["data"]["agencies"]["totalCount"]
        == before.json()["data"]["agencies"]["totalCount"] + 1
    )


async def test_each_media_type_has_its_own_etag(client) -> None:  # type: ignore[no-untyped-def]
    params = get_params("Regions")
    legacy = await client.get("/graphql", params=params, headers={"Accept": JSON})
    modern = await client.get("/graphql", params=params, headers={"Accept": GR})
    assert modern.headers["content-type"].startswith(GR)
    assert legacy.content == modern.content
    assert assert_public(legacy) != assert_public(modern)
    crossed = await client.get(
        "/graphql", params=params, headers={"Accept": GR, "If-None-Match": legacy.headers["etag"]}
    )
    assert crossed.status_code == 200


async def test_a_browser_get_runs_the_query_not_the_ide(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.get(
        "/graphql",
        params=get_params("Regions"),
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert_public(response)
    assert response.json()["data"]["regions"]


async def test_production_serves_and_caches_persisted_gets(database) -> None:  # type: ignore[no-untyped-def]
    async with serving(**PRODUCTION) as c:
        response = await c.get("/graphql", params=get_params("PublicAgencies", {"first": 2}))
        assert_public(response)
        refused = await c.get(
            "/graphql",
            params={
                "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "f" * 64}})
            },
        )
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert_not_stored(refused)


@pytest.mark.parametrize(
    ("seconds", "header"), [(300, "public, max-age=300"), (0, "public, max-age=0, must-revalidate")]
)
async def test_the_public_lifetime_is_a_setting(database, seconds, header) -> None:  # type: ignore[no-untyped-def]
    async with serving(REGISTRY_PUBLIC_CACHE_SECONDS=str(seconds)) as c:
        response = await c.get("/graphql", params=get_params("Regions"))
        assert response.status_code == 200
        assert response.headers["cache-control"] == header
        assert response.headers["etag"]


# --- Everything else is no-store ------------------------------------------------------------


def tokens(api: Any) -> dict[str, str]:
    return {
        "province": api.token(Role.PROVINCE),
        "city": api.token(Role.CITY, region="350200"),
        "agency": api.token(Role.AGENCY, agency=DEMO_CREDIT_CODES["xiamen_pending"]),
    }


@pytest.mark.parametrize("role", ["province", "city", "agency"])
@pytest.mark.parametrize("name", ["PublicAgencies", "DashboardAgencies", "Me"])
async def test_a_signed_in_get_is_never_stored(client, api, role, name) -> None:  # type: ignore[no-untyped-def]
    params = get_params(name, {"first": 100} if "Agencies" in name else None)
    public = await client.get("/graphql", params=params)
    public_etag = assert_public(public)

    token = tokens(api)[role]
    signed_in = await client.get("/graphql", params=params, headers=bearer(token))
    assert signed_in.status_code == 200, signed_in.text
    assert_not_stored(signed_in)
    # A conditional request carrying the public validator still gets the signed-in answer.
    conditional = await client.get(
        "/graphql", params=params, headers={**bearer(token), "If-None-Match": public_etag}
    )
    assert conditional.status_code == 200 and conditional.content == signed_in.content
    assert_not_stored(conditional)
    # What the public gets is untouched by what was answered to the signed-in.
    assert (await client.get("/graphql", params=params)).headers["etag"] == public_etag


async def test_signed_in_answers_differ_from_the_public_one(client, api) -> None:  # type: ignore[no-untyped-def]
    """Why the above matters: the same URL answers more to officials and to the agency."""
    params = get_params("DashboardAgencies", {"first": 100, "filter": {"status": "PENDING"}})
    public = (await client.get("/graphql", params=params)).json()["data"]["agencies"]
    assert public["totalCount"] == 0
    for role, token in tokens(api).items():
        signed_in = await client.get("/graphql", params=params, headers=bearer(token))
        assert_not_stored(signed_in)
        agencies = signed_in.json()["data"]["agencies"]
        assert agencies["totalCount"] >= 1, role
        assert any(e["node"]["contactPhone"] for e in agencies["edges"]), role


async def test_an_ad_hoc_get_is_never_stored(client) -> None:  # type: ignore[no-untyped-def]
    for params in (
        {"query": "{ regions { code name } }"},
        {"query": OPERATIONS["Regions"].document},  # the text, but not by hash
        {"query": OPERATIONS["PublicAgencies"].document, "variables": json.dumps({"first": 1})},
    ):
        response = await client.get("/graphql", params=params)
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()
        assert_not_stored(response)
        assert "authorization" in response.headers["vary"].lower()


@pytest.mark.parametrize("accept", [JSON, GR])
@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("PublicAgencies", {"first": "ten"}),  # variable coercion
        ("PublicAgencies", {"first": 101}),  # over the page-size limit
        ("PublicAgency", {}),  # a required variable missing
        ("PublicAgencies", {"after": "not-a-cursor"}),  # a field error, with partial data
    ],
    ids=["coercion", "page size", "missing variable", "field error"],
)
async def test_an_answer_with_errors_is_never_stored(client, accept, name, variables) -> None:  # type: ignore[no-untyped-def]
    response = await client.get(
        "/graphql", params=get_params(name, variables), headers={"Accept": accept}
    )
    assert response.json()["errors"], response.text
    assert_not_stored(response)


async def test_an_operation_name_not_in_the_document_is_an_error(client) -> None:  # type: ignore[no-untyped-def]
    params = {**get_params("Regions"), "operationName": "Me"}
    response = await client.get("/graphql", params=params)
    assert response.json()["errors"], response.text
    assert_not_stored(response)


async def test_a_public_post_is_never_stored(client) -> None:  # type: ignore[no-untyped-def]
    for body in ({"extensions": extension("Regions")}, {"query": OPERATIONS["Regions"].document}):
        response = await client.post("/graphql", json=body)
        assert response.status_code == 200, response.text
        assert_not_stored(response)


async def test_a_batch_may_name_persisted_operations(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        json=[
            {"extensions": extension("Regions")},
            {"extensions": extension("Me")},
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "1" * 64}}},
        ],
    )
    assert response.status_code == 200, response.text
    regions, me, unknown = response.json()
    assert regions["data"]["regions"] and me["data"]["me"]["role"] == "PUBLIC"
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert_not_stored(response)


async def test_refusals_are_never_stored(client) -> None:  # type: ignore[no-untyped-def]
    malformed = await client.get(
        "/graphql", params={"query": "{ regions { code }", "extensions": "[1]"}
    )
    assert malformed.status_code == 400
    assert_not_stored(malformed)
    missing = await client.get(
        "/graphql", params={"operationName": "Regions"}, headers={"Accept": JSON}
    )
    assert missing.status_code == 400
    assert_not_stored(missing)
