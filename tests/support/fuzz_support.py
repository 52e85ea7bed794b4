"""What the fuzz and hostile-input tests share: a registry with a database of its own, the
actors, the known bugs, and the checks every response must pass.

The checks, for any request whatsoever:

- the HTTP status is below 500;
- no error is a masked internal error (`INTERNAL_SERVER_ERROR`): the mask keeps the stack away
  from the client, but an input the schema accepts must never crash a resolver, so the logged
  exception of the request is put into the failure message;
- no error message, and no typed failure's `message`, carries a Python exception, a stack
  trace, SQL or a driver's words;
- every other error names what it is in `extensions.code` (validation limits, bad arguments);
- every object the response names by id (`Agency`, `Site`, `Filing`, `Sanction`,
  `Announcement`, `Inspection`, `Inspector`, `Draw`, `AuditEvent`) exists and is one the actor
  may see according to the independent oracle (tests/support/oracle.py),
  and private agency fields (contact, supervision mode, incentives) are non-null only where
  the actor may see them. Generated selections pick fields at random, so these checks look at
  whatever part of the picture the query happened to ask for; contact values are also looked
  for by value, so a contact of an agency outside the actor's contact scope is caught even
  when the query did not select the agency's id.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import graphql
import httpx
from tortoise.context import TortoiseContext

from models.database import migrate, tortoise_config
from schema.core.ids import from_global_id
from server.app import create_app
from server.demo import seed_demo
from server.settings import Settings
from tests.support.actors import ACTOR_SPECS, resolve, token_for
from tests.support.http_api import Api
from tests.support.oracle import Actor, Snapshot, expected, load_snapshot

# ============================================================================================
# A registry of its own


class RegistryApi(Api):
    """`Api` whose requests fail the test, as a 500 would, when the app raises: in tests the
    ASGI transport hands the exception to the client instead of a response."""

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        try:
            return await super().post(query, variables, token)
        except Exception as exc:
            raise AssertionError(
                f"the app raised (HTTP 500 when served): {exc!r}\nquery: {query[:500]}"
            ) from exc

    async def post_raw(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return await self.client.post(
                "/graphql",
                content=body,
                headers={"content-type": "application/json", **(headers or {})},
            )
        except Exception as exc:
            raise AssertionError(
                f"the app raised (HTTP 500 when served): {exc!r}\nbody: {body[:200]!r}"
            ) from exc


@dataclass
class Registry:
    """An app over its own database (migrated and seeded with the demo data), reachable only
    inside `active()`: the ORM resolves its connections through a context variable, so the
    session's database stays untouched however the requests change this one."""

    api: RegistryApi
    context: TortoiseContext

    @contextmanager
    def active(self) -> Iterator[None]:
        with self.context:
            yield


@asynccontextmanager
async def scratch_registry(db_url: Any, settings: Settings, suffix: str) -> AsyncIterator[Registry]:
    """A second database next to the session's: a SQLite file in its own directory, or
    `<session database>_<suffix>` on the same PostgreSQL server."""
    kind, admin, name, session_url = db_url
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if kind == "postgres":
        scratch = f"{name}_{suffix}"
        parts = urlsplit(session_url)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{scratch}", parts.query, ""))
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        await conn.execute(f'CREATE DATABASE "{scratch}"')
        await conn.close()
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite://{Path(tmp.name) / f'{suffix}.sqlite3'}"
    context = TortoiseContext()
    try:
        with context:
            await migrate(url)
            await context.close_connections()
            await context.init(config=tortoise_config(url))
            await seed_demo()
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as c:
            yield Registry(api=RegistryApi(c, settings), context=context)
    finally:
        await context.close_connections()
        if kind == "postgres":
            conn = await asyncpg.connect(admin)
            await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            await conn.close()
        if tmp is not None:
            tmp.cleanup()


# ============================================================================================
# Actors


@dataclass(frozen=True)
class Who:
    key: str
    actor: Actor
    token: str | None


ACTOR_KEYS = [
    "public",
    "agency-city",
    "agency-provincial",
    "city-xiamen",
    "city-pingtan",
    "province",
]
# Each key's actor in tests/support/actors.py.
SPEC_OF = dict(
    zip(
        ACTOR_KEYS,
        [
            "public",
            "agency-city-active",
            "agency-provincial-multicity",
            "city-350200-xiamen",
            "city-350128-pingtan",
            "province",
        ],
        strict=True,
    )
)


def actors(api: Api, snap: Snapshot) -> dict[str, Who]:
    """The actors of tests/support/actors.py: PUBLIC; 厦门's ACTIVE catering employer and the
    provincial employer with sites in five cities; 厦门 and 平潭; the province."""
    specs = {s.key: s for s in ACTOR_SPECS}
    out = {}
    for key in ACTOR_KEYS:
        actor = resolve(specs[SPEC_OF[key]], snap)
        out[key] = Who(key, actor, token_for(api, actor, snap))
    return out


# ============================================================================================
# What an actor may see


