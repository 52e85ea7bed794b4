"""Several stateless replicas on one PostgreSQL database, as real server processes over TCP
(tests/support/concurrency_server.py, and `registry serve --workers 2`):

- a write through one replica is read, counted and decided upon through the other right after,
  in both directions: no replica keeps state of its own between requests;
- with `REDIS_URL` the replicas share one rate-limit count: anonymous requests from one client
  address, alternating between them, are refused from the 7th of a "6/minute" budget on,
  whichever replica it reaches; with the default memory storage each counts alone (12 pass);
- SIGTERM lets a request in flight finish: an addSite held on a row lock the test owns (seen
  waiting in pg_stat_activity) is still waiting when the signal arrives; once the server
  refuses new connections and logs that it waits for the open ones, the lock is released, and
  the mutation answers 200 with its Success payload, is in the database with its audit event,
  and the process exits after its lifespan shutdown. The same through `registry serve
  --workers 2`, whose supervisor passes the signal on. Past REGISTRY_GRACEFUL_SHUTDOWN_SECONDS
  a request still waiting is cut (500 or a closed connection) and leaves nothing behind.

PostgreSQL only: replicas need a database other processes can reach at the same time. Redis
(127.0.0.1:6379, database 15) is used when it answers; REGISTRY_TEST_REDIS=required makes its
absence a failure instead of a skip. Each run counts under its own client address (sent as
X-Forwarded-For, trusted from 127.0.0.1 as in production behind a proxy), so runs sharing the
Redis server do not disturb each other and nothing is flushed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from models.enums import Role
from tests.support.builders import DAY, add_site, address, make_agency, register, submit
from tests.support.concurrency_invariants import plain_dsn
from tests.support.concurrency_server import (
    HttpApi,
    Server,
    _spawn,
    _stop,
    _until_healthy,
    free_port,
    serving,
)
from tests.support.documents import ADD_SITE, AGENCY, NODE

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/15"
BUDGET = 6  # anonymous requests a minute per client address on the replicas under test
WAIT = 60.0  # seconds any awaited event may take on a loaded machine; never a measurement

QUERY = {"query": "{ regions { code } }"}
AGENCIES = """
query ($filter: AgencyFilter) {
  agencies(first: 50, filter: $filter) { totalCount edges { node { id creditCode } } } }
"""
ALL_AGENCIES = "query { agencies(first: 1) { totalCount } }"
SITES = """
query ($id: ID!) { agency(id: $id) {
  sites(first: 50) { totalCount edges { node { id name } } } } }
