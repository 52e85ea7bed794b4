"""PostgreSQL restarted under load: the server recovers by itself, and no acknowledged write is
lost or half applied.

The test owns a private PostgreSQL server (`tests/support/concurrency_pg.py`; the suite's own
cluster is never stopped) and a real registry server process on it
(`tests/support/concurrency_server.py`). Writers and readers keep it busy; in the middle, PostgreSQL
is stopped (`pg_ctl stop -m fast`: every session is cut, open transactions roll back), left down for
a moment and started again. The registry process is not touched.

- While the database is away a request fails promptly, never hangs: every request is bounded
  by the client's timeout and none reaches it. It fails as a masked GraphQL error, or as a plain
  HTTP 500 where authentication had to read the agency, or (the request right after such a 500
  on the same keep-alive connection) as a closed connection; never with driver text or a trace.
- Within RECOVERY_LIMIT seconds of PostgreSQL accepting connections again, every request
  succeeds, on the same registry process: the asyncpg pool drops the connections the restart
  closed and opens new ones on demand.
- Every mutation that answered Success is in the database afterwards with its audit event, and
  the registry's invariants (`models/invariants`, `registry check`) hold (no state change
  without its event, no event without its change).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from models.enums import Role
from tests.support.builders import DAY, Fresh, address, credit_code, make_agency, pk
from tests.support.concurrency_invariants import all_invariants, plain_dsn
from tests.support.concurrency_pg import PrivatePostgres, prepare, unavailable
from tests.support.concurrency_server import HttpApi, serving
from tests.support.documents import (
    ADD_SITE,
    DECIDE_FILING,
    ISSUE_SANCTION,
    RECORD_INSPECTION,
    REGISTER_AGENCY,
    SUBMIT_FILING,
)
from tests.support.http_api import Api

pytestmark = pytest.mark.long

WARM_UP = 2.0  # seconds of load before the restart
OUTAGE = 1.5  # seconds PostgreSQL stays down
AFTER = 6.0  # seconds of load after it is back
RECOVERY_LIMIT = 5.0  # seconds after PostgreSQL is back by which every request succeeds
REQUEST_TIMEOUT = 10.0  # the client gives up on a request after this long
WRITERS, READERS = 6, 3
LEAKS = ("asyncpg", "Traceback", "tortoise", 'File "', "postgres")

READ = """
query { agencies(first: 20) { totalCount edges { node { id name status } } } }
"""


@pytest.fixture
def private_postgres(db_url: Any) -> Any:
    if db_url[0] != "postgres":
        pytest.skip(
            "this run serves the registry from SQLite; the PostgreSQL restart is "
            "tested in the PostgreSQL run"
        )
    reason = unavailable()
    if reason:
        pytest.skip(f"no private PostgreSQL server to restart: {reason}")
    server = PrivatePostgres.create()
    try:
        prepare(server.url)
        yield server
    finally:
        server.destroy()


@dataclass
class Attempt:
    kind: str
    started: float
    ended: float
    ok: bool  # a typed answer: the request was served
    written: tuple[str, int] | None = None  # (table, id) of an acknowledged write
    failure: str = ""


@dataclass
class Load:
    api: Api
    agencies: list[Fresh]
    attempts: list[Attempt] = field(default_factory=list)

    async def attempt(
        self,
        kind: str,
        document: str,
        input: dict[str, Any] | None,
        token: str | None,
        table: str | None = None,
        then: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        started = time.monotonic()
        variables = {"input": input} if input is not None else {}
        try:
            response = await self.api.post(document, variables, token)
        except httpx.TimeoutException:
            self.attempts.append(Attempt(kind, started, time.monotonic(), False, failure="TIMEOUT"))
            return
        except httpx.TransportError as exc:
            self.attempts.append(
                Attempt(kind, started, time.monotonic(), False, failure=f"transport: {exc!r}")
            )
            return
        ended = time.monotonic()
        body = _json(response)
        if response.status_code != 200 or body is None or body.get("errors"):
            self.attempts.append(
                Attempt(
                    kind, started, ended, False, failure=f"{response.status_code} {response.text}"
                )
            )
            return
        (payload,) = body["data"].values()
        written = None
        if table is not None and payload.get("__typename", "").endswith("Success"):
            written = (table, pk(payload[table]["id"]))
        self.attempts.append(Attempt(kind, started, ended, True, written))
        if written and then is not None:
            await then(payload)

    async def writer(self, n: int, running: asyncio.Event) -> None:
        province = self.api.token(Role.PROVINCE)
        for i in itertools.count():
            if not running.is_set():
                return
            agency = self.agencies[(n + i) % len(self.agencies)]
            step = (n + i) % 5
            if step == 0:
                code = credit_code()
                await self.attempt(
                    "registerAgency",
                    REGISTER_AGENCY,
                    {
                        "name": f"重启测试机构{code[-6:]}",
                        "creditCode": code,
                        "kind": "EMPLOYER",
                        "isCollege": False,
                        "level": "CITY",
                        "filingRegionCode": "350100",
                    },
                    province,
                    "agency",
                )
            elif step == 1:
                await self.attempt(
                    "addSite",
                    ADD_SITE,
                    {
                        "agencyId": agency.id,
                        "name": f"考点{i}",
                        "address": address("350100"),
                        "regionCode": "350100",
                        "tenure": "OWNED",
                        "hasVideoSurveillance": True,
                    },
                    agency.token,
                    "site",
                )
            elif step == 2:
                await self.attempt(
                    "recordInspection",
                    RECORD_INSPECTION,
                    {
                        "agencyId": agency.id,
                        "kind": "EXTERNAL",
                        "mode": "EVERY_EXAM",
                        "date": DAY.isoformat(),
                        "result": "QUALIFIED" if i % 3 else "UNQUALIFIED",
                    },
                    province,
                    "inspection",
                )
            elif step == 3:
                await self.attempt(
                    "issueSanction",
                    ISSUE_SANCTION,
                    {
                        "agencyId": agency.id,
                        "article": 21,
                        "clause": 1 + i % 9,
                        "facts": "重启期间的约谈",
                    },
                    province,
                    "sanction",
                )
            else:

                async def approve(payload: dict[str, Any]) -> None:
                    await self.attempt(
                        "decideFiling",
                        DECIDE_FILING,
                        {"filingId": payload["filing"]["id"], "approve": True},
                        province,
                        "filing",
                    )

                await self.attempt(
                    "submitFiling",
                    SUBMIT_FILING,
                    {"agencyId": agency.id, "kind": "INFO_CHANGE", "newName": f"重启后更名{n}-{i}"},
                    agency.token,
                    "filing",
                    then=approve,
                )

    async def reader(self, n: int, running: asyncio.Event) -> None:
        tokens = [self.api.token(Role.PROVINCE), None, self.agencies[n].token]
        for i in itertools.count():
            if not running.is_set():
                return
            await self.attempt("read", READ, None, tokens[i % len(tokens)])


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def recovered_after(attempts: list[Attempt], back: float) -> float | None:
    """Seconds from `back` to the start of the run of successes that lasts to the end: every
    request started from then on was served. None if the last request failed."""
    failures = [a.started for a in attempts if not a.ok]
    last_failure = max(failures, default=back)
    later = [a.started for a in attempts if a.started > last_failure]
    if not later:
        return None
    return max(0.0, min(later) - back)


# What an acknowledged write must show afterwards, beyond existing: (column, value).
SHOWS = {"decideFiling": ("status", "APPROVED"), "issueSanction": ("status", "EFFECTIVE")}


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_the_server_recovers_from_a_postgres_restart_without_losing_writes(
    private_postgres: PrivatePostgres, mode: str
) -> None:
    """`fast`: a clean shutdown that cuts every session; `immediate`: a crash, and WAL
    recovery on the next start."""
    pg = private_postgres
    async with (
        serving(pg.url, DAY) as server,
        httpx.AsyncClient(
            base_url=server.url,
            timeout=httpx.Timeout(REQUEST_TIMEOUT),
            limits=httpx.Limits(max_connections=WRITERS + READERS + 4),
        ) as client,
    ):
        api = HttpApi(client)
        agencies = [await make_agency(api) for _ in range(WRITERS)]
        load = Load(api, agencies)
        running = asyncio.Event()
        running.set()
        tasks = [asyncio.create_task(load.writer(n, running)) for n in range(WRITERS)]
        tasks += [asyncio.create_task(load.reader(n, running)) for n in range(READERS)]
        try:
            await asyncio.sleep(WARM_UP)
            down = time.monotonic()
            await asyncio.to_thread(pg.stop, mode)
            await asyncio.sleep(OUTAGE)
            await asyncio.to_thread(pg.start)
            back = time.monotonic()
            await asyncio.sleep(AFTER)
        finally:
            running.clear()
            await asyncio.gather(*tasks)
        assert server.process.poll() is None, "the registry process died:\n" + server.output()
        log = server.output()

    attempts = load.attempts
    failed = [a for a in attempts if not a.ok]
    summary = f"{len(attempts)} requests, {len(failed)} failed; PostgreSQL down {back - down:.1f}s"
    print(summary)
    # The restart hit the load, and the load went on around it.
    assert failed, f"no request failed: the restart was not felt ({summary})"
    assert any(a.started < down for a in attempts if a.ok)
    # Bounded and masked while the database is away.
    slow = [a for a in attempts if a.ended - a.started >= REQUEST_TIMEOUT - 0.5]
    assert not slow, [(a.kind, a.failure) for a in slow]
    leaked = [a.failure for a in failed if any(w in a.failure for w in LEAKS)]
    assert not leaked, leaked[:3]
    # Recovered by itself, soon.
    recovery = recovered_after(attempts, back)
    assert recovery is not None and recovery <= RECOVERY_LIMIT, (
        f"{summary}; still failing {AFTER}s after PostgreSQL came back: "
        f"{[(a.kind, a.failure[:200]) for a in failed if a.started > back][:5]}\n{log}"
    )
    print(f"every request served again {recovery:.2f}s after PostgreSQL was back")
    served_late = {a.kind for a in attempts if a.ok and a.started > back + recovery}
    assert {
        "registerAgency",
        "addSite",
        "recordInspection",
        "issueSanction",
        "submitFiling",
        "read",
    } <= served_late, served_late

    # Every acknowledged write is there, with the event that made it.
    conn = await asyncpg.connect(plain_dsn(pg.url))
    try:
        missing = []
        for a in attempts:
            if a.written is None:
                continue
            table, key = a.written
            row = await conn.fetchrow(f"SELECT * FROM {table} WHERE id = $1", key)
            column, value = SHOWS.get(a.kind, ("id", key))
            if row is None or row[column] != value:
                missing.append(
                    f"{a.kind}: {table} {key} acknowledged, but the database has "
                    f"{dict(row) if row else 'no such row'}"
                )
        registered = [
            a.written[1] for a in attempts if a.written is not None and a.written[0] == "agency"
        ]
    finally:
        await conn.close()
    assert not missing, missing
    problems = await all_invariants(pg.url, [a.pk for a in agencies] + registered, DAY)
    assert not problems, "\n".join(problems)
