"""Operating the registry over HTTP: /healthz, /readyz (database and migrations), /metrics
(Prometheus text format) and the structured logs (JSON lines, nothing secret in them)."""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from models.enums import Role
from server.app import create_app
from server.auth import mint_token
from server.observability import readiness
from server.observability.logs import configure_logging
from server.observability.metrics import reset_multiprocess_dir
from server.settings import Settings
from tests.support.documents import REGISTER_AGENCY
from tests.support.http_api import Api

ROOT = Path(__file__).resolve().parents[2]
XIAMEN = "350200"
PHONE = "13912345678"
CONTACT = "林联系人观测"


# ---------------------------------------------------------------------------- helpers

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def post(
    client: httpx.AsyncClient, body: Any, token: str | None = None, **headers: str
) -> httpx.Response:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post("/graphql", json=body, headers=headers)


def client_for(url: str) -> BaseDBAsyncClient:
    """A tortoise connection of its own to `url` (the application's stays as it is)."""
    info = expand_db_url(url)
    engine = importlib.import_module(info["engine"])
    make = (
        engine.get_client_class(info)
        if hasattr(engine, "get_client_class")
        else engine.client_class
    )
    client: BaseDBAsyncClient = make(**info["credentials"], connection_name="readiness-probe")
    return client


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
async def other_database(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """`await point_at(url)`: /readyz checks that database instead of the test one."""
    opened: list[BaseDBAsyncClient] = []

    async def point_at(url: str) -> None:
        client = client_for(url)
        opened.append(client)
        monkeypatch.setattr(readiness, "database", lambda: client)

    yield point_at
    for client in opened:
        with contextlib.suppress(Exception):  # a connection that never opened
            await client.close()


# ---------------------------------------------------------------------------- health, readiness


async def test_healthz_answers_without_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_on_the_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready"}
    assert response.headers["cache-control"] == "no-store"


async def test_not_ready_while_a_shipped_migration_is_not_applied(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = readiness.migrations_on_disk()
    assert shipped[0] == "0001_initial"
    monkeypatch.setattr(readiness, "migrations_on_disk", lambda: (*shipped, "0099_not_yet_applied"))
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "problem": "migrations pending: [0099_not_yet_applied]",
        "pending": ["0099_not_yet_applied"],
    }


async def test_not_ready_on_a_database_never_migrated(
    client: httpx.AsyncClient, other_database: Any, tmp_path: Path
) -> None:
    await other_database(f"sqlite://{tmp_path / 'empty.sqlite3'}")
    response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["pending"] == list(readiness.migrations_on_disk())
    assert body["problem"] == f"migrations pending: [{', '.join(body['pending'])}]"


async def test_not_ready_when_the_database_is_unreachable(
    client: httpx.AsyncClient, other_database: Any
) -> None:
    await other_database(f"postgres://registry@127.0.0.1:{closed_port()}/registry")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problem": "database unreachable"}
    assert "Traceback" not in response.text and "Error" not in response.text


# ---------------------------------------------------------------------------- metrics

NAMED = "query ObservabilityCityView { me { role } regions { code } }"
BROKEN = "query ObservabilityCityView { me { role noSuchField } }"
UNNAMED = "{ me { role noSuchField } }"


async def test_requests_are_counted_by_operation_role_and_status(
    client: httpx.AsyncClient, api: Api
) -> None:
    city = api.token(Role.CITY, region=XIAMEN)
    labels = {"operation": "ObservabilityCityView", "role": "CITY"}
    before = await scrape(client)

    ok = await post(client, {"query": NAMED, "operationName": "ObservabilityCityView"}, city)
    assert ok.status_code == 200 and "errors" not in ok.json()
    failed = await post(client, {"query": BROKEN}, city, Accept="application/graphql-response+json")
    unnamed = await post(client, {"query": UNNAMED}, city)
    assert unnamed.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert failed.status_code == 400
    assert failed.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    refused = await post(
        client, {"query": NAMED, "operationName": "ObservabilityCityView"}, city + "x"
    )
    assert refused.status_code == 401

    after = await scrape(client)
    # Without operationName, the name of the document's one operation labels the request.
    assert delta(before, after, "registry_requests_total", status="200", **labels) == 1
    assert delta(before, after, "registry_requests_total", status="400", **labels) == 1
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="anonymous",
            role="CITY",
            status="200",
        )
        == 1
    )
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="ObservabilityCityView",
            role="unauthenticated",
            status="401",
        )
        == 1
    )
    assert (
        delta(before, after, "registry_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 2
    )
    assert delta(before, after, "registry_graphql_errors_total", code="UNAUTHENTICATED") == 1
    assert delta(before, after, "registry_request_duration_seconds_count", **labels) == 2
    assert (
        delta(before, after, "registry_request_duration_seconds_bucket", le="+Inf", **labels) == 2
    )
    assert (
        "registry_request_duration_seconds_bucket",
        frozenset({**labels, "le": "0.005"}.items()),
    ) in after
    assert (
        "registry_request_duration_seconds_bucket",
        frozenset({**labels, "le": "10.0"}.items()),
    ) in after


async def test_errors_inside_an_answer_are_counted_by_code(
    client: httpx.AsyncClient, api: Api
) -> None:
    province = api.token(Role.PROVINCE)
    query = "query ObservabilityBadPage { agencies(first: 1000) { totalCount } }"
    before = await scrape(client)
    response = await post(
        client, {"query": query, "operationName": "ObservabilityBadPage"}, province
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    after = await scrape(client)
    assert delta(before, after, "registry_graphql_errors_total", code="BAD_USER_INPUT") == 1
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="ObservabilityBadPage",
            role="PROVINCE",
            status="200",
        )
        == 1
    )


