"""Generated operations: every query and mutation hypothesis-graphql can build from the exported
schema, sent by every kind of actor (PUBLIC, a city-level and a provincial AGENCY, two CITY
departments, PROVINCE), must come back as an acceptable outcome (tests/support/fuzz_support.py): no
5xx, no masked or unmasked internal error, every error coded, and nothing outside the actor's read
scope. `id` is added to every selection that has one, so the scope check sees which rows a response
names.

The operations run against a registry of their own: a second database, migrated and seeded with
the demo data like the session's, behind its own app (`fuzz_support.scratch_registry`). Generated
mutations are free to register agencies, terminate and sanction demo agencies, change the
working calendar and draw inspections, which would break the tests that rely on the demo data if
they ran against the session database; here they change only the scratch copy, which is dropped
at the end of the module. The read scope a response is checked against is recomputed from that
database whenever a mutation changed it (a new audit event), so what a mutation's payload shows
is held to the scope as it stands once the mutation is done.

Argument values come from tests/support/fuzz_values.py: global ids of real rows of every type mixed
with junk, region and credit codes, cursors, pages 0..100 and hostile strings.

Limits other parts of the registry enforce (depth, aliases, tokens, directives, cost, `first`)
are acceptable outcomes: a GraphQL error with an `extensions.code`, or a 4xx.

A masked error whose logged cause is a known bug (fuzz_support.KNOWN_BUGS, each shown by an xfail in
tests/robustness/test_hostile_inputs.py) is tolerated here, so the generator keeps looking for new
ones; any other masked error fails with the logged stack in the message.

Example counts per actor follow the hypothesis profile with a cap (below): under a minute on
SQLite with the default profile, a few minutes with the long one (tests/conftest.py). For a
long hunt: `FUZZ_EXAMPLES=2000 pytest tests/robustness/test_fuzz_schema.py`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import graphql
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries
from tortoise import connections

from models.agency import Agency as AgencyRow
from schema.root import sdl
from server.clock import today
from server.settings import Settings
from tests.support.fuzz_support import (
    ACTOR_KEYS,
    ErrorLog,
    Registry,
    Visible,
    Who,
    actors,
    check_response,
    error_log,
    render,
    scratch_registry,
    visible_to,
)
from tests.support.fuzz_values import custom_scalars, fresh_credit_code, page_arguments
from tests.support.oracle import load_snapshot

SDL = sdl()
SCHEMA = graphql.build_schema(SDL)

# Examples per actor: half (queries) and 40% (mutations) of the profile's count, capped so the
# long profile's 2000 stays within a few minutes; FUZZ_EXAMPLES=n asks for n of each, for a long
# hunt by hand.
_PROFILE = hypothesis_settings().max_examples
_ASKED = int(os.environ.get("FUZZ_EXAMPLES", "0"))
QUERY_EXAMPLES = _ASKED or min(max(_PROFILE // 2, 1), 120)
MUTATION_EXAMPLES = _ASKED or min(max(_PROFILE * 2 // 5, 1), 80)


def _as_is(document: graphql.DocumentNode) -> graphql.DocumentNode:
    return document


@dataclass
class Fuzz:
    registry: Registry
    who: dict[str, Who]
    log: ErrorLog
    queries: st.SearchStrategy[graphql.DocumentNode]
    mutations: st.SearchStrategy[graphql.DocumentNode]
    _visible: dict[tuple[str, int], Visible] = field(default_factory=dict)

    async def visible(self, key: str) -> Visible:
        """The actor's read scope in the scratch database as it stands (call inside
        `registry.active()`). Every change writes its audit event in the same transaction,
        so the last audit event id tells whether anything changed since it was computed."""
        rows = await connections.get("default").execute_query_dict(
            "select coalesce(max(id), 0) as last from audit_event"
        )
        version = int(rows[0]["last"])
        cached = self._visible.get((key, version))
        if cached is None:
            cached = self._visible[(key, version)] = await visible_to(self.who[key].actor)
        return cached

    async def post(self, key: str, operation: str) -> Any:
        return await self.registry.api.post(operation, token=self.who[key].token)


@pytest.fixture(scope="module")
async def fuzz(database: str, db_url: Any, settings: Settings) -> AsyncIterator[Fuzz]:
    with error_log() as log:
        async with scratch_registry(db_url, settings, "fuzz") as registry:
            with registry.active():
                snap = await load_snapshot()
            pks = {
                "Agency": sorted(snap.agencies),
                "Site": sorted(snap.sites),
                "Filing": sorted(snap.filings),
                "Sanction": sorted(snap.sanctions),
                "Announcement": sorted(snap.announcements),
                "Inspection": sorted(snap.inspections),
                "Inspector": sorted(snap.inspectors),
                "Draw": sorted(snap.draws),
                "AuditEvent": sorted(snap.audit_events),
            }
            scalars = custom_scalars(pks, today())
            yield Fuzz(
                registry=registry,
                who=actors(registry.api, snap),
                log=log,
                queries=queries(SCHEMA, custom_scalars=scalars, print_ast=_as_is),
                mutations=mutations(SCHEMA, custom_scalars=scalars, print_ast=_as_is),
            )


async def test_the_scratch_registry_is_a_database_of_its_own(fuzz: Fuzz) -> None:
    """What the generated mutations do lands in the scratch database, never in the session's
    (the premise of this module)."""
    code = fresh_credit_code()
    with fuzz.registry.active():
        outcome = check_response(
            await fuzz.post(
                "province",
                """
            mutation { registerAgency(input: {name: "隔离检查机构", creditCode: "%s",
              kind: EMPLOYER, isCollege: false, level: CITY, filingRegionCode: "350100"})
            { __typename } }"""
                % code,
            ),
            fuzz.log,
            "register in the scratch registry",
        )
        assert outcome.body and outcome.body["data"]["registerAgency"]["__typename"] == (
            "RegisterAgencySuccess"
        ), outcome.body
        assert await AgencyRow.exists(credit_code=code)
    assert not await AgencyRow.exists(credit_code=code)


@pytest.mark.long
@pytest.mark.parametrize("who", ACTOR_KEYS)
@hypothesis_settings(max_examples=QUERY_EXAMPLES)
@given(data=st.data())
async def test_generated_queries(fuzz: Fuzz, who: str, data: st.DataObject) -> None:
    query = render(data.draw(fuzz.queries, label="query"), SCHEMA, page_arguments(data))
    with fuzz.registry.active():
        visible = await fuzz.visible(who)
        response = await fuzz.post(who, query)
    check_response(response, fuzz.log, f"{who}: {query}", visible, tolerate_known=True)


@pytest.mark.long
@pytest.mark.parametrize("who", ACTOR_KEYS)
@hypothesis_settings(max_examples=MUTATION_EXAMPLES)
@given(data=st.data())
async def test_generated_mutations(fuzz: Fuzz, who: str, data: st.DataObject) -> None:
    mutation = render(data.draw(fuzz.mutations, label="mutation"), SCHEMA, page_arguments(data))
    with fuzz.registry.active():
        response = await fuzz.post(who, mutation)
        visible = await fuzz.visible(who)
    check_response(response, fuzz.log, f"{who}: {mutation}", visible, tolerate_known=True)
