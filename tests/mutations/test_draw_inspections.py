"""drawInspections and verifyDraw (双随机, Art. 20; DESIGN §6, §7): the province draws over the
province, a city over the agencies filed with it. The population is the ACTIVE agencies in
scope, optionally narrowed by region and kind; each drawn agency gets k distinct inspectors of
the pool, never one who declared a conflict with it. A draw stores its seed, algorithm and
hashed snapshots so verifyDraw re-runs it; an impossible draw stores nothing. Published draws
are public.

Runs on DAY (2026-03-10). Other tests add agencies too, so assertions are about the agencies a
test made and about properties that hold for every assignment.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from models.agency import Agency
from models.audit import AuditEvent
from models.draw import Draw
from models.enums import AgencyKind, AgencyLevel, AgencyState, Role
from tests.support.builders import (
    DAY,
    city,
    draw,
    inspector,
    issued,
    make_agency,
    nodes,
    pk,
)
from tests.support.documents import DRAWS, NODE, VERIFY_DRAW
from tests.support.snapshot import unchanged


async def _verify(api: Any, draw_id: str, token: str | None = None) -> bool:
    data = await api.query(
        VERIFY_DRAW, {"id": draw_id}, api.token(Role.PROVINCE) if token is None else token or None
    )
    return bool(data["verifyDraw"])


async def _listed(api: Any, token: str | None) -> set[str]:
    return {n["id"] for n in await nodes(api, DRAWS, token)}


def _succeeded(result: dict[str, Any]) -> dict[str, Any]:
    assert result["__typename"] == "DrawInspectionsSuccess", result
    found: dict[str, Any] = result["draw"]
    return found


def _by_agency(d: dict[str, Any]) -> dict[str, list[str]]:
    return {a["agency"]["id"]: a["inspectors"] for a in d["assignments"]}


async def _pool(
    api: Any,
    n: int,
    region: str = "350000",
    token: str | None = None,
    conflicts: dict[int, list[Any]] | None = None,
) -> list[str]:
    return [
        await inspector(api, region, token, name=f"督导员{i}", conflicts=(conflicts or {}).get(i))
        for i in range(n)
    ]


# ============================================================================================
# Reproducible


@pytest.mark.article(20)
async def test_the_same_seed_gives_the_same_draw(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        mine = [await make_agency(api, region="350600") for _ in range(3)]
        pool = await _pool(api, 4)
        args: dict[str, Any] = {
            "seed": "闽-2026-第1批",
            "ratio": 0.5,
            "regionCode": "350600",
            "inspectorsPerAgency": 2,
        }
        first = _succeeded(await draw(api, pool, **args))
        second = _succeeded(await draw(api, pool, **args))
        assert first["id"] != second["id"]
        for key in (
            "seed",
            "algorithm",
            "populationHash",
            "poolHash",
            "count",
            "inspectorsPerAgency",
            "assignments",
        ):
            assert first[key] == second[key], key
        assert first["seed"] == "闽-2026-第1批" and first["algorithm"] == "sha256-rank/v1"
        assert re.fullmatch("[0-9a-f]{64}", first["populationHash"])
        assert re.fullmatch("[0-9a-f]{64}", first["poolHash"])
        assert first["authority"] == {"code": "350000"} and first["published"] is True
        # ratio 0.5 of the population, rounded up.
        row = await Draw.get(id=pk(first["id"]))
        assert {a.pk for a in mine} <= set(row.population)
        assert first["count"] == -(-len(row.population) // 2) == len(first["assignments"])
        assert row.parameters["ratio"] == 0.5 and row.parameters["regionCode"] == "350600"
        # Re-run by anyone (published).
        for token in (None, "", mine[0].token, city(api, "350100")):
            assert await _verify(api, first["id"], token) is True
        assert await _verify(api, second["id"]) is True
        event = await AuditEvent.get(action="drawInspections", object_id=str(row.id))
        assert event.actor_role == "PROVINCE" and event.after["seed"] == "闽-2026-第1批"

        # A generated seed when none is given: each draw its own, still verifiable.
        generated = [
            _succeeded(await draw(api, pool, ratio=0.5, regionCode="350600")) for _ in range(2)
        ]
        assert all(g["seed"] for g in generated)
        assert generated[0]["seed"] != generated[1]["seed"]
        assert all([await _verify(api, g["id"]) for g in generated])


@pytest.mark.article(20)
@pytest.mark.parametrize(
    "tamper", ["assignments", "seed", "population", "pool", "parameters", "algorithm"]
)
async def test_a_tampered_draw_does_not_verify(api_on, tamper: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        await make_agency(api, region="350700")
        pool = await _pool(api, 3)
        made = _succeeded(
            await draw(
                api, pool, count=1, regionCode="350700", inspectorsPerAgency=2, seed="tamper-me"
            )
        )
        assert await _verify(api, made["id"]) is True
        row = await Draw.get(id=pk(made["id"]))
        if tamper == "assignments":
            (assignment,) = row.assignments
            unused = next(pk(i) for i in pool if pk(i) not in assignment["inspectors"])
            assignment["inspectors"] = sorted([assignment["inspectors"][0], unused])
            row.assignments = [assignment]
        elif tamper == "seed":
            row.seed = "tamper-me-too"
        elif tamper == "population":
            row.population = [*row.population, 10**9]  # the hash no longer matches
        elif tamper == "pool":
            row.pool = [{**m, "conflicts": [*m["conflicts"], 10**9]} for m in row.pool]
        elif tamper == "parameters":
            row.parameters = {**row.parameters, "perAgency": 1}
        else:
            row.algorithm = "sha256-rank/v0"
        await row.save()
        assert await _verify(api, made["id"]) is False
        assert await _verify(api, made["id"], "") is False


# ============================================================================================
# Conflicts and distinct inspectors


@pytest.mark.article(20)
async def test_conflicts_are_respected_over_many_seeds(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        x = await make_agency(api, region="350128", kind="SOCIAL_ORG")
        y = await make_agency(api, region="350128", kind="SOCIAL_ORG")
        pool = await _pool(api, 5, conflicts={0: [x], 1: [x, y], 2: [y]})
        banned = {x.id: {pool[0], pool[1]}, y.id: {pool[1], pool[2]}}
        for_x: set[tuple[str, ...]] = set()
        for n in range(25):
            made = _succeeded(
                await draw(
                    api,
                    pool,
                    ratio=1.0,
                    regionCode="350128",
                    kind="SOCIAL_ORG",
                    inspectorsPerAgency=2,
                    seed=f"seed-{n}",
                )
            )
            assignments = _by_agency(made)
            assert {x.id, y.id} <= set(assignments)
            for agency_id, inspectors in assignments.items():
                assert len(inspectors) == len(set(inspectors)) == 2
                assert set(inspectors) <= set(pool)
                assert not set(inspectors) & banned.get(agency_id, set()), (n, agency_id)
            for_x.add(tuple(assignments[x.id]))
        assert len(for_x) > 1  # the seed matters
        # Three free inspectors for x: with k = 3 x always gets exactly them; with k = 4 none.
        made = _succeeded(
            await draw(
                api, pool, ratio=1.0, regionCode="350128", kind="SOCIAL_ORG", inspectorsPerAgency=3
            )
        )
        assert set(_by_agency(made)[x.id]) == set(pool[2:])
        async with unchanged(x, y):
            impossible = await draw(
                api, pool, ratio=1.0, regionCode="350128", kind="SOCIAL_ORG", inspectorsPerAgency=4
            )
        assert impossible["__typename"] == "RuleViolation", impossible


@pytest.mark.article(20)
async def test_a_repeated_inspector_counts_once(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        await make_agency(api, region="350400")
        a, b = await _pool(api, 2)
        made = _succeeded(
            await draw(api, [a, a, b], count=1, regionCode="350400", inspectorsPerAgency=2)
        )
        assert [sorted(i) for i in _by_agency(made).values()] == [sorted([a, b])]
        refused = await draw(api, [a, a, b], count=1, regionCode="350400", inspectorsPerAgency=3)
        assert refused["__typename"] == "RuleViolation", refused


# ============================================================================================
# Impossible or malformed draws store nothing


@pytest.mark.article(20)
async def test_an_impossible_draw_stores_nothing(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350500")
        pool = await _pool(api, 2)
        async with unchanged(agency):
            for args in (
                {"count": 1, "inspectorsPerAgency": 3},  # k larger than the pool
                {"count": 10**6},  # more agencies than the population
                {"ratio": 1.0, "inspectorsPerAgency": 3},
            ):
                refused = await draw(api, pool, regionCode="350500", **args)
                assert refused["__typename"] == "RuleViolation", (args, refused)
                assert refused["code"] == "IMPOSSIBLE_DRAW" and refused["article"] == 20


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "count"),
        ({"count": 1, "ratio": 0.5}, "count"),
        ({"ratio": 0.0}, "ratio"),
        ({"ratio": 1.5}, "ratio"),
        ({"count": 1, "inspectorsPerAgency": -1}, "inspectorsPerAgency"),
        ({"count": 1, "seed": ""}, "seed"),
        ({"count": 1, "seed": "s" * 129}, "seed"),
    ],
)
async def test_malformed_draws_are_refused(api_on, args: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        pool = await _pool(api, 2)
        async with unchanged():
            refused = await draw(api, pool, **args)
        assert refused["__typename"] == "InvalidInput" and refused["field"] == field, refused


async def test_zero_inspectors_per_agency_is_refused(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        await make_agency(api, region="350500")
        pool = await _pool(api, 2)
        async with unchanged():
            refused = await draw(api, pool, count=1, regionCode="350500", inspectorsPerAgency=0)
        assert refused["__typename"] == "InvalidInput", refused


# ============================================================================================
# The population


@pytest.mark.article(20)
async def test_only_active_agencies_of_the_narrowed_scope_are_drawn(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        active = await make_agency(api, region="350900", kind="SOCIAL_ORG")
        employer = await make_agency(api, region="350900", kind="EMPLOYER")
        elsewhere = await make_agency(api, region="350800", kind="SOCIAL_ORG")
        pending = await make_agency(api, region="350900", kind="SOCIAL_ORG", active=False)
        suspended = await make_agency(api, region="350900", kind="SOCIAL_ORG")
        await issued(api, suspended, 22, 3)
        revoked = await make_agency(api, region="350900", kind="SOCIAL_ORG")
        await issued(api, revoked, 23, 2)
        expired = await make_agency(
            api, region="350900", kind="SOCIAL_ORG", valid_from=date(2023, 1, 5)
        )  # valid until 2026-01-05
        pool = await _pool(api, 2)
        made = _succeeded(
            await draw(
                api, pool, ratio=1.0, regionCode="350900", kind="SOCIAL_ORG", inspectorsPerAgency=1
            )
        )
        drawn = {pk(a) for a in _by_agency(made)}
        assert active.pk in drawn
        assert not drawn & {
            a.pk for a in (employer, elsewhere, pending, suspended, revoked, expired)
        }
        rows = await Agency.filter(id__in=list(drawn))
        assert all(
            r.kind is AgencyKind.SOCIAL_ORG
            and r.filing_region_id == "350900"
            and r.state is AgencyState.ACTIVE
            and r.valid_until is not None
            and r.valid_until >= DAY
            for r in rows
        )
        assert set((await Draw.get(id=pk(made["id"]))).population) == drawn


@pytest.mark.article(20)
async def test_a_city_draws_over_its_own_agencies(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        nanping = city(api, "350700")
        own = await make_agency(api, region="350700")
        hosted = await make_agency(api, level="PROVINCIAL", site_regions=("350700",))
        pool = await _pool(api, 2, "350700", nanping)
        made = _succeeded(await draw(api, pool, nanping, ratio=1.0, inspectorsPerAgency=1))
        assert made["authority"] == {"code": "350700"}
        drawn = {pk(a) for a in _by_agency(made)}
        assert own.pk in drawn and hosted.pk not in drawn
        rows = await Agency.filter(id__in=list(drawn))
        assert all(r.filing_region_id == "350700" and r.level is AgencyLevel.CITY for r in rows)

        async with unchanged(own, hosted):
            # Narrowing to another region leaves nobody; the province's inspectors are not
            # its own.
            empty = await draw(api, pool, nanping, ratio=1.0, regionCode="350100")
        assert empty["__typename"] == "RuleViolation", empty
        provincial_pool = await _pool(api, 2)
        async with unchanged(own, hosted):
            foreign = await draw(api, provincial_pool, nanping, count=1)
            assert foreign["__typename"] == "NotFound", foreign
            # Agencies and the public do not draw.
            for token in (own.token, ""):
                refused = await draw(api, pool, token, count=1)
                assert refused["__typename"] in ("RuleViolation", "NotFound"), refused


# ============================================================================================
# Who sees a draw


@pytest.mark.article(20)
async def test_the_public_sees_published_draws_only(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        await make_agency(api, region="350300")
        pool = await _pool(api, 2)
        public = _succeeded(await draw(api, pool, count=1, regionCode="350300"))
        internal = _succeeded(await draw(api, pool, count=1, regionCode="350300", published=False))
        xiamen = city(api, "350200")
        xiamen_pool = await _pool(api, 2, "350200", xiamen)
        await make_agency(api, region="350200")
        own_internal = _succeeded(await draw(api, xiamen_pool, xiamen, count=1, published=False))
        assert own_internal["published"] is False

        agency_token = (await make_agency(api)).token
        for token, sees in (
            (None, {public["id"]}),
            (agency_token, {public["id"]}),
            (city(api, "350300"), {public["id"]}),
            (xiamen, {public["id"], own_internal["id"]}),
            (api.token(Role.PROVINCE), {public["id"], internal["id"], own_internal["id"]}),
        ):
            listed = await _listed(api, token)
            mine = {public["id"], internal["id"], own_internal["id"]}
            assert listed & mine == sees, token
            for draw_id in mine:
                node = (await api.query(NODE, {"id": draw_id}, token))["node"]
                assert (node is not None) == (draw_id in sees), (token, draw_id)
                assert await _verify(api, draw_id, token or "") == (draw_id in sees)