"""


@pytest.fixture(scope="module", autouse=True)
def _postgres_only(database: str) -> None:
    if database != "postgres":
        pytest.skip(
            "replicas need PostgreSQL: several server processes on one database "
            "(the embedded SQLite file serves one process)"
        )


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.settimeout(2)
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _need_redis(redis_url: str) -> None:
    if redis_url:
        return
    message = f"no Redis answering on {REDIS[0]}:{REDIS[1]}"
    if os.environ.get("REGISTRY_TEST_REDIS") == "required":
        pytest.fail(f"{message}, and REGISTRY_TEST_REDIS=required")
    pytest.skip(message)


def _client_address() -> str:
    """An address of the benchmarking range 198.18.0.0/15, fresh for each test run."""
    network = ipaddress.ip_network("198.18.0.0/15")
    return str(network[secrets.randbelow(network.num_addresses - 2) + 1])


def _env(rate_limit: str, redis_url: str) -> dict[str, str]:
    # An empty REDIS_URL is the memory storage, whatever the test process's environment says.
    return {
        "REDIS_URL": redis_url,
        "REGISTRY_RATE_LIMIT_ANONYMOUS": rate_limit,
        "REGISTRY_RATE_LIMIT_SIGNED_IN": "",
    }


@asynccontextmanager
async def _pair(url: str, env: dict[str, str]) -> AsyncIterator[tuple[Server, Server]]:
    async with serving(url, DAY, env=env) as a, serving(url, DAY, env=env) as b:
        yield a, b


@asynccontextmanager
async def _clients(*servers: Server) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [httpx.AsyncClient(base_url=s.url, timeout=httpx.Timeout(WAIT)) for s in servers]
    try:
        yield clients
    finally:
        for c in clients:
            await c.aclose()


@pytest.fixture(scope="module")
def redis_url() -> str:
    """REDIS_URL for the replicas: empty (memory storage) when Redis does not answer."""
    return REDIS_URL if _redis_answers() else ""


@pytest.fixture(scope="module")
async def replicas(db_url: Any, redis_url: str) -> AsyncIterator[tuple[Server, Server]]:
    """Two servers on the test database, sharing Redis when it answers; signed-in requests
    are not limited, anonymous ones BUDGET a minute per address."""
    async with _pair(db_url[3], _env(f"{BUDGET}/minute", redis_url)) as pair:
        yield pair


async def _until(condition: Callable[[], Awaitable[bool]], what: str, within: float = WAIT) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.05)


# 1. Reads and decisions on one replica see the writes of the other.


async def test_a_write_through_one_replica_is_read_through_the_other(
    replicas: tuple[Server, Server],
) -> None:
    async with _clients(*replicas) as (ca, cb):
        a, b = HttpApi(ca), HttpApi(cb)
        province = a.token(Role.PROVINCE)
        before = (await b.query(ALL_AGENCIES, {}, province))["agencies"]["totalCount"]

        # A registers; B finds it by id, in a filtered list and in the count.
        agency = await register(a)
        found = (await b.query(AGENCY, {"id": agency.id}, province))["agency"]
        assert found is not None and found["creditCode"] == agency.credit_code, found
        listed = (await b.query(AGENCIES, {"filter": {"nameContains": agency.name}}, province))[
            "agencies"
        ]
        assert [e["node"]["id"] for e in listed["edges"]] == [agency.id], listed
        assert listed["totalCount"] == 1
        after = (await b.query(ALL_AGENCIES, {}, province))["agencies"]["totalCount"]
        assert after == before + 1, (before, after)

        # The other way: the agency adds a venue through B; A lists it and finds it by id.
        site = await add_site(b, agency, "350100")
        own = agency.token
        sites = (await a.query(SITES, {"id": agency.id}, own))["agency"]["sites"]
        assert [e["node"]["id"] for e in sites["edges"]] == [site], sites
        assert sites["totalCount"] == 1
        node = (await a.query(NODE, {"id": site}, own))["node"]
        assert node is not None and node["agency"]["id"] == agency.id, node
        assert (await b.query(ALL_AGENCIES, {}, province))["agencies"]["totalCount"] == after


async def test_a_rule_checked_on_one_replica_sees_the_write_of_the_other(
    replicas: tuple[Server, Server],
) -> None:
    """One open filing per kind: an application through A, then the same through B is
    refused as OPEN_FILING, and again the other way round for another kind."""
    async with _clients(*replicas) as (ca, cb):
        a, b = HttpApi(ca), HttpApi(cb)
        agency = await make_agency(a)
        first = await submit(a, agency, "INFO_CHANGE", newName=f"{agency.name}改")
        assert first["__typename"] == "SubmitFilingSuccess", first
        second = await submit(b, agency, "INFO_CHANGE", newName=f"{agency.name}又改")
        assert (second["__typename"], second.get("code")) == ("RuleViolation", "OPEN_FILING"), (
            second
        )
        first = await submit(b, agency, "TERMINATION")
        assert first["__typename"] == "SubmitFilingSuccess", first
        second = await submit(a, agency, "TERMINATION")
        assert (second["__typename"], second.get("code")) == ("RuleViolation", "OPEN_FILING"), (
            second
        )


# 2. Rate limits: one count across replicas through Redis, one per replica in memory.


async def _anonymous(client: httpx.AsyncClient, client_address: str) -> httpx.Response:
    return await client.post("/graphql", json=QUERY, headers={"X-Forwarded-For": client_address})


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, (response.status_code, response.text)
    assert 1 <= int(response.headers["Retry-After"]) <= 60, response.headers
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED", response.text


async def test_replicas_share_the_anonymous_budget_through_redis(
    replicas: tuple[Server, Server], redis_url: str
) -> None:
    _need_redis(redis_url)
    caller, other = _client_address(), _client_address()
    async with _clients(*replicas) as clients:
        for n in range(BUDGET):
            response = await _anonymous(clients[n % 2], caller)
            assert response.status_code == 200, (n, response.status_code, response.text)
        # The 7th is refused wherever it lands, and so is the 8th on the other replica.
        _assert_refused(await _anonymous(clients[BUDGET % 2], caller))
        _assert_refused(await _anonymous(clients[(BUDGET + 1) % 2], caller))
        # The budget is the address's: another caller is served by both.
        for c in clients:
            assert (await _anonymous(c, other)).status_code == 200


async def test_without_redis_each_replica_counts_alone(db_url: Any) -> None:
    """The contrast: with the memory storage each replica allows the budget by itself."""
    caller = _client_address()
    async with _pair(db_url[3], _env(f"{BUDGET}/minute", "")) as pair, _clients(*pair) as clients:
        for n in range(2 * BUDGET):
            response = await _anonymous(clients[n % 2], caller)
            assert response.status_code == 200, (n, response.status_code, response.text)
        for c in clients:
            _assert_refused(await _anonymous(c, caller))


# 3. SIGTERM: the request in flight finishes; past the graceful period it is cut cleanly.

GRACEFUL = str(int(3 * WAIT))  # REGISTRY_GRACEFUL_SHUTDOWN_SECONDS where the request must finish
# uvicorn at "info": it has closed its listeners and waits for the open connections to finish.
WAITING = "Waiting for connections to close"


class HeldAgency:
    """A row lock on one agency, held by the test's own connection: every mutation on the
    agency (`locked_agency`, FOR NO KEY UPDATE) waits for it."""

    def __init__(self, dsn: str, agency_pk: int) -> None:
        self.dsn, self.agency_pk = dsn, agency_pk

    async def __aenter__(self) -> HeldAgency:
        self.released = False
        self.conn = await asyncpg.connect(self.dsn)
        self.watch = await asyncpg.connect(self.dsn)
        self.tx = self.conn.transaction()
        await self.tx.start()
        await self.conn.execute("SELECT id FROM agency WHERE id = $1 FOR UPDATE", self.agency_pk)
        self.pid = self.conn.get_server_pid()
        return self

    async def waiters(self) -> list[str]:
        """Statements of other sessions blocked on this session's locks (pg_stat_activity)."""
        rows = await self.watch.fetch(
            "SELECT query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", self.pid
        )
        return [r["query"] for r in rows]

    async def until_waited_on(self) -> None:
        async def blocked() -> bool:
            return len(await self.waiters()) == 1

        await _until(blocked, "the server's statement waits on the test's row lock")

    async def release(self) -> None:
        if not self.released:
            self.released = True
            await self.tx.rollback()

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.release()
        finally:
            await self.conn.close()
            await self.watch.close()


