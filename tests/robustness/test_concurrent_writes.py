"""Conflicting writes at once, over HTTP, on PostgreSQL: 50 mutations fired together at a real
server process (uvicorn, its own pool of 20 connections), each group aimed at the same rows:

- Art. 12: five approvals and three imports racing for two (site, occupation) pairs;
- one open filing per kind: five INFO_CHANGE and three TERMINATION applications of one agency;
- the sanction ladder: six Art. 21 sanctions on one agency at once must come out as one
  interview, one rectification (22.1) and one revocation (23.1), then "not filed";
- no lost agency fields: on each of four agencies at once, the approval of a name change, a
  rectification, a termination, an upgrade recommendation and its approval, an inspection and a
  new application. Whatever order they commit in, the row must hold every change that
  succeeded, and the audit trail must chain from one change to the next.

Every response is a typed answer (never an internal error); afterwards the registry's invariant
suite (`models/invariants`, `registry check`) must find nothing among the agencies involved.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from models.enums import Role
from tests.support.builders import DAY, items, make_agency, outcome, pk, register, submit
from tests.support.concurrency_invariants import all_invariants, plain_dsn
from tests.support.concurrency_server import HttpApi, serving
from tests.support.documents import (
    APPROVE_UPGRADE,
    DECIDE_FILING,
    IMPORT_FILING,
    ISSUE_SANCTION,
    RECOMMEND_UPGRADE,
    RECORD_INSPECTION,
    SUBMIT_FILING,
    TERMINATE_AGENCY,
)

pytestmark = pytest.mark.long

TEAHOUSE = (("4-03-02-07", "茶艺师"),)
WELDER = (("6-18-02-04", "焊工"),)
NEW_NAME = "更名后的评价机构"
NEW_REPRESENTATIVE = "李新"


@pytest.fixture(autouse=True)
def _postgres_only(database: str) -> None:
    if database != "postgres":
        pytest.skip(
            "concurrent writers need PostgreSQL: SQLite runs one write transaction at "
            "a time on its one connection, so nothing here could interleave"
        )


def with_pool(url: str, size: int) -> str:
    """The database URL with a larger connection pool for the server than the default 5."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(minsize="1", maxsize=str(size))
    return urlunsplit(parts._replace(query=urlencode(query)))


class Load:
    """Mutations to fire together; each keeps its label and, afterwards, its typed answer."""

    def __init__(self, dsn: str) -> None:
        self.api: Any = None
        self.dsn = dsn  # raw SQL on the test database
        self.agencies: list[int] = []  # every agency the test made
        self.calls: list[tuple[str, str, dict[str, Any], str | None]] = []
        self.results: dict[str, list[dict[str, Any]]] = {}

    def add(self, label: str, document: str, input: dict[str, Any], token: str | None) -> None:
        self.calls.append((label, document, input, token))

    async def fire(self) -> None:
        async def one(document: str, input: dict[str, Any], token: str | None) -> dict[str, Any]:
            response = await self.api.post(document, {"input": input}, token)
            assert response.status_code == 200, response.text
            body = response.json()
            assert not body.get("errors"), body["errors"]  # a typed answer, never a crash
            (payload,) = body["data"].values()
            return dict(payload)

        answers = await asyncio.gather(*(one(d, i, t) for _, d, i, t in self.calls))
        for (label, *_), answer in zip(self.calls, answers, strict=True):
            self.results.setdefault(label, []).append(answer)

    def outcomes(self, label: str) -> Counter[str]:
        return Counter(_code(r) for r in self.results[label])

    def succeeded(self, label: str) -> bool:
        (answer,) = self.results[label]
        return outcome(answer) == "ok"


def _code(result: dict[str, Any]) -> str:
    kind = outcome(result)
    return f"{kind}:{result['code']}" if kind == "RuleViolation" else kind