async def test_operation_labels_stay_bounded(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    unknown = await post(client, {"query": "{ regions { code } }", "operationName": "not a-name!"})
    assert unknown.status_code == 400  # no operation of that name in the document
    long = await post(
        client, {"query": "query " + "A" * 65 + " { me { role } }", "operationName": "A" * 65}
    )
    assert long.status_code == 200
    await post(client, [{"query": "{ me { role } }"}, {"query": "{ me { role } }"}])
    await client.get("/graphql", params={"query": "{ me { role } }"})
    after = await scrape(client)
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="invalid",
            role="PUBLIC",
            status="400",
        )
        == 1
    )
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="invalid",
            role="PUBLIC",
            status="200",
        )
        == 1
    )
    assert (
        delta(
            before, after, "registry_requests_total", operation="batch", role="PUBLIC", status="200"
        )
        == 1
    )
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="anonymous",
            role="PUBLIC",
            status="200",
        )
        == 1
    )
    assert not any("not a-name" in str(key) or "A" * 65 in str(key) for key in after)


async def test_refusals_before_the_token_is_checked_are_counted(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    response = await client.post(
        "/graphql",
        content=b"query=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    after = await scrape(client)
    assert (
        delta(
            before,
            after,
            "registry_requests_total",
            operation="unknown",
            role="unchecked",
            status="415",
        )
        == 1
    )
    assert delta(before, after, "registry_graphql_errors_total", code="UNSUPPORTED_MEDIA_TYPE") == 1


async def test_the_connection_pool_is_reported_on_postgresql(
    client: httpx.AsyncClient, database: str
) -> None:
    await post(client, {"query": "{ regions { code } }"})
    samples = await scrape(client)
    in_use = samples.get(("registry_db_pool_connections", frozenset({("state", "in_use")})))
    idle = samples.get(("registry_db_pool_connections", frozenset({("state", "idle")})))
    if database == "postgres":
        assert in_use is not None and idle is not None
        assert in_use >= 0 and idle >= 0 and in_use + idle >= 1
    else:
        assert in_use is None and idle is None  # SQLite has no pool


async def test_no_metrics_when_turned_off(database: str, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"metrics_enabled": False}), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        assert (await c.get("/metrics")).status_code == 404
        answered = await post(c, {"query": "{ me { role } }"})
        assert answered.json() == {"data": {"me": {"role": "PUBLIC"}}}


MULTIPROCESS_WORKER = textwrap.dedent("""
    import asyncio, sys
    import httpx
    from server.app import create_app
    from server.settings import Settings

    async def main():
        app = create_app(Settings(REGISTRY_RATE_LIMIT_ANONYMOUS=""), manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
            r = await c.post("/graphql", json={"query": "query MultiWorker { __typename }",
                                               "operationName": "MultiWorker"})
            assert r.status_code == 200, r.text
            if sys.argv[1] == "scrape":
                print((await c.get("/metrics")).text)

    asyncio.run(main())
""")


@pytest.mark.timeout(120)
def test_worker_processes_share_their_counts(tmp_path: Path) -> None:
    """PROMETHEUS_MULTIPROC_DIR: whichever worker is scraped reports every worker's requests."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    env.pop("DATABASE_URL", None)
    for role in ("count", "scrape"):
        done = subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_WORKER, role],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=100,
        )
        assert done.returncode == 0, done.stderr
    samples: Samples = {}
    for family in text_string_to_metric_families(done.stdout[done.stdout.index("# HELP") :]):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    assert (
        value(
            samples, "registry_requests_total", operation="MultiWorker", role="PUBLIC", status="200"
        )
        == 2
    )


def test_a_new_start_forgets_the_previous_runs_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_4242.db").write_bytes(b"stale")
    (directory / "README").write_text("not a sample file")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    reset_multiprocess_dir()
    assert sorted(p.name for p in directory.iterdir()) == ["README"]


# ---------------------------------------------------------------------------- logs


@pytest.fixture
def json_logs(database: str, settings: Settings) -> Iterator[Settings]:
    json_settings = settings.model_copy(update={"log_format": "json"})
    yield json_settings
    configure_logging(settings)


def lines_of(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


async def test_one_json_access_line_per_request(
    json_logs: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(json_logs, manage_database=False)
    token = mint_token(json_logs, Role.CITY, region=XIAMEN, subject="observability-city")
    transport = httpx.ASGITransport(app=app)
    capsys.readouterr()
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        response = await post(
            c,
            {"query": NAMED, "operationName": "ObservabilityCityView"},
            token,
            **{"X-Request-ID": "obs-1234"},
        )
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert request_id == "obs-1234"
    output = capsys.readouterr().out
    access = [line for line in lines_of(output) if line["logger"] == "registry.access"]
    assert len(access) == 1, output
    line = access[0]
    assert line["request_id"] == request_id
    assert line["operation"] == "ObservabilityCityView"
    assert line["role"] == "CITY"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert line["message"] == "POST /graphql 200"
    assert isinstance(line["duration_ms"], int | float) and not isinstance(
        line["duration_ms"], bool
    )
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    assert token not in output


REGISTER = REGISTER_AGENCY.replace("mutation", "mutation ObservabilityRegister", 1)


def registration(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "观测技能评价中心有限公司",
        "creditCode": "91350100MA0000000X",
        "kind": "EMPLOYER",
        "isCollege": False,
        "level": "CITY",
        "filingRegionCode": "350100",
        "contactName": CONTACT,
        "contactPhone": PHONE,
    }
    base.update(overrides)
    return base


async def test_no_token_variable_or_contact_data_in_any_log_line(
    json_logs: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import schema.agency.mutations as mutations

    async def broken(agency: object) -> None:
        # A fault whose message carries what must never be logged.
        raise RuntimeError(f"cannot store {PHONE} for Bearer {token} ({token})")

    caplog.set_level(logging.DEBUG, logger="registry")
    app = create_app(json_logs, manage_database=False)
    token = mint_token(json_logs, Role.PROVINCE, subject="observability-province")
    transport = httpx.ASGITransport(app=app)
    capsys.readouterr()
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        # Refused input, refused token, a variable that does not fit its type, a fault.
        typed = await post(
            c,
            {"query": REGISTER, "variables": {"input": registration(filingRegionCode="999999")}},
            token,
        )
        assert typed.status_code == 200
        assert (
            await post(
                c, {"query": REGISTER, "variables": {"input": registration()}}, token + "tampered"
            )
        ).status_code == 401
        coerced = await post(
            c, {"query": REGISTER, "variables": {"input": registration(level=PHONE)}}, token
        )
        assert coerced.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        monkeypatch.setattr(mutations, "validate_new_agency", broken)
        fault = await post(c, {"query": REGISTER, "variables": {"input": registration()}}, token)
        error = fault.json()["errors"][0]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    output = capsys.readouterr().out
    lines = lines_of(output)
    # The fault is logged with its stack, scrubbed, and with the request it belongs to.
    faults = [line for line in lines if line["logger"] == "registry.errors"]
    assert len(faults) == 1, output
    assert "RuntimeError" in faults[0]["exception"]
    assert "Traceback" in faults[0]["exception"]
    assert faults[0]["request_id"] == fault.headers["x-request-id"]
    assert faults[0]["role"] == "PROVINCE"
    assert len([line for line in lines if line["logger"] == "registry.access"]) == 4
    # Every line written, and every message logged under `registry` (before formatting).
    everything = output + "\n".join(record.getMessage() for record in caplog.records)
    for secret in (token, PHONE, CONTACT, "999999"):
        assert secret not in everything, secret


async def test_text_logs_for_a_terminal(
    settings: Settings, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings.model_copy(update={"log_format": "text"}), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    capsys.readouterr()
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
        response = await post(
            c, {"query": "query TextLine { me { role } }", "operationName": "TextLine"}
        )
    output = capsys.readouterr().out
    line = next(line for line in output.splitlines() if "registry.access" in line)
    assert not line.startswith("{")
    assert f"request_id={response.headers['x-request-id']}" in line
    assert "operation=TextLine" in line and "role=PUBLIC" in line and "duration_ms=" in line
