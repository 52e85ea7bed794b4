"""schema/ has one shape: a package per noun with the same file set, shared machinery in
schema/core/, result unions built by the one mutation helper (CONTRIBUTING.md)."""

from __future__ import annotations

from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[2] / "schema"
NOUN_FILES = {"__init__.py", "types.py", "queries.py", "mutations.py", "inputs.py", "loaders.py"}


def _nouns() -> list[Path]:
    return [
        d
        for d in SCHEMA.iterdir()
        if d.is_dir() and (d / "__init__.py").exists() and d.name != "core"
    ]


def test_every_noun_package_uses_the_same_file_set() -> None:
    assert len(_nouns()) >= 10
    for noun in _nouns():
        modules = {p.name for p in noun.glob("*.py")}
        assert modules <= NOUN_FILES, f"schema/{noun.name}: {sorted(modules - NOUN_FILES)}"


def test_result_unions_and_typed_failures_come_from_the_mutation_helper() -> None:
    for path in SCHEMA.rglob("*.py"):
        if path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        assert "strawberry.union(" not in text, f"{path}: build results with @mutation"
        assert "strawberry.mutation(" not in text, f"{path}: declare mutations with @mutation"
        assert ".guard.check(" not in text, f"{path}: writes use guard.authorize"


def test_mutations_live_in_mutation_modules_and_inputs_in_input_modules() -> None:
    for noun in _nouns():
        for path in noun.glob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "mutations.py":
                assert "@mutation(" not in text, path
            if path.name != "inputs.py":
                assert "@strawberry.input" not in text, path
