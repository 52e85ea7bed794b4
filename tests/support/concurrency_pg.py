"""A private PostgreSQL server for the fault tests, which stop and restart it: the cluster the
rest of the suite uses is never touched.

`PrivatePostgres.create()` finds the server binaries (PG_BIN, `pg_config --bindir`, or the
Debian layout /usr/lib/postgresql/<version>/bin), runs initdb into a temporary directory and
starts the server on a free port on 127.0.0.1, with trust authentication for `postgres`.
PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` system user
(`runuser`), which then owns the temporary directory. `unavailable()` says why none can be made
here, for the test's skip message.

`python -m tests.support.concurrency_pg URL` migrates the database URL names and enters the fixed
jurisdictions (in its own process, so the test's own database connections are left alone).
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.concurrency_server import ROOT, free_port

DATABASE = "registry"


def _bin_dir() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(found.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _run_as() -> list[str] | None:
    """The prefix that runs a command as a user PostgreSQL accepts; None if there is none."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return [runuser, "-u", "postgres", "--"] if runuser else None


def unavailable() -> str | None:
    """Why no private server can be started here, or None when one can."""
    if _bin_dir() is None:
        return (
            "no PostgreSQL server binaries (initdb, pg_ctl): install the server package "
            "or point PG_BIN at its bin directory"
        )
    if _run_as() is None:
        return (
            "running as root, and there is no `postgres` user or no runuser to run "
            "PostgreSQL as (it refuses to run as root)"
        )
    return None


@dataclass
class PrivatePostgres:
    bin_dir: Path
    prefix: list[str]
    home: Path
    port: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @classmethod
    def create(cls) -> PrivatePostgres:
        bin_dir, prefix = _bin_dir(), _run_as()
        assert bin_dir is not None and prefix is not None, unavailable()
        home = Path(tempfile.mkdtemp(prefix="registry-pg-"))
        if prefix:
            owner = pwd.getpwnam("postgres")
            os.chown(home, owner.pw_uid, owner.pw_gid)
        server = cls(bin_dir, prefix, home, free_port())
        server._run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        server.start()
        server._run(
            "createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", DATABASE
        )
        return server

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        command = [*self.prefix, str(self.bin_dir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}"
                f"\n{self.server_log()}"
            )

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.home} -c fsync=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


async def _prepare(url: str) -> None:
    from tortoise import Tortoise

    from models.database import migrate, tortoise_config
    from models.region import ensure_jurisdictions

    await migrate(url)
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        await ensure_jurisdictions()
    finally:
        await Tortoise.close_connections()


def prepare(url: str) -> None:
    """Migrate and enter the jurisdictions, in a separate process."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.concurrency_pg", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"preparing {url} failed:\n{done.stderr[-3000:]}")


if __name__ == "__main__":
    asyncio.run(_prepare(sys.argv[1]))
