"""`python -m bench`: seed, serve, load, report (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench import loadgen, report, servers
from bench.workload import Case, Workload, Writes
from server.clock import today
from server.settings import Settings

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "latest.md"
PRODUCT_PORT, FLOOR_PORT = 8731, 8732
# The queries at the largest size; the smaller sizes repeat the floor and Q2.
ALL_CASES = ("floor", "q1_public", "q2_city", "q2_province", "q3_province", "q4_agency")
SMALL_CASES = ("floor", "q2_city", "q2_province")


@dataclass
class Row:
    n: int
    case: Case
    measured: loadgen.Measured


@dataclass
class Dataset:
    n: int
    seed_seconds: float
    rows: list[Row] = field(default_factory=list)
    rss: dict[str, list[float]] = field(default_factory=dict)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--sizes", default="1000,10000", help="agencies per dataset")
    p.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="server to create the registry_bench_* databases on",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="uvicorn workers, for the registry and the floor alike",
    )
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--seconds", type=int, default=10, help="measured seconds per query")
    p.add_argument("--warmup", type=int, default=3, help="warm-up seconds per query")
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure the queries of a dataset this many times, interleaved, and "
        "report each one's median round (Q4 writes: one round)",
    )
    p.add_argument(
        "--revision",
        help="serve this git revision (exported to a temporary "
        "directory) instead of the working tree",
    )
    p.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database that already holds the dataset instead of reseeding",
    )
    return p.parse_args(argv)


def database_url(server: str, n: int) -> str:
    parts = urlsplit(server)
    name = f"registry_bench_{n // 1000}k" if n % 1000 == 0 else f"registry_bench_{n}"
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))


def dsn(url: str) -> str:
    return urlunsplit(("postgresql", *urlsplit(url)[1:]))


@contextmanager
def product_tree(revision: str | None) -> Iterator[Path]:
    """The code to seed and serve: the working tree, or `revision` exported from git."""
    if revision is None:
        yield REPO
        return
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", revision],
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def product_env(tree: Path, url: str, secret: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REGISTRY_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return {
        **env,
        "PYTHONPATH": str(tree),
        "DATABASE_URL": url,
        "REGISTRY_ENV": "production",
        "REGISTRY_JWT_SECRET": secret,
        "REGISTRY_RATE_LIMIT_ANONYMOUS": "",
        "REGISTRY_RATE_LIMIT_SIGNED_IN": "",
    }


def registry(tree: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from server.cli import main; main()", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"registry {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


async def agencies_in(url: str) -> int | None:
    try:
        conn = await asyncpg.connect(dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        return int(await conn.fetchval("SELECT count(*) FROM agency"))
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def recreate(server: str, url: str) -> None:
    conn = await asyncpg.connect(
        dsn(urlunsplit(("postgres", urlsplit(server).netloc, "/postgres", "", "")))
    )
    name = urlsplit(url).path.lstrip("/")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def prepare(args: argparse.Namespace, tree: Path, n: int, env: dict[str, str]) -> float:
    """Create, migrate and seed the dataset; the seconds it took (0 when reused)."""
    url = env["DATABASE_URL"]
    if args.reuse and asyncio.run(agencies_in(url)) == n:
        print(f"N = {n:,}: reusing {urlsplit(url).path.lstrip('/')}", file=sys.stderr)
        return 0.0
    started = time.perf_counter()
    asyncio.run(recreate(args.postgres, url))
    registry(tree, env, "migrate")
    print(registry(tree, env, "seed", "--scale", str(n)), file=sys.stderr)
    return time.perf_counter() - started


def post(url: str, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def check(case: Case, url: str) -> dict[str, Any]:
    """One request before the load: a wrong answer fails the run instead of being timed."""
    token, body = case.first()
    answer = post(url, token, body)
    text = json.dumps(answer, ensure_ascii=False)
    if answer.get("errors") or case.expect not in text:
        sys.exit(f"{case.key}: unexpected answer {text[:2000]}")
    return answer


def measure(
    case: Case, server: servers.Server, args: argparse.Namespace, warm: bool = True
) -> loadgen.Measured:
    load = loadgen.Load(args.threads, args.connections, args.seconds)
    if warm and args.warmup:
        loadgen.run(server.url, case.warmup, load, args.warmup, case.expect)
        servers.settle(server)
    measured = loadgen.run(server.url, case.requests, load, args.seconds, case.expect)
    servers.settle(server)
    print(
        f"  {case.key:12} {measured.rps:8.1f} req/s  p50 {measured.p50_ms:7.1f} ms  "
        f"p99 {measured.p99_ms:7.1f} ms  failures {measured.failures}",
        file=sys.stderr,
    )
    return measured


def run_dataset(
    args: argparse.Namespace, tree: Path, n: int, secret: str, folder: Path, largest: bool
) -> Dataset:
    url = database_url(args.postgres, n)
    env = product_env(tree, url, secret)
    dataset = Dataset(n, prepare(args, tree, n, env))
    settings = Settings(REGISTRY_ENV="production", REGISTRY_JWT_SECRET=secret)
    work = Workload(dsn(url), settings, today(), folder)
    floor_env = {**os.environ, "BENCH_DSN": dsn(url), "REGISTRY_JWT_SECRET": secret}
    product = servers.start(
        "registry", "server.asgi:app", PRODUCT_PORT, args.workers, env, tree, folder
    )
    try:
        floor = servers.start(
            "floor", "bench.floor:app", FLOOR_PORT, args.workers, floor_env, REPO, folder
        )
        try:
            # Interleaved rounds, so a slow spell of a shared machine lands on every query
            # rather than on one; each query is reported by its median round.
            rounds: dict[str, list[tuple[Case, loadgen.Measured]]] = {}
            for number in range(max(1, args.rounds)):
                for key in ALL_CASES if largest else SMALL_CASES:
                    if key == "q4_agency" and number:
                        continue
                    rounds.setdefault(key, []).append(
                        run_case(key, work, product, floor, args, warm=number == 0)
                    )
            for measured in rounds.values():
                ranked = sorted(measured, key=lambda pair: pair[1].rps)
                dataset.rows.append(Row(n, *ranked[(len(ranked) - 1) // 2]))
            dataset.rss = {"registry": product.rss_mib(), "floor": floor.rss_mib()}
        finally:
            floor.stop()
    finally:
        product.stop()
    return dataset


def run_case(
    key: str,
    work: Workload,
    product: servers.Server,
    floor: servers.Server,
    args: argparse.Namespace,
    warm: bool = True,
) -> tuple[Case, loadgen.Measured]:
    case: Case = getattr(work, key)()
    if key == "floor":
        if check(work.q2_city(), product.url) != check(case, floor.url):
            sys.exit("the floor's answer differs from the registry's Q2 answer")
        return case, measure(case, floor, args, warm)
    if key != "q4_agency":
        check(case, product.url)
        return case, measure(case, product, args, warm)
    writes = Writes(work.dsn)
    asyncio.run(writes.mark())
    try:
        return case, measure(case, product, args)
    finally:
        removed = asyncio.run(writes.undo())
        print(f"  q4_agency: removed the {removed:,} filings it submitted", file=sys.stderr)


def cpu_model() -> str:
    for text in Path("/proc/cpuinfo").read_text().splitlines():
        if text.startswith("model name"):
            return text.split(":", 1)[1].strip()
    return "unknown CPU"


def postgres_version(server: str) -> str:
    async def ask() -> str:
        conn = await asyncpg.connect(
            dsn(urlunsplit(("postgres", urlsplit(server).netloc, "/postgres", "", "")))
        )
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return asyncio.run(ask())


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run bench/run, which installs it with apt-get")
    started = time.perf_counter()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    load_before = os.getloadavg()
    secret = secrets.token_urlsafe(48)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", args.revision or "HEAD"],
        capture_output=True,
        text=True,
    ).stdout
    datasets = []
    with product_tree(args.revision) as tree, tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            print(f"N = {n:,}", file=sys.stderr)
            datasets.append(run_dataset(args, tree, n, secret, Path(tmp), n == sizes[-1]))
    context = report.Context(
        commit=commit.strip() + ("" if args.revision else " (working tree)"),
        cpus=os.cpu_count() or 0,
        cpu=cpu_model(),
        postgres=postgres_version(args.postgres),
        workers=args.workers,
        threads=args.threads,
        connections=args.connections,
        seconds=args.seconds,
        warmup=args.warmup,
        rounds=max(1, args.rounds),
        load_before=load_before,
        load_after=os.getloadavg(),
        total_seconds=time.perf_counter() - started,
    )
    text = report.markdown(context, datasets)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