async def _art12(api: Any, load: Load) -> Callable[[], Awaitable[None]]:
    owner = await make_agency(api, occupations=TEAHOUSE)
    venue = owner.site_ids[0]  # public: on the owner's approved filing, for 茶艺师 only
    claimants = [await register(api) for _ in range(5)]
    for c in claimants:
        answer = await submit(api, c, "INITIAL", items=items([venue]))
        assert answer["__typename"] == "SubmitFilingSuccess", answer
        load.add(
            "approve",
            DECIDE_FILING,
            {"filingId": answer["filing"]["id"], "approve": True},
            api.token(Role.PROVINCE),
        )
    for _ in range(3):
        importer = await register(api)
        claimants.append(importer)
        load.add(
            "import",
            IMPORT_FILING,
            {"agencyId": importer.id, "validFrom": "2025-06-02", "items": items([venue], WELDER)},
            api.token(Role.PROVINCE),
        )
    load.agencies += [owner.pk, *(c.pk for c in claimants)]

    async def check() -> None:
        for label in ("approve", "import"):
            taken = len(load.results[label]) - 1
            assert load.outcomes(label) == {
                "ok": 1,
                "RuleViolation:SITE_OCCUPATION_TAKEN": taken,
            }, (label, load.results[label])
            assert all(r["article"] == 12 for r in load.results[label] if "article" in r)

    return check


async def _open_filings(api: Any, load: Load) -> Callable[[], Awaitable[None]]:
    agency = await make_agency(api)
    load.agencies.append(agency.pk)
    for n in range(5):
        load.add(
            "info",
            SUBMIT_FILING,
            {"agencyId": agency.id, "kind": "INFO_CHANGE", "newName": f"{NEW_NAME}{n}"},
            agency.token,
        )
    for _ in range(3):
        load.add(
            "termination",
            SUBMIT_FILING,
            {"agencyId": agency.id, "kind": "TERMINATION"},
            agency.token,
        )

    async def check() -> None:
        assert load.outcomes("info") == {"ok": 1, "RuleViolation:OPEN_FILING": 4}, load.results[
            "info"
        ]
        assert load.outcomes("termination") == {"ok": 1, "RuleViolation:OPEN_FILING": 2}, (
            load.results["termination"]
        )

    return check


async def _ladder(api: Any, load: Load) -> Callable[[], Awaitable[None]]:
    agency = await make_agency(api)
    load.agencies.append(agency.pk)
    for clause in range(1, 7):
        load.add(
            "ladder",
            ISSUE_SANCTION,
            {"agencyId": agency.id, "article": 21, "clause": clause, "facts": "同时提出的约谈"},
            api.token(Role.PROVINCE),
        )

    async def check() -> None:
        answers = load.results["ladder"]
        assert load.outcomes("ladder") == {"ok": 3, "RuleViolation:NOT_FILED": 3}, answers
        issued = sorted(
            (r["sanction"] for r in answers if outcome(r) == "ok"), key=lambda s: pk(s["id"])
        )
        assert [(s["article"], s["grade"]) for s in issued] == [
            (21, "INTERVIEW"),
            (22, "RECTIFICATION"),
            (23, "REVOCATION"),
        ], issued
        assert [s["clause"] for s in issued[1:]] == [1, 1], issued
        assert issued[0]["escalatedFrom"] is None
        assert issued[1]["escalatedFrom"]["id"] == issued[0]["id"]
        assert issued[2]["escalatedFrom"]["id"] == issued[1]["id"]

    return check


