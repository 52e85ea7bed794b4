"""One wrk run over a file of requests (bench/wrk.lua), and what it measured."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk.lua")


@dataclass(frozen=True)
class Load:
    threads: int
    connections: int
    seconds: int


@dataclass(frozen=True)
class Measured:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    not_ok: int  # answers other than HTTP 200
    graphql_errors: int
    expected: int  # answers containing the expected text
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def failures(self) -> int:
        return self.not_ok + self.graphql_errors + self.socket_errors


def run(url: str, requests: Path, load: Load, seconds: int, expect: str) -> Measured:
    env = {
        **os.environ,
        "BENCH_REQUESTS": str(requests),
        "BENCH_THREADS": str(load.threads),
        "BENCH_EXPECT": expect,
    }
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA),
        url,
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_RESULT "))
    r = json.loads(line.removeprefix("BENCH_RESULT "))
    return Measured(
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        not_ok=r["not_ok"],
        graphql_errors=r["graphql_errors"],
        expected=r["expected"],
        socket_errors=r["socket_errors"],
    )
