"""Prometheus metrics of /graphql, served at /metrics in the text exposition format.

- `registry_requests_total{operation,role,status}`: requests answered, by HTTP status.
- `registry_request_duration_seconds{operation,role}`: time from the request's arrival to the
  last byte of the answer.
- `registry_graphql_errors_total{code}`: errors in answers, by `extensions.code`.
- `registry_db_pool_connections{state}`: PostgreSQL pool connections `in_use` and `idle` (none
  on SQLite, which has no pool).

`operation` is the request's `operationName` when it is a plain GraphQL name of at most 64
characters (`invalid` otherwise, `anonymous` when absent, `batch` for a batch, `unknown` when
the request was refused before its body was read, `other` once a process has seen
MAX_OPERATIONS distinct names), so a hostile client cannot grow the label set without bound.
`role` is the verified token's role, `unauthenticated` when the token was refused and
`unchecked` when the request was refused before its token was looked at.

Several worker processes (uvicorn `--workers`): start them with PROMETHEUS_MULTIPROC_DIR set to
a directory writable by all of them and emptied before each start (`reset_multiprocess_dir()`
in the process that starts the workers). Each worker then writes its samples there and
whichever worker answers /metrics reports the sum over all of them; the pool gauge is then the
sum of each live worker's pool as of its latest request or scrape (a worker removes its share
when it stops). Without the variable each process counts on its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import orjson
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import values as prometheus_values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.requests import Request
from starlette.responses import Response
from tortoise.connection import get_connection

OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
ERROR_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
MAX_OPERATIONS = 500
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
POOL = "registry_db_pool_connections"
POOL_HELP = "Database pool connections by state (PostgreSQL only), read at scrape time"


def multiprocess() -> bool:
    """prometheus-client decides once, when imported, from PROMETHEUS_MULTIPROC_DIR."""
    return bool(getattr(prometheus_values.ValueClass, "_multiprocess", False))


def pool_usage() -> tuple[int, int] | None:
    """(in use, idle) connections of tortoise's asyncpg pool; None without a pool."""
    try:
        client = get_connection("default")
    except Exception:
        return None
    pool = getattr(client, "_pool", None)  # tortoise's asyncpg client keeps an asyncpg.Pool
    if pool is None or not hasattr(pool, "get_idle_size"):
        return None
    size, idle = int(pool.get_size()), int(pool.get_idle_size())
    return size - idle, idle


class PoolCollector:
    """Reads the pool when scraped (one process: the pool is this process's)."""

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(POOL, POOL_HELP, labels=["state"])]

    def collect(self) -> Iterator[Metric]:
        usage = pool_usage()
        if usage is None:
            return
        family = GaugeMetricFamily(POOL, POOL_HELP, labels=["state"])
        family.add_metric(["in_use"], usage[0])
        family.add_metric(["idle"], usage[1])
        yield family


_operations: set[str] = set()


def operation_label(name: object) -> str:
    """A bounded label for a request's operationName (see the module's docstring)."""
    if name is None or name == "":
        return "anonymous"
    if not isinstance(name, str) or not OPERATION_NAME.fullmatch(name):
        return "invalid"
    if name not in _operations:
        if len(_operations) >= MAX_OPERATIONS:
            return "other"
        _operations.add(name)
    return name


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    duration: Histogram
    errors: Counter
    pool: Gauge | None  # multiprocess mode only: set by each worker, summed at scrape time

    def observe(
        self, operation: str, role: str, status: int, seconds: float, codes: Iterable[str]
    ) -> None:
        self.requests.labels(operation, role, str(status)).inc()
        self.duration.labels(operation, role).observe(seconds)
        for code in codes:
            self.errors.labels(code if ERROR_CODE.fullmatch(code) else "OTHER").inc()
        if self.pool is not None:
            self.sample_pool()

    def sample_pool(self) -> None:
        usage = pool_usage()
        if self.pool is not None and usage is not None:
            self.pool.labels("in_use").set(usage[0])
            self.pool.labels("idle").set(usage[1])

    def exposition(self) -> bytes:
        if not multiprocess():
            return generate_latest(self.registry)
        self.sample_pool()
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


@cache
def metrics() -> Metrics:
    """The process's metrics, made on first use (only when REGISTRY_METRICS is on)."""
    # No `_created` series: a timestamp per label set doubles the series for no query we need.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    shared = multiprocess()
    if shared:
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    # Our own registry, not prometheus-client's global one: only these metrics are exported,
    # and in multiprocess mode the scrape builds a fresh one from the workers' files.
    registry = CollectorRegistry()
    requests = Counter(
        "registry_requests_total",
        "GraphQL requests answered",
        ["operation", "role", "status"],
        registry=registry,
    )
    duration = Histogram(
        "registry_request_duration_seconds",
        "Time to answer a GraphQL request",
        ["operation", "role"],
        buckets=BUCKETS,
        registry=registry,
    )
    errors = Counter(
        "registry_graphql_errors_total",
        "Errors in GraphQL answers, by extensions.code",
        ["code"],
        registry=registry,
    )
    pool = None
    if shared:
        pool = Gauge(POOL, POOL_HELP, ["state"], registry=registry, multiprocess_mode="livesum")
    else:
        registry.register(PoolCollector())
    return Metrics(registry, requests, duration, errors, pool)


def reset_multiprocess_dir() -> None:
    """For the process that starts the workers, before it starts them: the samples of a
    previous run must not be added to this one's. Does nothing without PROMETHEUS_MULTIPROC_DIR."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def forget_process() -> None:
    """At a worker's exit: its live gauges leave the sums (multiprocess mode)."""
    if multiprocess():
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def error_codes(body: bytes) -> list[str]:
    """The `extensions.code` of every error in a GraphQL answer (or a batch of them). Only
    answers with errors are read back."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    codes: list[str] = []
    for result in document if isinstance(document, list) else [document]:
        errors = result.get("errors") if isinstance(result, dict) else None
        for error in errors if isinstance(errors, list) else []:
            extensions = error.get("extensions") if isinstance(error, dict) else None
            code = extensions.get("code") if isinstance(extensions, dict) else None
            codes.append(code if isinstance(code, str) else "NONE")
    return codes


async def metrics_endpoint(request: Request) -> Response:
    return Response(
        metrics().exposition(),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
