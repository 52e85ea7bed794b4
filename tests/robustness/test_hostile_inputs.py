"""Hostile inputs, written out by hand: SQL and LIKE metacharacters, NUL, odd unicode, lone
surrogates, megabyte strings, deep nesting, cyclic fragments, ids of the wrong type or of no
type at all, impossible page sizes.

Every response must be an acceptable outcome (tests/support/fuzz_support.py: below 500, no internal
error, every error coded, nothing leaked, nothing outside the actor's scope), and:

- a string filter takes the text literally: `%` and `_` are not wildcards, a quote ends
  nothing, and a value no row holds finds nothing;
- a hostile value in a mutation's input is either refused with nothing changed (every table
  keeps its row count), or, for free text, stored exactly as sent (read back by id);
- an id names one object of one type: a Site's id where an Agency's is expected, or a
  malformed one, reads as missing (`null`, `NotFound`), never as the row of another type
  that happens to share the primary key.

The mutations run against a registry of their own (`fuzz_support.scratch_registry`): accepted
hostile text stays out of the demo data the other modules read. Agencies, sites and filings
the mutations act on are made fresh (tests/support/builders.py), and made again only after a
mutation succeeded on them.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from schema.core.ids import MAX_PK, from_global_id, to_global_id
from server.clock import today
from server.settings import Settings
from tests.support import documents
from tests.support.builders import Fresh, credit_code, make_agency, submitted
from tests.support.fuzz_support import (
    ErrorLog,
    Outcome,
    Registry,
    Visible,
    Who,
    actors,
    check_response,
    error_log,
    scratch_registry,
    visible_to,
)
from tests.support.oracle import load_snapshot
from tests.support.snapshot import snapshot

SQL = [
    "' OR 1=1 --",
    "'; DROP TABLE agency; --",
    '"; DROP TABLE agency; --',
    "1); DELETE FROM site WHERE (1=1",
    "' UNION SELECT credit_code FROM agency --",
]
LIKE = ["%", "_", "%%", "%_%", "\\", "\\\\", "\\%", "a\\'b", "[a-z]*"]
NUL = ["\x00", "福州\x00评价", "350100\x00"]
UNICODE = [
    "\u202e\u200f评价\u200e",
    "e\u0301\u0301\u0301",
    "👩\u200d🏫🏫",
    "\ufeff评价",
    "\u0000\ufffd",
    "ﬀ𝔄Ａ",
    "\u3000",
]
HOSTILE = SQL + LIKE + NUL + UNICODE
# One of each kind for the mutation matrix, where every value costs a few requests (NUL has
# a test of its own).
FEW = SQL[:2] + ["%", "_", "\\"] + UNICODE[:3] + ["\u3000"]


# ============================================================================================
# Fixture


@dataclass
class Hostile:
    registry: Registry
    log: ErrorLog
    who: dict[str, Who]
    targets: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> Any:
        return self.registry.api

    def token(self, key: str) -> str | None:
        return self.who[key].token

    async def send(
        self,
        key: str,
        document: str,
        variables: dict[str, Any] | None = None,
        what: str = "",
        check_scope: bool = True,
        visible: Visible | None = None,
    ) -> Outcome:
        """POST as the actor and run the checks every response must pass (the scope checks
        against `visible`, computed here unless given)."""
        if check_scope and visible is None:
            visible = await visible_to(self.who[key].actor)
        response = await self.api.post(document, variables, self.token(key))
        return check_response(
            response, self.log, f"{key}: {what or document[:300]} {_short(variables)}", visible
        )

    async def target(self, kind: str, make: Callable[[], Awaitable[Any]]) -> Any:
        """A fresh object for mutations to act on, kept until one succeeds on it."""
        if kind not in self.targets:
            self.targets[kind] = await make()
        return self.targets[kind]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True) if value is not None else ""
    return text if len(text) < 400 else text[:400] + f"... ({len(text)} chars)"


@pytest.fixture(scope="module")
async def hostile(database: str, db_url: Any, settings: Settings) -> AsyncIterator[Hostile]:
    with error_log() as log:
        async with scratch_registry(db_url, settings, "hostile") as registry:
            with registry.active():
                snap = await load_snapshot()
            yield Hostile(registry=registry, log=log, who=actors(registry.api, snap))


def refused_as_input(outcome: Outcome) -> bool:
    """The whole request refused as bad input, before anything ran (a request layer may do
    that for text no column can hold: a NUL, a lone surrogate)."""
    return (
        outcome.body is not None
        and outcome.body.get("data") is None
        and outcome.error_codes == ["BAD_USER_INPUT"]
    )


def data_of(outcome: Outcome) -> dict[str, Any]:
    assert outcome.body is not None and outcome.body.get("data") is not None, outcome.body
    data: dict[str, Any] = outcome.body["data"]
    return data


# ============================================================================================
# String filters


FILTERS = """
query ($s: String, $id: ID) {
  byName: agencies(first: 100, filter: {nameContains: $s}) { totalCount edges { node { id name } } }
  byRegion: agencies(first: 100, filter: {filingRegionCode: $s}) { totalCount edges { node { id } } }
  sitesByRegion: sites(first: 100, filter: {regionCode: $s}) { totalCount edges { node { id } } }
  sitesByAgency: sites(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
  filings(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
  sanctions(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
  inspections(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
  announcements(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
}"""

AUDIT_FILTERS = """
query ($s: String, $id: ID) {
  byType: auditEvents(first: 100, filter: {objectType: $s}) { totalCount edges { node { id } } }
  byAction: auditEvents(first: 100, filter: {action: $s}) { totalCount edges { node { id } } }
  byAgency: auditEvents(first: 100, filter: {agencyId: $id}) { totalCount edges { node { id } } }
}"""


@pytest.mark.parametrize("who", ["public", "agency-city", "city-xiamen", "province"])
async def test_string_filters_take_hostile_text_literally(hostile: Hostile, who: str) -> None:
    with hostile.registry.active():
        names = {a.id: a.name for a in (await load_snapshot()).agencies.values()}
        visible = await visible_to(hostile.who[who].actor)
        for s in HOSTILE:
            outcome = await hostile.send(who, FILTERS, {"s": s, "id": s}, visible=visible)
            if "\x00" in s and refused_as_input(outcome):
                continue
            data = data_of(outcome)
            found = {_pk(e["node"]["id"]) for e in data["byName"]["edges"]}
            wanted = {
                pk
                for pk, name in names.items()
                if pk in visible.ids["Agency"] and "\x00" not in s and s.lower() in name.lower()
            }
            assert found == wanted, (s, sorted(found), sorted(wanted))
            assert data["byName"]["totalCount"] == len(wanted), s
            for key in (
                "byRegion",
                "sitesByRegion",
                "sitesByAgency",
                "filings",
                "sanctions",
                "inspections",
                "announcements",
            ):
                assert data[key] == {"totalCount": 0, "edges": []}, (s, key, data[key])
            if who in ("city-xiamen", "province"):
                audit = data_of(
                    await hostile.send(who, AUDIT_FILTERS, {"s": s, "id": s}, visible=visible)
                )
                for key in ("byType", "byAction", "byAgency"):
                    assert audit[key] == {"totalCount": 0, "edges": []}, (s, key, audit[key])


def _pk(global_id: str) -> int:
    parsed = from_global_id(global_id)
    assert parsed is not None, global_id
    return parsed[1]


async def test_like_wildcards_match_only_themselves(hostile: Hostile) -> None:
    """An agency whose name holds `%`, `_` and a backslash is found by those characters,
    which find only the names that hold them."""
    with hostile.registry.active():
        name = f"百分号%下划线_反斜杠\\机构{secrets.token_hex(3)}"
        outcome = await hostile.send(
            "province",
            documents.REGISTER_AGENCY,
            {"input": {**_agency_input(), "name": name}},
            check_scope=False,
        )
        created = data_of(outcome)["registerAgency"]
        assert created["__typename"] == "RegisterAgencySuccess", created
        own = _pk(created["agency"]["id"])
        names = {a.id: a.name for a in (await load_snapshot()).agencies.values()}
        for needle in ("%", "_", "\\", "%下划线_", "号%下"):
            data = data_of(await hostile.send("province", FILTERS, {"s": needle, "id": None}))
            found = {_pk(e["node"]["id"]) for e in data["byName"]["edges"]}
            assert own in found, (needle, found)
            assert found == {pk for pk, n in names.items() if needle in n}, (needle, found)


# ============================================================================================
# Strings in mutations


READ_BACK = """
query ($id: ID!) { node(id: $id) { id
  ... on Agency { name contactName contactPhone legalRepresentative }
  ... on Site { name address }
  ... on Filing { reason newName newLegalRepresentative items { occupationCode occupationName } }
  ... on Sanction { facts }
  ... on Inspection { findings }
  ... on Inspector { name }
  ... on Draw { seed }
} }"""


def _agency_input() -> dict[str, Any]:
    return {
        "name": f"敌意输入测试机构{secrets.token_hex(3)}",
        "creditCode": credit_code(),
        "kind": "EMPLOYER",
        "isCollege": False,
        "level": "CITY",
        "filingRegionCode": "350100",
        "contactName": "王老师",
        "contactPhone": "0591-87000000",
        "legalRepresentative": "李四",
    }


def _item(site: str) -> dict[str, str]:
    return {
        "occupationCode": "6-31-01-03",
        "occupationName": "电工",
        "level": "LEVEL_4",
        "siteId": site,
    }


Base = Callable[[Hostile], Awaitable[tuple[str | None, dict[str, Any]]]]


async def _pending(h: Hostile) -> Fresh:
    made: Fresh = await h.target("pending", lambda: make_agency(h.api, active=False))
    return made


async def _active(h: Hostile) -> Fresh:
    made: Fresh = await h.target("active", lambda: make_agency(h.api))
    return made


async def _submitted(h: Hostile) -> str:
    """An INITIAL filing its agency submitted, awaiting the province's decision."""

    async def make() -> str:
        org = await make_agency(h.api, active=False)
        return await submitted(h.api, org, "INITIAL", [_item(org.site_ids[0])])

    return str(await h.target("submitted", make))


async def _province_inspectors(h: Hostile) -> list[str]:
    async def make() -> list[str]:
        data = data_of(await h.send("province", documents.INSPECTORS))
        return [
            e["node"]["id"]
            for e in data["inspectors"]["edges"]
            if e["node"]["region"]["code"] == "350000"
        ]

    return list(await h.target("inspectors", make))


async def base_register(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    return h.token("province"), _agency_input()


async def base_add_site(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _pending(h)
    return org.token, {
        "agencyId": org.id,
        "name": "测试考点",
        "address": f"福建省测试路{secrets.token_hex(6)}号",
        "regionCode": "350100",
        "tenure": "OWNED",
        "hasVideoSurveillance": True,
    }


async def base_submit_initial(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _pending(h)
    return org.token, {
        "agencyId": org.id,
        "kind": "INITIAL",
        "items": [_item(org.site_ids[0])],
        "reason": "首次备案",
    }


async def base_submit_info_change(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _active(h)
    return org.token, {
        "agencyId": org.id,
        "kind": "INFO_CHANGE",
        "newName": f"更名后的机构{secrets.token_hex(3)}",
        "newLegalRepresentative": "张三",
        "reason": "更名",
    }


async def base_decide(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    return h.token("province"), {
        "filingId": await _submitted(h),
        "approve": False,
        "reason": "材料不全",
    }


async def base_import(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _pending(h)
    return h.token("province"), {
        "agencyId": org.id,
        "validFrom": (today() - timedelta(days=100)).isoformat(),
        "items": [_item(org.site_ids[0])],
    }


async def base_terminate(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _active(h)
    return h.token("province"), {"agencyId": org.id, "reason": "OTHER", "note": "说明"}


async def base_sanction(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _active(h)
    return h.token("province"), {
        "agencyId": org.id,
        "article": 21,
        "clause": 1,
        "facts": "督导发现的违规情况",
    }


async def base_inspector(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    return h.token("province"), {"name": "督导员", "regionCode": "350000"}


async def base_inspection(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    org = await _active(h)
    return h.token("province"), {
        "agencyId": org.id,
        "siteId": org.site_ids[0],
        "kind": "INTERNAL",
        "mode": "SPECIAL",
        "date": today().isoformat(),
        "result": "QUALIFIED",
        "findings": "良好",
    }


async def base_draw(h: Hostile) -> tuple[str | None, dict[str, Any]]:
    return h.token("province"), {
        "inspectorIds": (await _province_inspectors(h))[:2],
        "count": 1,
        "inspectorsPerAgency": 1,
        "regionCode": "350100",
        "seed": "seed",
        "published": False,
    }


@dataclass(frozen=True)
class Mutation:
    name: str
    payload: str  # the success payload's object
    base: Base
    target: str | None  # the fresh object a success uses up

    @property
    def document(self) -> str:
        return documents.MUTATIONS[self.name]


REGISTER_AGENCY = Mutation("registerAgency", "agency", base_register, None)
ADD_SITE = Mutation("addSite", "site", base_add_site, None)
SUBMIT_INITIAL = Mutation("submitFiling", "filing", base_submit_initial, "pending")
SUBMIT_INFO = Mutation("submitFiling", "filing", base_submit_info_change, "active")
DECIDE = Mutation("decideFiling", "filing", base_decide, "submitted")
IMPORT = Mutation("importFiling", "filing", base_import, "pending")
TERMINATE = Mutation("terminateAgency", "agency", base_terminate, "active")
SANCTION = Mutation("issueSanction", "sanction", base_sanction, "active")
INSPECTOR = Mutation("registerInspector", "inspector", base_inspector, None)
INSPECTION = Mutation("recordInspection", "inspection", base_inspection, None)
DRAW = Mutation("drawInspections", "draw", base_draw, None)


@dataclass(frozen=True)
class Field:
    mutation: Mutation
    path: str  # into the input: "name", "items.0.occupationCode"
    free_text: bool  # may be stored as sent; otherwise must be refused
    read: str | None = None  # where a stored value reads back on the node, if anywhere

    @property
    def id(self) -> str:
        return f"{self.mutation.name}.{self.path}"


STRING_FIELDS = [
    Field(REGISTER_AGENCY, "name", True, "name"),
    Field(REGISTER_AGENCY, "creditCode", False),
    Field(REGISTER_AGENCY, "filingRegionCode", False),
    Field(REGISTER_AGENCY, "contactName", True, "contactName"),
    Field(REGISTER_AGENCY, "contactPhone", False),
    Field(REGISTER_AGENCY, "legalRepresentative", True, "legalRepresentative"),
    Field(ADD_SITE, "name", True, "name"),
    Field(ADD_SITE, "address", True, "address"),
    Field(ADD_SITE, "regionCode", False),
    Field(SUBMIT_INITIAL, "reason", True, "reason"),
    Field(SUBMIT_INITIAL, "items.0.occupationCode", False),
    Field(SUBMIT_INITIAL, "items.0.occupationName", True, "items.0.occupationName"),
    Field(SUBMIT_INFO, "newName", True, "newName"),
    Field(SUBMIT_INFO, "newLegalRepresentative", True, "newLegalRepresentative"),
    Field(DECIDE, "reason", True, "reason"),
    Field(IMPORT, "items.0.occupationCode", False),
    Field(IMPORT, "items.0.occupationName", True, "items.0.occupationName"),
    Field(TERMINATE, "note", True),
    Field(SANCTION, "facts", True, "facts"),
    Field(INSPECTOR, "name", True, "name"),
    Field(INSPECTOR, "regionCode", False),
    Field(INSPECTION, "findings", True, "findings"),
    Field(DRAW, "regionCode", False),
    Field(DRAW, "seed", True, "seed"),
]


def with_value(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(base))
    *parents, last = path.split(".")
    node: Any = out
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


def at(value: Any, path: str) -> Any:
    for p in path.split("."):
        value = value[int(p)] if isinstance(value, list) else value[p]
    return value


async def send_hostile(h: Hostile, f: Field, value: Any) -> None:
    """One mutation with `value` at `f.path`: refused with every row count as it was, or
    (free text) stored as sent."""
    token, base = await f.mutation.base(h)
    variables = {"input": with_value(base, f.path, value)}
    before = await snapshot()
    response = await h.api.post(f.mutation.document, variables, token)
    outcome = check_response(response, h.log, f"{f.id} = {value!r:.80}")
    result = (outcome.body or {}).get("data") or {}
    payload = result.get(f.mutation.name)
    if payload is None or not payload["__typename"].endswith("Success"):
        assert await snapshot() == before, (f.id, value, payload, outcome.body)
        return
    assert f.free_text, f"{f.id} accepted {value!r}: {payload}"
    if f.mutation.target:
        h.targets.pop(f.mutation.target, None)
    after = await snapshot()
    assert all(after.counts[t] >= n for t, n in before.counts.items()), (f.id, before, after)
    if f.read is not None:
        stored_id = payload[f.mutation.payload]["id"]
        read = data_of(
            check_response(
                await h.api.post(READ_BACK, {"id": stored_id}, h.token("province")),
                h.log,
                f"read back {f.id}",
            )
        )["node"]
        # optional text that is all blanks reads as absent
        kept = (value, value.strip()) if value.strip() else (value, value.strip(), None)
        assert at(read, f.read) in kept, (f.id, value, read)


MUTATIONS = [
    REGISTER_AGENCY,
    ADD_SITE,
    SUBMIT_INITIAL,
    SUBMIT_INFO,
    DECIDE,
    IMPORT,
    TERMINATE,
    SANCTION,
    INSPECTOR,
    INSPECTION,
    DRAW,
]


@pytest.mark.parametrize("m", MUTATIONS, ids=lambda m: f"{m.name}-{m.base.__name__}")
async def test_every_base_input_succeeds(hostile: Hostile, m: Mutation) -> None:
    """The inputs the hostile values are put into are valid as they stand, so a refusal
    below is about the hostile value, not about the rest of the input."""
    with hostile.registry.active():
        token, base = await m.base(hostile)
        response = await hostile.api.post(m.document, {"input": base}, token)
        payload = data_of(check_response(response, hostile.log, m.name))[m.name]
        assert payload["__typename"].endswith("Success"), (base, payload)
        if m.target:
            hostile.targets.pop(m.target, None)


@pytest.mark.long
@pytest.mark.parametrize("f", STRING_FIELDS, ids=lambda f: f.id)
async def test_hostile_strings_in_mutations(hostile: Hostile, f: Field) -> None:
    with hostile.registry.active():
        for value in FEW:
            await send_hostile(hostile, f, value)


@pytest.mark.parametrize("f", [f for f in STRING_FIELDS if f.free_text], ids=lambda f: f.id)
async def test_a_nul_in_free_text(hostile: Hostile, f: Field) -> None:
    """Refused, or kept as sent (SQLite can store a NUL; PostgreSQL text cannot)."""
    with hostile.registry.active():
        for value in NUL[:2]:
            await send_hostile(hostile, f, value)


# ============================================================================================
# Size


MEGABYTE = "评" * ((1 << 20) // 3 + 1)  # a little over 1 MB of UTF-8


async def test_a_megabyte_string_is_refused_without_a_server_error(hostile: Hostile) -> None:
    """Over the request body limit: 413, or (where a deployment allows bodies that large) a
    GraphQL error or a typed refusal; never a 5xx, and nothing stored."""
    with hostile.registry.active():
        big = MEGABYTE
        sanction = (await base_sanction(hostile))[1]
        before = await snapshot()
        for who, document, variables in [
            ("public", FILTERS, {"s": big, "id": big}),
            ("province", documents.REGISTER_AGENCY, {"input": {**_agency_input(), "name": big}}),
            ("province", SANCTION.document, {"input": {**sanction, "facts": big}}),
        ]:
            response = await hostile.api.post(document, variables, hostile.token(who))
            outcome = check_response(response, hostile.log, f"1 MB as {who}")
            if outcome.status == 200:
                assert outcome.body is not None
                payloads = list((outcome.body.get("data") or {}).values())
                assert outcome.body.get("errors") or all(
                    isinstance(p, dict) and not p["__typename"].endswith("Success")
                    for p in payloads
                ), outcome.body
            else:
                assert outcome.status == 413, outcome.status
        # the same string written into the query text rather than a variable
        literal = '{ agencies(filter: {nameContains: "%s"}) { totalCount } }' % ("x" * (1 << 20))
        response = await hostile.api.post(literal, None, None)
        outcome = check_response(response, hostile.log, "1 MB query text")
        assert outcome.status == 413 or outcome.error_codes, outcome.body
        assert await snapshot() == before


# ============================================================================================
# Shape: nesting, cycles, unicode the JSON layer sees


async def test_deep_nesting_is_refused_with_a_code(hostile: Hostile) -> None:
    deep = "escalatedFrom { " * 40 + "id" + " }" * 40
    query = "{ sanctions(first: 1) { edges { node { %s } } } }" % deep
    with hostile.registry.active():
        outcome = await hostile.send("province", query)
        assert outcome.status >= 400 or outcome.error_codes, outcome.body
        nested_list = "{ node(id: %s) { id } }" % ("[" * 400 + '"x"' + "]" * 400)
        outcome = await hostile.send("public", nested_list)
        assert outcome.status >= 400 or outcome.error_codes, outcome.body
        deep_input: dict[str, Any] = {"input": {"agencyId": "x"}}
        cur = deep_input["input"]
        for _ in range(300):
            cur["x"] = {}
            cur = cur["x"]
        outcome = await hostile.send("province", TERMINATE.document, deep_input)
        assert outcome.status >= 400 or outcome.error_codes, outcome.body


async def test_a_deeply_nested_json_body_is_a_client_error(hostile: Hostile) -> None:
    with hostile.registry.active():
        for body in (
            "[" * 50_000 + "]" * 50_000,
            '{"query": ' + "[" * 30_000 + "]" * 30_000 + "}",
            '{"query": "{ me { role } }", "variables": '
            + '{"a":' * 20_000
            + "1"
            + "}" * 20_000
            + "}",
        ):
            response = await hostile.api.post_raw(body.encode())
            check_response(response, hostile.log, f"nested JSON body {body[:40]}")
            assert 400 <= response.status_code < 500 or response.json().get("errors"), (
                response.status_code,
                response.text[:300],
            )


CYCLES = [
    "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    "query { ...A } fragment A on Query { me { role } ...A }",
    "query { agencies { ...C } } fragment C on AgencyConnection { edges { node { sites "
    "{ ...S } } } } fragment S on SiteConnection { edges { node { agency { sites { ...S } } } } }",
]


@pytest.mark.parametrize("query", CYCLES)
async def test_cyclic_fragments_are_a_validation_error(hostile: Hostile, query: str) -> None:
    with hostile.registry.active():
        outcome = await hostile.send("province", query)
        assert outcome.body is not None and outcome.body.get("data") is None, outcome.body
        assert outcome.error_codes, outcome.body
        assert set(outcome.error_codes) <= {"GRAPHQL_VALIDATION_FAILED"}, outcome.body


RAW_BODIES = [
    # lone surrogates, escaped as JSON allows but UTF-8 cannot carry
    pytest.param(
        '{"query": "query ($s: String) { agencies(filter: {nameContains: $s}) { totalCount } '
        '}", "variables": {"s": "\\ud800"}}',
        id="surrogate-variable",
    ),
    pytest.param(
        '{"query": "query ($s: String) { agencies(filter: {nameContains: $s}) { totalCount } '
        '}", "variables": {"s": "a\\udfffb\\ud83d"}}',
        id="surrogates-variable",
    ),
    '{"query": "{ agencies(filter: {nameContains: \\"\\ud800\\"}) { totalCount } }"}',
    '{"query": "{ node(id: \\"\\udc00\\") { id } }"}',
    # a lone surrogate in the query text outside any string
    '{"query": "{ me { role } \\ud800 }"}',
    # JSON that is not an object, or whose fields have the wrong types
    '"{ me { role } }"',
    "[]",
    "null",
    '{"query": 1}',
    '{"query": ["{ me { role } }"]}',
    '{"query": "{ me { role } }", "variables": "x"}',
    '{"query": "{ me { role } }", "variables": [1]}',
    '{"query": "{ me { role } }", "operationName": 7}',
    # not JSON, or not UTF-8
    "{",
    '{"query": "{ me { role } }"',
    "\x00",
    pytest.param(b"\xff\xfe{", id="utf-16-bom"),
    pytest.param(b'{"query": "{ me \xff }"}', id="invalid-utf-8"),
    pytest.param(
        b'{"query": "query ($s: String) { agencies(filter: {nameContains: $s}) '
        b'{ totalCount } }", "variables": {"s": "\xed\xa0\x80"}}',
        id="surrogate-as-utf-8",
    ),
]


@pytest.mark.parametrize("body", RAW_BODIES)
async def test_odd_bodies_are_client_errors(hostile: Hostile, body: str | bytes) -> None:
    with hostile.registry.active():
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        response = await hostile.api.post_raw(raw)
        outcome = check_response(response, hostile.log, f"body {body!r}")
        assert outcome.status >= 400 or outcome.error_codes, (outcome.status, outcome.body)


async def test_a_lone_surrogate_in_a_mutation_stores_nothing(hostile: Hostile) -> None:
    with hostile.registry.active():
        before = await snapshot()
        for path in ("name", "contactName", "legalRepresentative"):
            variables = {"input": with_value(_agency_input(), path, "机构\ud800")}
            # json.dumps escapes the surrogate as \ud800 (ensure_ascii), as a browser may
            raw = json.dumps({"query": documents.REGISTER_AGENCY, "variables": variables}).encode()
            response = await hostile.api.post_raw(
                raw, {"authorization": f"Bearer {hostile.token('province')}"}
            )
            outcome = check_response(response, hostile.log, f"surrogate in {path}")
            payload = ((outcome.body or {}).get("data") or {}).get("registerAgency")
            assert payload is None or not payload["__typename"].endswith("Success"), payload
        assert await snapshot() == before


# ============================================================================================
# Ids


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


MALFORMED_IDS = [
    "",
    " ",
    "=",
    "====",
    "!!!",
    "QWdlbmN5OjE===",
    "QWdlbmN5OjE=x",
    "Agency:1",
    "1",
    "-1",
    b64("Agency:"),
    b64("Agency:0"),
    b64("Agency:-1"),
    b64(f"Agency:{MAX_PK + 1}"),
    b64("Agency:" + "9" * 40),
    b64("Agency:1e3"),
    b64("Agency:0x10"),
    b64("Agency:NaN"),
    b64(":1"),
    b64("Agency"),
    b64("Region:350100"),
    b64("Viewer:1"),
    b64("k1:1"),
    b64("agency:1"),
    b64("AGENCY:1"),
    b64("Agency:1:1"),
    b64("Agency\x00:1"),
    "\x00",
    "🏫",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "QWdlbmN5Oj" + "A" * 5000,
]


async def test_malformed_ids_read_as_missing(hostile: Hostile) -> None:
    lookup = """query ($id: ID!) { node(id: $id) { id } agency(id: $id) { id }
                 verifyDraw(id: $id) }"""
    with hostile.registry.active():
        for who in ("public", "province"):
            visible = await visible_to(hostile.who[who].actor)
            for value in MALFORMED_IDS:
                outcome = await hostile.send(who, lookup, {"id": value}, visible=visible)
                if "\x00" in value and refused_as_input(outcome):
                    continue
                assert data_of(outcome) == {"node": None, "agency": None, "verifyDraw": False}, (
                    value,
                    outcome.body,
                )


async def test_an_id_of_another_type_never_reads_as_this_type(hostile: Hostile) -> None:
    """`agency(id)` with the id of a Site (or a Filing, ...) whose primary key is also an
    agency's reads as null; `node(id)` answers with the type the id names."""
    with hostile.registry.active():
        snap = await load_snapshot()
        shared = sorted(set(snap.agencies) & set(snap.sites) & set(snap.filings))
        assert shared, "demo data: some primary key is an agency's, a site's and a filing's"
        lookup = "query ($id: ID!) { agency(id: $id) { id } node(id: $id) { __typename id } }"
        visible = await visible_to(hostile.who["province"].actor)
        for pk in shared[:10]:
            for type_name in (
                "Site",
                "Filing",
                "Sanction",
                "Inspection",
                "Announcement",
                "Inspector",
                "Draw",
                "AuditEvent",
            ):
                gid = to_global_id(type_name, pk)
                data = data_of(await hostile.send("province", lookup, {"id": gid}, visible=visible))
                assert data["agency"] is None, (gid, data)
                node = data["node"]
                assert node is None or (node["__typename"] == type_name and node["id"] == gid), (
                    gid,
                    node,
                )


ID_FIELDS: list[tuple[Mutation, str, str]] = [
    # (mutation, input path, the type the id must name)
    (ADD_SITE, "agencyId", "Agency"),
    (SUBMIT_INITIAL, "agencyId", "Agency"),
    (SUBMIT_INITIAL, "items.0.siteId", "Site"),
    (DECIDE, "filingId", "Filing"),
    (IMPORT, "agencyId", "Agency"),
    (IMPORT, "items.0.siteId", "Site"),
    (TERMINATE, "agencyId", "Agency"),
    (SANCTION, "agencyId", "Agency"),
    (INSPECTION, "agencyId", "Agency"),
    (INSPECTION, "siteId", "Site"),
    (DRAW, "inspectorIds.0", "Inspector"),
]


def _retyped(value: str, type_name: str) -> list[str]:
    """The same primary key under every other type name, and malformed variants."""
    parsed = from_global_id(value)
    assert parsed is not None
    pk = parsed[1]
    others = [
        "Agency",
        "Site",
        "Filing",
        "Sanction",
        "Inspection",
        "Inspector",
        "Draw",
        "Announcement",
        "AuditEvent",
    ]
    variants = [
        b64(f"{type_name}:{pk}0000000000"),
        b64(f"{type_name}:-{pk}"),
        value + "=",
        value[:-1],
        value.lower(),
        "' OR 1=1 --",
    ]
    # A variant may spell another real id of the same type ("Agency:5" is "Agency:50" cut
    # short): that one is a legitimate target, not a malformed id.
    malformed = [
        v for v in variants if (parsed_v := from_global_id(v)) is None or parsed_v[0] != type_name
    ]
    return [to_global_id(t, pk) for t in others if t != type_name] + malformed


@pytest.mark.parametrize("case", ID_FIELDS, ids=lambda c: f"{c[0].name}.{c[1]}")
async def test_ids_of_the_wrong_type_in_mutations_change_nothing(
    hostile: Hostile, case: tuple[Mutation, str, str]
) -> None:
    mutation, path, type_name = case
    with hostile.registry.active():
        token, base = await mutation.base(hostile)
        for value in _retyped(at(base, path), type_name):
            before = await snapshot()
            response = await hostile.api.post(
                mutation.document, {"input": with_value(base, path, value)}, token
            )
            outcome = check_response(response, hostile.log, f"{mutation.name}.{path}={value}")
            payload = ((outcome.body or {}).get("data") or {}).get(mutation.name)
            assert payload is None or not payload["__typename"].endswith("Success"), (
                path,
                value,
                payload,
            )
            assert await snapshot() == before, (path, value)


# ============================================================================================
# Pages


PAGE_QUERIES = [
    "query ($n: Int, $a: String) { agencies(first: $n, after: $a) { totalCount } }",
    "query ($n: Int, $a: String) { agencies(first: 1) { edges { node { "
    "sites(first: $n, after: $a) { totalCount } } } } }",
    "query ($n: Int, $a: String) { auditEvents(first: $n, after: $a) { totalCount } }",
]


@pytest.mark.parametrize("query", PAGE_QUERIES)
async def test_impossible_pages_are_a_clear_error(hostile: Hostile, query: str) -> None:
    with hostile.registry.active():
        for first in (-1, -(2**31), 101, 2**31 - 1, 2**31, 2**53, -(2**63), 1.5, "10", True):
            outcome = await hostile.send(
                "province", query, {"n": first, "a": None}, check_scope=False
            )
            assert outcome.error_codes, (first, outcome.body)
            assert set(outcome.error_codes) <= {
                "BAD_USER_INPUT",
                "QUERY_TOO_COSTLY",
                "GRAPHQL_VALIDATION_FAILED",
            }, outcome.body
        # ("" reads as no cursor at all)
        for after in (
            "x",
            "' OR 1=1 --",
            "\x00",
            b64("k1:-1"),
            b64(f"k1:{MAX_PK + 1}"),
            b64("k2:1"),
            b64("k1:1e3"),
            b64("k1:" + "9" * 40),
            "🏫",
        ):
            outcome = await hostile.send("province", query, {"n": 5, "a": after}, check_scope=False)
            assert outcome.error_codes == ["BAD_USER_INPUT"], (after, outcome.body)
        for first in (-5, 101, 2**31 - 1):
            literal = query.replace("($n: Int, $a: String)", "").replace(
                "$n, after: $a", str(first)
            )
            outcome = await hostile.send("province", literal, check_scope=False)
            assert outcome.error_codes, (literal, outcome.body)
