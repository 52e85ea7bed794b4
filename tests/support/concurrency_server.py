"""A real registry server for the concurrency and fault tests: a separate process running uvicorn
on a free port, with its own connection pool, so requests arrive over TCP and run truly side by
side on separate database connections. The registry's day can be fixed (`day`), as `api_on`
does in process, so date rules (5 working days, renewal windows) do not depend on when CI runs.

`python -m tests.support.concurrency_server --port P [--day YYYY-MM-DD]` serves the database
DATABASE_URL names (already migrated); `serving(...)` starts one, waits until /healthz answers
and stops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from tests.support.http_api import Api

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def HttpApi(client: httpx.AsyncClient) -> Api:  # noqa: N802 - used like the class it was
    """The `api` fixture's client, speaking to a server process instead of the app in process,
    so the builders of the other tests work unchanged."""
    from server.settings import Settings
    from tests.support.http_api import Api

    return Api(client, Settings())


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """What the server wrote so far (for a failing test's message)."""
        return self.log.read_text(errors="replace")[-5000:]


@asynccontextmanager
async def serving(
    database_url: str,
    day: date | None = None,
    *,
    start_timeout: float = 30.0,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Server]:
    """`env` adds to or overrides the server's environment (e.g. REDIS_URL and rate limits
    for replicas sharing a count, REGISTRY_GRACEFUL_SHUTDOWN_SECONDS)."""
    port = free_port()
    command = [sys.executable, "-m", "tests.support.concurrency_server", "--port", str(port)]
    if day is not None:
        command += ["--day", day.isoformat()]
    # Rate limits are off unless `env` sets them, as for the app the other tests drive: the
    # load comes from one address and a few tokens, and what is measured is the database.
    # uvicorn logs warnings and errors only (access lines at "info").
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REGISTRY_ENV": "development",
        "REGISTRY_RATE_LIMIT_ANONYMOUS": "",
        "REGISTRY_RATE_LIMIT_SIGNED_IN": "",
        "REGISTRY_LOG_LEVEL": "warning",
        **(env or {}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        process = _spawn(command, env, log)
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            await _until_healthy(server, start_timeout)
            yield server
        finally:
            await asyncio.to_thread(_stop, process)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


async def _until_healthy(server: Server, within: float) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=server.url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited ({server.process.returncode}):\n{server.output()}"
                )
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within {within}s:\n{server.output()}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.support.concurrency_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    args = parser.parse_args(argv)

    import uvicorn

    from server.app import create_app
    from server.clock import TIMEZONE
    from server.settings import Settings

    day: date | None = args.day
    clock = None
    if day is not None:

        def clock() -> datetime:
            return datetime(day.year, day.month, day.day, 10, tzinfo=TIMEZONE)

    settings = Settings()
    app = create_app(settings, clock=clock)
    # Served as `registry serve` serves: client addresses from trusted proxies' headers, and
    # in-flight requests given the graceful period after SIGTERM.
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level=settings.log_level,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