def _logged(server: Server, text: str, times: int = 1) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return server.output().count(text) >= times

    return check


def _refuses_connections(port: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except ConnectionRefusedError:
            return True
        writer.close()
        return False

    return check


def _site_input(agency_id: str) -> dict[str, Any]:
    return {
        "input": {
            "agencyId": agency_id,
            "name": f"测试考点{secrets.token_hex(3)}",
            "address": address("350100"),
            "regionCode": "350100",
            "tenure": "OWNED",
            "hasVideoSurveillance": True,
        }
    }


async def _sites_and_events(dsn: str, agency_pk: int) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        sites = await conn.fetchval("SELECT count(*) FROM site WHERE agency_id = $1", agency_pk)
        events = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE agency_id = $1 AND action = 'addSite'",
            agency_pk,
        )
    finally:
        await conn.close()
    return int(sites), int(events)


async def _exit_code(server: Server) -> int:
    try:
        return await asyncio.to_thread(server.process.wait, WAIT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the server did not exit:\n{server.output()}") from None


def _exited_cleanly(code: int) -> bool:
    """uvicorn, after its graceful shutdown, raises the signal it caught again, so a single
    server process ends on SIGTERM (-15 from Popen); the multi-worker supervisor exits 0."""
    return code in (0, -signal.SIGTERM)


async def _sigterm_while_in_flight(
    server: Server,
    dsn: str,
    *,
    workers: int = 1,
) -> tuple[Any, httpx.Response | BaseException, int]:
    """Register an agency, hold its row, start addSite on it, SIGTERM the server once the
    statement waits on the lock, and release the lock once the server waits for the request
    in its graceful shutdown. Returns the agency, the addSite response (or the transport
    error it ended in) and the exit code."""
    async with httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(2 * WAIT)) as client:
        api = HttpApi(client)
        agency = await register(api)
        async with HeldAgency(dsn, agency.pk) as held:
            in_flight = asyncio.create_task(
                api.post(ADD_SITE, _site_input(agency.id), agency.token)
            )
            await held.until_waited_on()
            server.process.send_signal(signal.SIGTERM)
            await _until(
                _logged(server, "Shutting down", workers),
                f"{workers} uvicorn process(es) begin shutting down",
            )
            await _until(_logged(server, WAITING), "the server waits for the request")
            if workers == 1:
                # No new connection is taken. (A supervisor keeps the listening socket until
                # it exits: a new connection waits in the backlog, unserved.)
                port = int(server.url.rsplit(":", 1)[1])
                await _until(_refuses_connections(port), "new connections are refused")
            assert not in_flight.done(), "the request ended before the lock was released"
            assert len(await held.waiters()) == 1, "the statement stopped waiting"
            await held.release()
            outcome: httpx.Response | BaseException
            try:
                outcome = await in_flight
            except httpx.TransportError as exc:
                outcome = exc
            code = await _exit_code(server)
    return agency, outcome, code


