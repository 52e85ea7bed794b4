"""Messages a client reads from a domain failure are Chinese (officials, agencies and the public
read them); an English message cannot come back unnoticed.

The source of models/ and schema/ is read with `ast`: every string passed as the message of a
models.errors RuleViolation / InvalidInput / NotFound, and the text of the exceptions whose
messages end up in them, must contain CJK characters.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pytest

from models import enums
from models.labels import label

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")

# The message's position among the positional arguments of each domain error.
MESSAGE_ARG = {"RuleViolation": 1, "InvalidInput": 1, "NotFound": 0}
# Exceptions whose text becomes a domain error's message (str(exc), f"{exc}…").
CARRIERS = {"CreditCodeError", "ImpossibleDraw", "CalendarMissing"}
# Messages with no literal text of their own, and where their text is checked instead.
DYNAMIC = {
    ("models/operations/register_agency.py", "str(exc)"): "CreditCodeError",
    # Each write permission's refusal text: tests/authz/test_permission_catalog.py checks it.
    ("policies/permissions.py", "self.message"): "Refusal",
}


@dataclass(frozen=True)
class Message:
    where: str  # path:line
    call: str  # RuleViolation, InvalidInput, NotFound or a carrier exception
    source: str  # the argument as written
    texts: tuple[str, ...]  # its literal text, one entry per alternative (an if/else has two)


def _literal(node: ast.expr) -> str | None:
    """The literal text of a string expression (the constant parts of an f-string or a
    concatenation), or None when it has none."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_literal(node.left), _literal(node.right)]
        return None if parts == [None, None] else "".join(p or "" for p in parts)
    return None


def _alternatives(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.IfExp):
        return _alternatives(node.body) + _alternatives(node.orelse)
    return [node]


def _domain_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Names bound to models.errors classes (`from models.errors import NotFound as X`) and
    names bound to the module itself (`from models import errors as domain`)."""
    classes: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "models.errors":
            for alias in node.names:
                if alias.name in MESSAGE_ARG:
                    classes[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "models":
            modules |= {a.asname or a.name for a in node.names if a.name == "errors"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "models.errors"}
    return classes, modules


def _called(func: ast.expr, classes: dict[str, str], modules: set[str]) -> str | None:
    if isinstance(func, ast.Name):
        if func.id in classes:
            return classes[func.id]
        return func.id if func.id in CARRIERS else None
    if isinstance(func, ast.Attribute) and func.attr in MESSAGE_ARG:
        base = ast.unparse(func.value)
        return func.attr if base in modules else None
    return None


def _message_arg(call: ast.Call, position: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "message":
            return kw.value
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        raise AssertionError(f"{ast.unparse(call)}: write the message out, not *args")
    return call.args[position] if len(call.args) > position else None


def messages_in(source: str, rel: str) -> list[Message]:
    tree = ast.parse(source)
    classes, modules = _domain_names(tree)
    found: list[Message] = []

    def add(node: ast.AST, call: str, arg: ast.expr) -> None:
        texts = tuple(_literal(alt) or "" for alt in _alternatives(arg))
        found.append(Message(f"{rel}:{getattr(node, 'lineno', 0)}", call, ast.unparse(arg), texts))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called(node.func, classes, modules)
            if name is not None and name not in CARRIERS:
                arg = _message_arg(node, MESSAGE_ARG[name])
                if arg is not None:
                    add(node, name, arg)
            elif name in CARRIERS and node.args and _literal(node.args[0]) is not None:
                add(node, name, node.args[0])
        # A carrier that builds its own text: `super().__init__(f"…")` in its class body.
        if isinstance(node, ast.ClassDef) and node.name in CARRIERS:
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr == "__init__"
                    and inner.args
                ):
                    add(inner, node.name, inner.args[0])
    return found


def all_messages() -> list[Message]:
    out = []
    for folder in ("models", "policies", "schema"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            out += messages_in(path.read_text(encoding="utf-8"), rel)
    return out


def english(message: Message) -> list[str]:
    """What is wrong with one message, if anything."""
    rel = message.where.rsplit(":", 1)[0]
    if all(not t.strip() for t in message.texts) and (rel, message.source) in DYNAMIC:
        return []
    return [
        f"{message.where} {message.call}({message.source}): {text!r}"
        for text in message.texts
        if not CJK.search(text)
    ]


def test_every_domain_failure_message_is_chinese() -> None:
    messages = all_messages()
    # The walk finds what it is meant to: a broken import resolver must not pass vacuously.
    calls = {m.call for m in messages}
    assert calls >= {"RuleViolation", "InvalidInput", "NotFound", *CARRIERS}, calls
    assert len(messages) > 80, len(messages)
    problems = [p for m in messages for p in english(m)]
    assert not problems, "messages without Chinese text:\n" + "\n".join(problems)


def test_dynamic_messages_are_listed_and_still_dynamic() -> None:
    found = {(m.where.rsplit(":", 1)[0], m.source) for m in all_messages()}
    assert set(DYNAMIC) <= found, set(DYNAMIC) - found


@pytest.mark.parametrize(
    "source",
    [
        'from models.errors import RuleViolation\nraise RuleViolation(c, "the filing is closed", 16)',
        'from models.errors import InvalidInput as Bad\nraise Bad("name", f"at most {n} characters")',
        'from models import errors as domain\nraise domain.NotFound("no such site")',
        'from models.errors import NotFound\nraise NotFound(f"{w}: 未找到" if w else "no such agency")',
        'from models.errors import NotFound\nraise NotFound(message="no such site")',
        'raise ImpossibleDraw(f"cannot select {count} agencies")',
        "class CalendarMissing(Exception):\n    def __init__(self, y):\n"
        '        super().__init__(f"no calendar for {y}")',
    ],
)
def test_the_check_catches_english(source: str) -> None:
    found = messages_in(source, "models/example.py")
    assert found and any(english(m) for m in found), found


def test_the_check_passes_chinese_with_dynamic_details() -> None:
    source = (
        "from models.errors import RuleViolation\n"
        'raise RuleViolation(c, f"应于{opens}至{closes}申请延续"\n'
        '                    "（第16条）", 16)'
    )
    found = messages_in(source, "models/example.py")
    assert len(found) == 1 and not english(found[0]), found


@pytest.mark.parametrize(
    "enum",
    [
        enums.AgencyState,
        enums.AgencyStatus,
        enums.FilingKind,
        enums.FilingStatus,
        enums.SanctionStatus,
        enums.SanctionGrade,
        enums.SiteTenure,
    ],
)
def test_every_state_named_in_a_message_has_a_chinese_label(enum: type[StrEnum]) -> None:
    for member in enum:
        assert CJK.search(label(member)), member  # type: ignore[arg-type]