@dataclass(frozen=True)
class Visible:
    """Primary keys per type, and the agencies whose private fields show."""

    ids: dict[str, frozenset[int]]
    contacts: frozenset[int]
    supervision_fields: frozenset[int]
    hidden_contact_values: frozenset[str]  # contact values of no agency in `contacts`


async def visible_to(actor: Actor) -> Visible:
    snap = await load_snapshot()
    exp = expected(snap, actor)
    shown: set[str] = set()
    hidden: set[str] = set()
    for a in snap.agencies.values():
        values = {v for v in (a.contact_name, a.contact_phone) if v}
        (shown if a.id in exp.contacts else hidden).update(values)
    return Visible(
        ids={
            "Agency": exp.agencies,
            "Site": exp.sites,
            "Filing": exp.filings,
            "Sanction": exp.sanctions,
            "Announcement": exp.announcements,
            "Inspection": exp.inspections,
            "Inspector": exp.inspectors,
            "Draw": exp.draws,
            "AuditEvent": exp.audit_events,
        },
        contacts=exp.contacts,
        supervision_fields=exp.supervision_fields,
        hidden_contact_values=frozenset(hidden - shown),
    )


# ============================================================================================
# The logged cause of a masked error


class ErrorLog(logging.Handler):
    """Keeps what `registry.errors` logs, so a masked error can be explained."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def explain(self, request_id: str | None) -> str:
        out = []
        for r in self.records:
            if request_id is None or request_id in r.getMessage():
                stack = "".join(traceback.format_exception(*r.exc_info)) if r.exc_info else ""
                out.append(f"{r.getMessage()}\n{stack}")
        return "\n".join(out) or "(nothing logged)"


@contextmanager
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    logger = logging.getLogger("registry.errors")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


# ============================================================================================
# Known bugs


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(
    ("postgres://", "postgresql://", "asyncpg://")
)


@dataclass(frozen=True)
class KnownBug:
    """A fault these tests found whose fix belongs outside tests/. The hand-written tests that
    show it are marked `xfail` with `reason`; once the fix lands they XPASS (`pytest -rX`),
    and their marks and the entry here should go."""

    key: str
    reason: str
    cause: re.Pattern[str]  # matched against the logged exception of the masked error


# Empty while every fault these tests found is fixed; a new one is listed here with the
# xfail that shows it, until its fix lands.
KNOWN_BUGS: list[KnownBug] = []


def known_bug(logged: str) -> KnownBug | None:
    return next((b for b in KNOWN_BUGS if b.cause.search(logged)), None)


def known(key: str) -> KnownBug:
    return next(b for b in KNOWN_BUGS if b.key == key)


# ============================================================================================
# Checks


# Words that only reach a client through an exception's text: stack traces, Python exception
# class names, the ORM, the drivers, SQL.
LEAK = re.compile(
    r"Traceback|File \"|\.py\b|\b\w+(Error|Exception)\b(?!:)|tortoise|asyncpg|aiosqlite|sqlite"
    r"|psycopg|\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|\bWHERE\b|violates|constraint"
    r"|NoneType|object has no attribute|unexpected keyword|positional argument",
)
# graphql-core's own messages that name the GraphQL error kinds.
ALLOWED_NAMES = re.compile(r"Syntax Error|GraphQL(Error|Syntax)")

PRIVATE_AGENCY_FIELDS = {
    "contactName": "contacts",
    "contactPhone": "contacts",
    "supervisionMode": "supervision_fields",
    "incentives": "supervision_fields",
}


def leaks(message: str) -> bool:
    return bool(LEAK.search(ALLOWED_NAMES.sub("", message)))


@dataclass
class Outcome:
    status: int
    body: dict[str, Any] | None
    error_codes: list[str] = field(default_factory=list)


def check_response(
    response: httpx.Response,
    log: ErrorLog,
    what: str,
    visible: Visible | None = None,
    *,
    tolerate_known: bool = False,
) -> Outcome:
    """Fail unless the response is one of the acceptable outcomes listed in the module
    docstring; `visible`, when given, is the actor's read scope to hold the data against.
    With `tolerate_known`, a masked error whose logged cause is one of `KNOWN_BUGS` passes
    (its code reads KNOWN_BUG:<key>), so generated operations keep looking for new ones."""
    where = f"{what}\n-> HTTP {response.status_code}: {response.text[:2000]}"
    assert response.status_code < 500, where
    request_id = response.headers.get("x-request-id")
    try:
        body = response.json()
    except ValueError:
        assert 400 <= response.status_code < 500, f"not JSON; {where}"
        return Outcome(response.status_code, None)
    assert isinstance(body, dict), where
    codes: list[str] = []
    for error in body.get("errors") or []:
        message = str(error.get("message", ""))
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL_SERVER_ERROR":
            cause = log.explain(request_id)
            bug = known_bug(cause) if tolerate_known else None
            if bug is not None:
                codes.append(f"KNOWN_BUG:{bug.key}")
                continue
            raise AssertionError(f"masked internal error; {where}\nlogged:\n{cause}")
        assert not leaks(message), f"error message leaks internals; {where}"
        assert code, f"error without extensions.code; {where}"
        codes.append(str(code))
    data = body.get("data")
    if data is not None:
        for message in _typed_failure_messages(data):
            assert not leaks(message), f"typed failure leaks internals: {message!r}; {where}"
        if visible is not None:
            _check_scope(data, visible, where)
    return Outcome(response.status_code, body, codes)


def _typed_failure_messages(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        message = value.get("message")
        if isinstance(message, str):
            yield message
        for v in value.values():
            yield from _typed_failure_messages(v)
    elif isinstance(value, list):
        for v in value:
            yield from _typed_failure_messages(v)


def _check_scope(value: Any, visible: Visible, where: str, path: str = "data") -> None:
    if isinstance(value, list):
        for i, v in enumerate(value):
            _check_scope(v, visible, where, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        return
    raw_id = value.get("id")
    parsed = from_global_id(raw_id) if isinstance(raw_id, str) else None
    if parsed is not None and parsed[0] in visible.ids:
        type_name, pk = parsed
        assert pk in visible.ids[type_name], (
            f"{path}: {type_name} {pk} is outside the actor's read scope (or does not exist); "
            f"{where}"
        )
        if type_name == "Agency":
            for name, allowed in PRIVATE_AGENCY_FIELDS.items():
                if value.get(name) is not None:
                    assert pk in getattr(visible, allowed), (
                        f"{path}.{name}: private field of agency {pk} shown; {where}"
                    )
    for name in ("contactName", "contactPhone"):
        shown = value.get(name)
        assert not (isinstance(shown, str) and shown in visible.hidden_contact_values), (
            f"{path}.{name}: {shown!r} is the contact of an agency outside the actor's contact "
            f"scope; {where}"
        )
    for key, v in value.items():
        _check_scope(v, visible, where, f"{path}.{key}")


# ============================================================================================
# Generated documents


def render(
    document: graphql.DocumentNode,
    schema: graphql.GraphQLSchema,
    page_args: Callable[[str, graphql.ValueNode], graphql.ValueNode],
) -> str:
    """The generated document as sent: `id` selected on every object that has one, and
    `edges { node { id } }` on every connection, so the scope checks see which rows a response
    names whatever fields the generator picked (it mostly picks `totalCount` and `pageInfo`);
    and every `first` / `after` argument passed through `page_args(name, value)`.
    (Connections are non-null, so one bad page argument nulls the whole response: left as
    generated, nearly every query with several connections would come back as a single
    BAD_USER_INPUT.)"""

    def field(name: str, *children: graphql.FieldNode) -> graphql.FieldNode:
        selection = graphql.SelectionSetNode(selections=children) if children else None
        return graphql.FieldNode(name=graphql.NameNode(value=name), selection_set=selection)

    def selects(out: list[graphql.SelectionNode], name: str) -> bool:
        return any(
            isinstance(s, graphql.FieldNode) and s.name.value == name and not s.alias for s in out
        )

    def walk(
        selection_set: graphql.SelectionSetNode | None, type_: graphql.GraphQLNamedType
    ) -> graphql.SelectionSetNode | None:
        if selection_set is None:
            return None
        fields = getattr(type_, "fields", {})
        out: list[graphql.SelectionNode] = []
        for s in selection_set.selections:
            if isinstance(s, graphql.FieldNode) and s.name.value in fields:
                target = graphql.get_named_type(fields[s.name.value].type)
                arguments = tuple(
                    dataclasses.replace(a, value=page_args(a.name.value, a.value))
                    if a.name.value in ("first", "after")
                    else a
                    for a in s.arguments or ()
                )
                out.append(
                    dataclasses.replace(
                        s, arguments=arguments, selection_set=walk(s.selection_set, target)
                    )
                )
            elif isinstance(s, graphql.InlineFragmentNode):
                on = schema.get_type(s.type_condition.name.value) if s.type_condition else type_
                assert on is not None
                out.append(dataclasses.replace(s, selection_set=walk_all(s.selection_set, on)))
            else:
                out.append(s)
        if "id" in fields and not selects(out, "id"):
            out.insert(0, field("id"))
        if {"edges", "pageInfo"} <= fields.keys() and not selects(out, "edges"):
            out.append(field("edges", field("node", field("id"))))
        if {"cursor", "node"} <= fields.keys() and not selects(out, "node"):
            out.append(field("node", field("id")))
        return dataclasses.replace(selection_set, selections=tuple(out))

    def walk_all(
        selection_set: graphql.SelectionSetNode, type_: graphql.GraphQLNamedType
    ) -> graphql.SelectionSetNode:
        walked = walk(selection_set, type_)
        assert walked is not None
        return walked

    definitions = []
    for d in document.definitions:
        if isinstance(d, graphql.OperationDefinitionNode):
            root = schema.get_root_type(d.operation)
            assert root is not None
            d = dataclasses.replace(d, selection_set=walk_all(d.selection_set, root))
        definitions.append(d)
    return graphql.print_ast(dataclasses.replace(document, definitions=tuple(definitions)))
