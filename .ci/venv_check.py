"""Exit 0 when this interpreter's environment is the one a lock file describes: every pinned
distribution (whose markers apply here) installed at its pinned version, nothing else but pip,
and the libraries with compiled parts importable. .ci/run runs it on its cached environment
and rebuilds the environment on any other exit status.

Usage: python .ci/venv_check.py requirements/ci.txt
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

# Imported, not only looked up: the libraries with compiled parts (a half-written or foreign-built
# extension fails here). Every other distribution is checked by its installed version.
IMPORTS = (
    "asyncpg",
    "orjson",
    "pydantic_core",
    "cryptography.hazmat.bindings._rust",
    "_cffi_backend",
    "uvloop",
    "httptools",
    "watchfiles",
    "yaml",
    "websockets",
    "pytest",
    "hypothesis",
    "mypy.version",
)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: Path) -> list[Requirement]:
    found = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line[:1].isalnum():
            requirement = Requirement(line.rstrip(" \\"))
            if requirement.marker is None or requirement.marker.evaluate():
                found.append(requirement)
    return found


def problems(lock: Path) -> list[str]:
    found = []
    for requirement in pinned(lock):
        (spec,) = requirement.specifier
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{requirement.name} is not installed")
            continue
        if installed != spec.version:
            found.append(f"{requirement.name} {installed} installed, {spec.version} locked")
    # Nothing else, above all not the project: the environment is shared by every clone, each
    # of which installs itself into a virtualenv of its own on top of it.
    locked = {canonical(r.name) for r in pinned(lock)} | {"pip"}
    found.extend(
        f"{dist.metadata['Name']} is installed but not locked"
        for dist in importlib.metadata.distributions()
        if canonical(dist.metadata["Name"]) not in locked
    )
    for module in IMPORTS:
        try:
            importlib.import_module(module)
        except Exception as exc:  # any failure means "rebuild"
            found.append(f"import {module}: {exc!r}")
    return found


if __name__ == "__main__":
    wrong = problems(Path(sys.argv[1]))
    for problem in wrong:
        print(f"  {problem}", file=sys.stderr)
    sys.exit(1 if wrong else 0)
