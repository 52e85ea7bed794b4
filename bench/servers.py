"""uvicorn processes started for a run, and what they weigh afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def workers(self) -> list[int]:
        """The worker processes uvicorn spawned (its children, bar multiprocessing's
        helper)."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"resource_tracker" not in cmdline:
                children.append(int(entry.name))
        return sorted(children) or [self.process.pid]

    def rss_mib(self) -> list[float]:
        return [
            int(line.split()[1]) / 1024
            for pid in self.workers()
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def settle(server: Server, timeout: float = 60) -> None:
    """Wait until requests a finished load left running are done: wrk stops sending at the
    end of its time, but the server still works through what it accepted, which would
    otherwise be charged to the next measurement. Idle is /healthz answering at once,
    several times in a row (each lands on some worker)."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 * max(1, len(server.workers())) and time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=timeout):
            pass
        quick = quick + 1 if time.monotonic() - started < 0.02 else 0
        time.sleep(0.05)


def start(
    name: str, app: str, port: int, workers: int, env: dict[str, str], cwd: Path, logs: Path
) -> Server:
    log = logs / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                pass
            if len(server.workers()) >= workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer /healthz within 60 s:\n{log.read_text()}")
