"""Argument values for generated operations: hypothesis-graphql asks for a strategy per scalar
(`custom_scalars`), which it uses for built-in scalars too.

Purely random values would nearly always miss: a random ID names no row, a random String is no
region code, a random Int is no valid `first`. So each strategy mixes values that reach deep into
the resolvers (global ids of real rows of every type, region codes, credit codes of real and of
fresh agencies, occupation codes, cursors, pages 0..100, dates around today) with hostile ones
(ids of the wrong type, of rows that do not exist, beyond the key range, broken base64; SQL and
LIKE metacharacters, NUL, odd unicode; out-of-range numbers; far-away dates).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from models.credit_code import ALPHABET, with_check_character
from schema.core.ids import MAX_PK, encode_cursor, to_global_id
from server.demo import DEMO_CREDIT_CODES, OCCUPATIONS

ValueNodes = st.SearchStrategy[graphql.ValueNode]

REGION_CODES = [
    "350000",
    "350100",
    "350200",
    "350300",
    "350400",
    "350500",
    "350600",
    "350700",
    "350800",
    "350900",
    "350128",
]

HOSTILE_STRINGS = [
    "",
    " ",
    "' OR 1=1 --",
    "'; DROP TABLE agency; --",
    '"; DROP TABLE agency; --',
    "%",
    "_",
    "%%",
    "\\",
    "\\\\",
    "\\'",
    "a\x00b",
    "\x00",
    "\u202e\u200f福州",
    "e\u0301\u0301\u0301",
    "🏫👩‍🏫",
    "\ufeff",
    "\ufffd",
    "null",
    "undefined",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "350100' OR '1'='1",
    "9" * 40,
    "-1",
]

TYPE_NAMES = [
    "Agency",
    "Site",
    "Filing",
    "Sanction",
    "Announcement",
    "Inspection",
    "Inspector",
    "Draw",
    "AuditEvent",
]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def junk_ids() -> list[str]:
    return [
        to_global_id("Agency", MAX_PK),
        _b64("Site:0"),
        _b64("Agency:-1"),
        _b64(f"Agency:{MAX_PK + 1}"),
        _b64("Agency:" + "9" * 30),
        _b64("Agency:1e3"),
        _b64("Agency: 1"),
        _b64("Agency:0x10"),
        _b64("Agency"),
        _b64(":1"),
        _b64("Region:350100"),
        _b64("Viewer:1"),
        _b64("k1:1"),
        "QWdlbmN5OjE",
        "QWdlbmN5OjE=",
        "QWdlbmN5OjE===",
        "!!!",
        "Agency:1",
        "1",
        "-1",
        "%%%",
        "' OR 1=1 --",
        "\x00",
        "🏫",
        "\uffff",
        base64.b64encode(b"\xff\xfe").decode(),
    ]


@st.composite
def _fresh_credit_code(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGION_CODES))
    org = draw(st.text(alphabet=ALPHABET, min_size=9, max_size=9))
    return with_check_character(f"91{region}{org}")


def fresh_credit_code() -> str:
    return with_check_character("91350100" + "".join(secrets.choice(ALPHABET) for _ in range(9)))


def ids(pks: dict[str, list[int]]) -> ValueNodes:
    """Global ids of existing rows (any type, so a Site id reaches a field that wants an
    Agency), ids of rows that do not exist, and junk; sometimes an Int literal."""
    real = [to_global_id(t, pk) for t, values in pks.items() for pk in values]
    missing = [to_global_id(t, max(pks.get(t) or [0]) + 1000) for t in TYPE_NAMES]
    existing = st.sampled_from(real) if real else st.nothing()
    strings = st.one_of(
        existing,
        existing,
        existing,
        st.sampled_from(missing + junk_ids()),
        st.text(max_size=20),
    )
    return st.one_of(
        strings.map(nodes.String),
        strings.map(nodes.String),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
    )


def strings() -> ValueNodes:
    occupation_codes = [code for code, _levels in OCCUPATIONS.values()]
    meaningful = (
        REGION_CODES
        + list(DEMO_CREDIT_CODES.values())
        + occupation_codes
        + list(OCCUPATIONS)
        + ["测试", "福州", "评价", "Agency", "SANCTION"]
        + [encode_cursor(pk) for pk in range(0, 60, 7)]
        + [encode_cursor(MAX_PK)]
    )
    return st.one_of(
        st.sampled_from(meaningful),
        _fresh_credit_code(),
        st.sampled_from(HOSTILE_STRINGS),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    ).map(nodes.String)


def ints() -> ValueNodes:
    return st.one_of(
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=0, max_value=30),
        st.sampled_from([-1, 101, 1000, 2021, 2024, 2025, 2026, 2027, 2**31 - 1, -(2**31)]),
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
    ).map(nodes.Int)


def dates(today: date) -> ValueNodes:
    near = st.dates(
        min_value=today - timedelta(days=6 * 365), max_value=today + timedelta(days=2 * 365)
    )
    return st.one_of(near, near, st.dates()).map(lambda d: nodes.String(d.isoformat()))


def custom_scalars(pks: dict[str, list[int]], today: date) -> dict[str, Any]:
    return {"ID": ids(pks), "String": strings(), "Int": ints(), "Date": dates(today)}


def page_arguments(data: st.DataObject) -> Callable[[str, graphql.ValueNode], graphql.ValueNode]:
    """For `fuzz_support.render`: mostly a page the API accepts (`first` null or 0..100,
    `after` null or one of its cursors), sometimes what the generator made of it."""

    def pick(name: str, generated: graphql.ValueNode) -> graphql.ValueNode:
        if data.draw(st.integers(min_value=0, max_value=19), label=f"keep {name}?") == 0:
            return generated
        if name == "first":
            value: graphql.ValueNode = data.draw(
                st.one_of(
                    st.just(nodes.Null), st.integers(min_value=0, max_value=100).map(nodes.Int)
                ),
                label="first",
            )
        else:
            value = data.draw(
                st.one_of(
                    st.just(nodes.Null),
                    st.integers(min_value=0, max_value=3000).map(
                        lambda pk: nodes.String(encode_cursor(pk))
                    ),
                ),
                label="after",
            )
        return value

    return pick
