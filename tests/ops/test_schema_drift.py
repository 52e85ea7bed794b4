"""schema/schema.graphql is the contract the SPA is written against; it must match the code.

Refresh it with: registry export-schema (`registry export-schema --check` only compares).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schema.root import SDL_PATH, sdl
from server.cli import main as registry

pytestmark = pytest.mark.any_backend

ROOT = Path(__file__).resolve().parents[2]


def test_exported_schema_matches_code() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale; regenerate it with `registry export-schema`"
    )


def test_contract_names_are_present() -> None:
    text = sdl()
    for name in (
        "me: Viewer!",
        "regions: [Region!]!",
        "node(id: ID!): Node",
        "agency(id: ID!): Agency",
        "agencies(",
        "sites(",
        "filings(",
        "sanctions(",
        "auditEvents(",
        "registerAgency(input: RegisterAgencyInput!): RegisterAgencyResult!",
        "addSite(input: AddSiteInput!): AddSiteResult!",
        "totalCount: Int!",
        "hasNextPage: Boolean!",
        "endCursor: String",
    ):
        assert name in text, name


def test_export_schema_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.graphql"
    with pytest.raises(SystemExit) as missing:
        registry(["export-schema", "--check", "--output", str(target)])
    assert missing.value.code != 0 and not target.exists()

    target.write_text("type Query { stale: Int }\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stale:
        registry(["export-schema", "--check", "--output", str(target)])
    assert "registry export-schema" in str(stale.value.code)
    assert target.read_text(encoding="utf-8") == "type Query { stale: Int }\n"

    registry(["export-schema", "--output", str(target)])
    assert target.read_text(encoding="utf-8") == sdl()
    registry(["export-schema", "--check", "--output", str(target)])
    assert "matches the code" in capsys.readouterr().out


def test_the_registry_command_checks_this_checkout() -> None:
    """The installed `registry` script (beside this interpreter) runs this checkout's code:
    its --check compares this checkout's schema/schema.graphql, and finds it current."""
    script = Path(sys.executable).parent / "registry"
    assert script.exists(), f"no `registry` script beside {sys.executable}: pip install -e ."
    done = subprocess.run(
        [str(script), "export-schema", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{ROOT / 'schema' / 'schema.graphql'} matches the code" in done.stdout, done.stdout