async def _fields(api: Any, load: Load, n: int) -> Callable[[], Awaitable[None]]:
    agency = await make_agency(api, region="350200")
    load.agencies.append(agency.pk)
    info = await submit(
        api,
        agency,
        "INFO_CHANGE",
        newName=f"{NEW_NAME}{agency.credit_code}",
        newLegalRepresentative=NEW_REPRESENTATIVE,
    )
    assert info["__typename"] == "SubmitFilingSuccess", info
    province, city = api.token(Role.PROVINCE), api.token(Role.CITY, region="350200")
    tag = f"fields{n}"
    load.add(
        f"{tag}:info", DECIDE_FILING, {"filingId": info["filing"]["id"], "approve": True}, province
    )
    load.add(
        f"{tag}:rectify",
        ISSUE_SANCTION,
        {"agencyId": agency.id, "article": 22, "clause": 2, "facts": "同时发出的整改通知"},
        province,
    )
    load.add(
        f"{tag}:terminate",
        TERMINATE_AGENCY,
        {"agencyId": agency.id, "reason": "VOLUNTARY"},
        province,
    )
    load.add(f"{tag}:recommend", RECOMMEND_UPGRADE, {"agencyId": agency.id, "basis": [1]}, city)
    load.add(f"{tag}:upgrade", APPROVE_UPGRADE, {"agencyId": agency.id}, province)
    load.add(
        f"{tag}:inspect",
        RECORD_INSPECTION,
        {
            "agencyId": agency.id,
            "kind": "EXTERNAL",
            "mode": "EVERY_EXAM",
            "date": DAY.isoformat(),
            "result": "UNQUALIFIED",
        },
        province,
    )
    load.add(
        f"{tag}:apply", SUBMIT_FILING, {"agencyId": agency.id, "kind": "TERMINATION"}, agency.token
    )

    async def check() -> None:
        ok = {
            op: load.succeeded(f"{tag}:{op}")
            for op in ("info", "rectify", "terminate", "recommend", "upgrade", "inspect", "apply")
        }
        conn = await asyncpg.connect(load.dsn)
        try:
            row = await conn.fetchrow("SELECT * FROM agency WHERE id = $1", agency.pk)
        finally:
            await conn.close()
        assert row is not None
        expected_state = (
            "TERMINATED" if ok["terminate"] else "SUSPENDED" if ok["rectify"] else "ACTIVE"
        )
        assert row["state"] == expected_state, (ok, dict(row))
        renamed = (f"{NEW_NAME}{agency.credit_code}", NEW_REPRESENTATIVE)
        assert ((row["name"], row["legal_representative"]) == renamed) == ok["info"], (
            ok,
            dict(row),
        )
        assert (row["level"] == "PROVINCIAL") == ok["upgrade"], (ok, dict(row))
        assert (row["filing_region_id"] == "350000") == ok["upgrade"], (ok, dict(row))
        pending = ok["recommend"] and not ok["upgrade"]
        assert (row["upgrade_recommended_at"] is not None) == pending, (ok, dict(row))
        assert ok["inspect"], load.results[f"{tag}:inspect"]

    return check


@pytest.mark.article(12, 22, 23)
async def test_fifty_conflicting_writes_keep_every_invariant(
    api_on: Any, db_url: Any, database: str
) -> None:
    url = db_url[3]
    async with api_on(DAY) as setup:
        load = Load(plain_dsn(url))
        checks = [
            await _art12(setup, load),
            await _open_filings(setup, load),
            await _ladder(setup, load),
        ]
        checks += [await _fields(setup, load, n) for n in range(4)]
    assert len(load.calls) == 50

    async with (
        serving(with_pool(url, 20), DAY) as server,
        httpx.AsyncClient(
            base_url=server.url,
            timeout=httpx.Timeout(30.0),
            limits=httpx.Limits(max_connections=60),
        ) as client,
    ):
        load.api = HttpApi(client)
        started = time.monotonic()
        try:
            await load.fire()
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nserver log:\n{server.output()}") from None
        elapsed = time.monotonic() - started
    print(f"50 concurrent mutations answered in {elapsed:.2f}s")

    # Every group is checked before failing, so one run shows every broken rule.
    problems = []
    for check in checks:
        try:
            await check()
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0][:600])
    problems += await all_invariants(url, load.agencies, DAY)
    assert not problems, "\n".join(problems)