async def _assert_finished(
    server: Server, dsn: str, agency: Any, outcome: httpx.Response | BaseException, code: int
) -> None:
    assert isinstance(outcome, httpx.Response), f"{outcome!r}\n{server.output()}"
    assert outcome.status_code == 200, outcome.text
    payload = outcome.json()["data"]["addSite"]
    assert payload["__typename"] == "AddSiteSuccess", payload
    assert await _sites_and_events(dsn, agency.pk) == (1, 1)
    assert _exited_cleanly(code), (code, server.output())
    assert "Application shutdown complete" in server.output(), server.output()
    assert "timeout graceful shutdown exceeded" not in server.output(), server.output()


async def test_sigterm_lets_the_request_in_flight_finish(db_url: Any) -> None:
    url, dsn = db_url[3], plain_dsn(db_url[3])
    env = {"REGISTRY_GRACEFUL_SHUTDOWN_SECONDS": GRACEFUL, "REGISTRY_LOG_LEVEL": "info"}
    async with serving(url, DAY, env=env) as server:
        await _assert_finished(server, dsn, *await _sigterm_while_in_flight(server, dsn))


async def test_past_the_graceful_period_a_waiting_request_is_cut_and_leaves_nothing(
    db_url: Any,
) -> None:
    url, dsn = db_url[3], plain_dsn(db_url[3])
    env = {"REGISTRY_GRACEFUL_SHUTDOWN_SECONDS": "1", "REGISTRY_LOG_LEVEL": "info"}
    async with (
        serving(url, DAY, env=env) as server,
        httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(WAIT)) as client,
    ):
        api = HttpApi(client)
        agency = await register(api)
        async with HeldAgency(dsn, agency.pk) as held:
            in_flight = asyncio.create_task(
                api.post(ADD_SITE, _site_input(agency.id), agency.token)
            )
            await held.until_waited_on()
            server.process.send_signal(signal.SIGTERM)
            # The lock is kept: the server must give up on the request by itself.
            code = await _exit_code(server)
            try:
                response = await in_flight
            except httpx.TransportError:
                pass
            else:
                assert response.status_code == 500, response.text
                assert "addSite" not in response.text, response.text
            await held.release()
        output = server.output()
        assert _exited_cleanly(code), (code, output)
        assert "timeout graceful shutdown exceeded" in output, output
        assert "Application shutdown complete" in output, output
    # The server is gone, so nothing can still arrive: its transaction was rolled back.
    assert await _sites_and_events(dsn, agency.pk) == (0, 0)


async def test_sigterm_to_registry_serve_with_two_workers(db_url: Any) -> None:
    """`registry serve --workers 2`: the supervisor passes SIGTERM on to its workers, and the
    one holding the request finishes it before the supervisor exits."""
    url, dsn = db_url[3], plain_dsn(db_url[3])
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from server.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REGISTRY_ENV": "development",
        **_env("", ""),
        "REGISTRY_GRACEFUL_SHUTDOWN_SECONDS": GRACEFUL,
        "REGISTRY_LOG_LEVEL": "info",
        "REGISTRY_LOG_FORMAT": "text",
    }
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        server = Server(f"http://127.0.0.1:{port}", _spawn(command, env, log), log)
        try:
            await _until_healthy(server, WAIT)
            await _assert_finished(
                server, dsn, *await _sigterm_while_in_flight(server, dsn, workers=2)
            )
        finally:
            await asyncio.to_thread(_stop, server.process)
