"""The role x scope matrix (DESIGN §6) for the supervision resources, through HTTP, row by row.

The same actors as tests/test_scope_matrix.py (PUBLIC, PROVINCE, CITY 厦门 350200, CITY 平潭
350128, an ACTIVE city-level agency, a provincial agency with sites in several cities), and an
independent oracle (tests/oracle_supervision.py: raw SQL rows, the §6 rules in plain Python,
reusing the agency / site / contact rules of tests/oracle.py) for:

1. root lists `announcements`, `inspections`, `inspectors`, `draws`, `auditEvents`, paged with
   `first: 100` / `after`: the id set, no duplicates, id order, `totalCount` on every page;
2. `node(id)` of EVERY row of announcement, inspection, inspector, draw and audit_event (and of
   ids that do not exist);
3. nested references `Announcement.agency`, `Inspection.agency`, `Inspection.site`,
   `Draw.assignments[].agency`: non-null exactly when the target is visible;
4. `verifyDraw(id)` of every draw: true for the visible demo draws, false for invisible ones;
5. the private `Agency.supervisionMode` / `incentives` (contact-field rule) on root lists,
   `agency(id)` lookups and the nested agency references above;
6. filters never widen the scope;
plus sanity checks that the data makes each rule decide at least one row.

Probe rows. The demo data (server/demo.py) leaves several branches of these rules undecided (see
`test_sanity_demo_*`, which check the demo rows alone and fail while the demo lacks a case).
So that the API is still checked on those branches, the module fixture `probes` inserts a few
rows, each named after the branch it adds, and deletes them afterwards. They are written with
raw SQL, shaped as the product writes them; once the demo has each case they can go.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from tortoise import connections

from server.demo import DEMO_CREDIT_CODES
from tests.oracle import Oracle, Snapshot, load_snapshot
from tests.oracle_supervision import (
    AGENCY,
    Actor,
    SupervisionExpected,
    SupervisionOracle,
    SupervisionSnapshot,
    expected_supervision,
    load_supervision,
)
from tests.test_scope_matrix import (
    ACTOR_SPECS,
    CONN,
    NESTED_IDS,
    PAGE,
    PINGTAN,
    XIAMEN,
    ActorSpec,
    Lit,
    _check_page,
    _lookup_ids,
    assert_same,
    batched,
    gid,
    pk,
    resolve,
    token_for,
)

PROBE_TAG = "scope_matrix_supervision_probe"
PROBE_CREDIT_CODE = "91350203MA8PR0BE1K"  # a valid GB 32100 code no demo agency uses
ZHANGZHOU = "350600"
PROVINCE_CODE = "350000"

# ============================================================================================
# Probe rows for the branches the demo data leaves undecided


@dataclass
class Probes:
    """Primary keys of the inserted rows, per table, and what each one is for."""

    announcement: dict[str, int] = field(default_factory=dict)
    inspection: dict[str, int] = field(default_factory=dict)
    draw: dict[str, int] = field(default_factory=dict)
    audit_event: dict[str, int] = field(default_factory=dict)
    agency: dict[str, int] = field(default_factory=dict)

    def ids(self, table: str) -> set[int]:
        return set(getattr(self, table).values())


async def _insert(table: str, values: dict[str, str]) -> int:
    """One row; `values` are SQL literals. Returns its id (RETURNING: SQLite ≥ 3.35, PG)."""
    conn = connections.get("default")
    cols = ", ".join(values)
    rows = await conn.execute_query_dict(
        f"insert into {table} ({cols}) values ({', '.join(values.values())}) returning id")
    return int(rows[0]["id"])


def _s(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _n(value: int | None) -> str:
    return "NULL" if value is None else str(int(value))


def _only(values: Iterable[int], what: str) -> int:
    found = sorted(values)
    assert found, f"demo data: no {what}"
    return found[0]


async def _insert_probes(p: Probes) -> None:
    base = await load_snapshot()
    o = Oracle(base)

    def agency(key: str) -> int:
        return base.agency_by_credit_code(DEMO_CREDIT_CODES[key]).id

    def site_of(agency_id: int, region: str) -> int:
        return _only((s.id for s in base.sites.values()
                      if s.agency_id == agency_id and s.region == region),
                     f"site of agency {agency_id} in {region}")

    multi, prov_pt = agency("provincial_multi_city"), agency("provincial_pingtan")
    cross, catering = agency("xiamen_cross_city"), agency("xiamen_catering")
    pt_pending = agency("pingtan_pending")
    catering_private_site = _only(
        (s.id for s in base.sites.values() if s.agency_id == catering and not o.public_site(s.id)),
        "non-public site registered by xiamen_catering")

    async def inspection(name: str, agency_id: int, site_id: int | None, authority: str,
                         published: bool) -> None:
        p.inspection[name] = await _insert("inspection", {
            "agency_id": _n(agency_id), "site_id": _n(site_id), "kind": "'EXTERNAL'",
            "mode": "'SPECIAL'", "date": "'2025-03-03'", "result": "'QUALIFIED'",
            "findings": _s(PROBE_TAG), "published": "TRUE" if published else "FALSE",
            "authority_id": _s(authority), "created_at": "CURRENT_TIMESTAMP"})

    await inspection("unpublished, only its site is in 厦门", multi, site_of(multi, XIAMEN),
                     PROVINCE_CODE, False)
    await inspection("unpublished, only its site is in 平潭", prov_pt, site_of(prov_pt, PINGTAN),
                     PROVINCE_CODE, False)
    await inspection("unpublished, only its agency is filed with 厦门", cross,
                     site_of(cross, ZHANGZHOU), ZHANGZHOU, False)
    await inspection("unpublished, only made by 平潭, no site", multi, None, PINGTAN, False)
    await inspection("published, of a PENDING agency at its non-public site", pt_pending,
                     site_of(pt_pending, PINGTAN), PINGTAN, True)
    await inspection("published, of a public agency at its non-public site", catering,
                     catering_private_site, XIAMEN, True)

    async def announcement(name: str, agency_id: int, authority: str, published: bool) -> None:
        p.announcement[name] = await _insert("announcement", {
            "kind": "'SANCTION'", "agency_id": _n(agency_id), "filing_id": "NULL",
            "authority_id": _s(authority), "start_date": "'2025-03-03'",
            "end_date": "'2025-03-07'", "body": _s(PROBE_TAG),
            "published": "TRUE" if published else "FALSE",
            "created_at": "CURRENT_TIMESTAMP"})

    await announcement("unpublished, made by 厦门", catering, XIAMEN, False)
    await announcement("published, about a PENDING 平潭 agency", pt_pending, PINGTAN, True)

    conn = connections.get("default")
    pool = [r["id"] for r in await conn.execute_query_dict(
        f"select id from inspector where region_id = '{PINGTAN}' order by id")][:2]
    algorithm = (await conn.execute_query_dict("select algorithm from draw order by id"))
    algo = str(algorithm[0]["algorithm"]) if algorithm else "sha256-rank/v1"
    assignments = f'[{{"agency":{pt_pending},"inspectors":[{",".join(map(str, pool))}]}}]'
    p.draw["published, assigning a PENDING 平潭 agency"] = await _insert("draw", {
        "seed": _s(PROBE_TAG), "algorithm": _s(algo), "population_hash": "'probe'",
        "pool_hash": "'probe'", "population": _s(f"[{pt_pending}]"),
        "pool": _s("[" + ",".join(f'{{"id":{i},"conflicts":[]}}' for i in pool) + "]"),
        "parameters": _s('{"count":1,"ratio":null,"perAgency":2,"regionCode":"350128",'
                         '"kind":null}'),
        "assignments": _s(assignments), "published": "TRUE", "authority_id": _s(PINGTAN),
        "created_at": "CURRENT_TIMESTAMP"})

    async def event(name: str, agency_id: int | None, region: str | None) -> None:
        p.audit_event[name] = await _insert("audit_event", {
            "at": "CURRENT_TIMESTAMP", "actor_role": "'PROVINCE'", "actor_id": "'test'",
            "action": _s(PROBE_TAG), "object_type": "'Agency'",
            "object_id": _s(str(agency_id or 0)), "agency_id": _n(agency_id),
            "region_id": _s(region)})

    # Every demo agency filed with a city also has a site there, so "filed with c" and
    # "operates in c" never part: a 厦门 agency just registered (no site, no filing) does.
    p.agency["registered in 厦门, no site yet"] = await _insert("agency", {
        "name": _s("厦门探针职业技能评价中心"), "credit_code": _s(PROBE_CREDIT_CODE),
        "kind": "'SOCIAL_ORG'", "is_college": "FALSE", "level": "'CITY'",
        "filing_region_id": _s(XIAMEN), "state": "'PENDING'", "contact_name": _s("林探针"),
        "contact_phone": _s("0592-5550100"), "created_at": "CURRENT_TIMESTAMP"})
    await event("placed in 平潭, about an agency not in 平潭", multi, PINGTAN)
    await event("placed in 厦门, about no agency", None, XIAMEN)
    await event("placed nowhere, about an agency filed with 厦门 and with no site",
                p.agency["registered in 厦门, no site yet"], None)
    await event("placed nowhere, about no agency", None, None)


@pytest.fixture(scope="module")
async def probes(database: str) -> AsyncIterator[Probes]:
    p = Probes()
    try:
        await _insert_probes(p)
        yield p
    finally:
        conn = connections.get("default")
        for table in ("inspection", "announcement", "draw", "audit_event", "agency"):
            ids = p.ids(table)
            if ids:
                await conn.execute_script(
                    f"delete from {table} where id in ({', '.join(map(str, sorted(ids)))})")


# ============================================================================================
# HTTP (nothing here knows the rules)

AGENCY_REF = "agency { id supervisionMode incentives }"
ROOTS: dict[str, tuple[str | None, str, str]] = {
    # root field -> (filter input type, node selection, node type)
    "announcements": ("AnnouncementFilter", f"id kind {AGENCY_REF}", "Announcement"),
    "inspections": ("InspectionFilter", f"id published {AGENCY_REF} site {{ id }}",
                    "Inspection"),
    "inspectors": (None, "id name region { code }", "Inspector"),
    "draws": (None, f"id published assignments {{ {AGENCY_REF} inspectors }}", "Draw"),
    "auditEvents": ("AuditEventFilter", "id action", "AuditEvent"),
    "agencies": ("AgencyFilter", "id supervisionMode incentives", "Agency"),
}


@dataclass
class Listing:
    nodes: list[dict[str, Any]]
    total_counts: list[int]
    type_name: str

    def ids(self) -> list[int]:
        return [pk(self.type_name, n["id"]) for n in self.nodes]


async def list_all(api: Any, token: str | None, root: str,
                   filter: dict[str, Any] | None = None) -> Listing:
    filter_type, selection, type_name = ROOTS[root]
    if filter_type is None:
        assert filter is None
        params, args = "$after: String", "after: $after"
    else:
        params, args = f"$after: String, $filter: {filter_type}", "after: $after, filter: $filter"
    query = (f"query({params}) {{ conn: {root}(first: {PAGE}, {args}) "
             f"{{ {CONN % selection} }} }}")
    nodes: list[dict[str, Any]] = []
    totals: list[int] = []
    after = None
    for _ in range(10_000):
        variables: dict[str, Any] = {"after": after}
        if filter_type is not None:
            variables["filter"] = filter
        conn = (await api.query(query, variables, token))["conn"]
        _check_page(conn, f"{root}({filter})")
        nodes += [e["node"] for e in conn["edges"]]
        totals.append(conn["totalCount"])
        if not conn["pageInfo"]["hasNextPage"]:
            return Listing(nodes, totals, type_name)
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError(f"{root}: paging never ends")


async def filtered_ids(api: Any, token: str | None, root: str,
                       filters: dict[str, dict[str, Any]]) -> dict[str, tuple[list[int], int]]:
    """For each named filter: (ids over all pages, totalCount), aliased and batched."""
    _, _, type_name = ROOTS[root]

    def literal(value: Any) -> str:
        return value if isinstance(value, Lit) else f'"{value}"'

    parts = []
    for name, f in filters.items():
        args = ", ".join(f"{k}: {literal(v)}" for k, v in f.items())
        parts.append((name, f"{root}(first: {PAGE}, filter: {{{args}}}) {{ {NESTED_IDS} }}"))
    data = await batched(api, token, parts)
    out: dict[str, tuple[list[int], int]] = {}
    for name, f in filters.items():
        conn = data[name]
        if conn["pageInfo"]["hasNextPage"]:
            variables = {k: {"true": True, "false": False}.get(v, v) for k, v in f.items()}
            out[name] = ((await list_all(api, token, root, variables)).ids(), conn["totalCount"])
        else:
            out[name] = ([pk(type_name, e["node"]["id"]) for e in conn["edges"]],
                         conn["totalCount"])
    return out


@dataclass
class View:
    announcements: Listing
    inspections: Listing
    inspectors: Listing
    draws: Listing
    audit_events: Listing
    agencies: Listing


async def fetch_view(api: Any, token: str | None) -> View:
    return View(
        announcements=await list_all(api, token, "announcements"),
        inspections=await list_all(api, token, "inspections"),
        inspectors=await list_all(api, token, "inspectors"),
        draws=await list_all(api, token, "draws"),
        audit_events=await list_all(api, token, "auditEvents"),
        agencies=await list_all(api, token, "agencies"),
    )


# ============================================================================================
# Fixtures


@pytest.fixture(scope="module")
async def snapshot(probes: Probes) -> SupervisionSnapshot:
    return await load_supervision(await load_snapshot())


@dataclass
class Case:
    spec: ActorSpec
    actor: Actor
    token: str | None
    snap: SupervisionSnapshot
    oracle: SupervisionOracle
    exp: SupervisionExpected
    view: View
    probes: Probes


@pytest.fixture(scope="module", params=ACTOR_SPECS, ids=[s.key for s in ACTOR_SPECS])
async def case(request: pytest.FixtureRequest, api: Any, snapshot: SupervisionSnapshot,
               probes: Probes) -> Case:
    spec: ActorSpec = request.param
    actor = resolve(spec, snapshot.base)
    token = token_for(api, actor, snapshot.base)
    return Case(spec, actor, token, snapshot, SupervisionOracle(snapshot),
                expected_supervision(snapshot, actor), await fetch_view(api, token), probes)


def _same(case: Case, table: str, got: Iterable[int], want: Iterable[int], where: str) -> None:
    assert_same(case.snap.base, table, got, want, f"{case.spec.key} {where}")


# ============================================================================================
# 1. Root lists


@pytest.mark.parametrize("attr,table", [
    ("announcements", "announcement"),
    ("inspections", "inspection"),
    ("inspectors", "inspector"),
    ("draws", "draw"),
    ("audit_events", "audit_event"),
], ids=["announcements", "inspections", "inspectors", "draws", "auditEvents"])
async def test_root_list_is_exactly_the_scope(case: Case, attr: str, table: str) -> None:
    listing: Listing = getattr(case.view, attr)
    want: frozenset[int] = getattr(case.exp, attr)
    ids = listing.ids()
    _same(case, table, ids, want, attr)
    assert ids == sorted(ids), f"{case.spec.key} {attr}: not in id order across pages"
    assert set(listing.total_counts) == {len(want)}, (
        f"{case.spec.key} {attr}: totalCount {listing.total_counts}, expected {len(want)}")


async def test_root_list_scalars_match_the_rows(case: Case) -> None:
    snap = case.snap
    for node in case.view.announcements.nodes:
        assert node["kind"] == snap.announcements[pk("Announcement", node["id"])].kind
    for node in case.view.inspections.nodes:
        assert node["published"] == snap.inspections[pk("Inspection", node["id"])].published
    for node in case.view.inspectors.nodes:
        row = snap.inspectors[pk("Inspector", node["id"])]
        assert (node["name"], node["region"]["code"]) == (row.name, row.region)
    for node in case.view.draws.nodes:
        draw = snap.draws[pk("Draw", node["id"])]
        assert node["published"] == draw.published
        assert [[pk("Inspector", i) for i in a["inspectors"]] for a in node["assignments"]] == [
            list(inspectors) for _, inspectors in draw.assignments], f"Draw({draw.id})"


# ============================================================================================
# 2. node(id) of every row


@pytest.mark.parametrize("table,type_name,attr", [
    ("announcement", "Announcement", "announcements"),
    ("inspection", "Inspection", "inspections"),
    ("inspector", "Inspector", "inspectors"),
    ("draw", "Draw", "draws"),
    ("audit_event", "AuditEvent", "audit_events"),
], ids=["announcement", "inspection", "inspector", "draw", "audit_event"])
async def test_node_lookup_of_every_row(case: Case, api: Any, table: str, type_name: str,
                                        attr: str) -> None:
    rows: dict[int, Any] = getattr(case.snap, attr)
    want: frozenset[int] = getattr(case.exp, attr)
    ids = _lookup_ids(rows)
    parts = [(f"n{i}", f'node(id: "{gid(type_name, i)}") {{ __typename id }}') for i in ids]
    data = await batched(api, case.token, parts)
    shown = []
    for i in ids:
        got = data[f"n{i}"]
        if got is not None:
            assert got == {"__typename": type_name, "id": gid(type_name, i)}, got
            shown.append(i)
    _same(case, table, shown, want, f"node(id) on {table}")


# ============================================================================================
# 3. Nested references (with the private fields of the referenced agency)


def _assert_agency_ref(case: Case, ref: dict[str, Any] | None, agency_id: int,
                       where: str) -> None:
    if agency_id not in case.exp.agencies:
        assert ref is None, f"{case.spec.key} {where}: shows Agency {agency_id} out of scope"
        return
    assert ref is not None, f"{case.spec.key} {where}: hides Agency {agency_id} in scope"
    assert ref["id"] == gid("Agency", agency_id), f"{case.spec.key} {where}: wrong agency"
    _assert_private(case, agency_id, ref, where)


async def test_announcement_agency_reference(case: Case) -> None:
    for node in case.view.announcements.nodes:
        a = case.snap.announcements[pk("Announcement", node["id"])]
        _assert_agency_ref(case, node["agency"], a.agency_id, f"Announcement({a.id}).agency")


async def test_inspection_agency_and_site_references(case: Case) -> None:
    for node in case.view.inspections.nodes:
        i = case.snap.inspections[pk("Inspection", node["id"])]
        _assert_agency_ref(case, node["agency"], i.agency_id, f"Inspection({i.id}).agency")
        where = f"{case.spec.key} Inspection({i.id}).site"
        if i.site_id is None or i.site_id not in case.exp.sites:
            assert node["site"] is None, f"{where}: shows Site {i.site_id} out of scope"
        else:
            assert node["site"] == {"id": gid("Site", i.site_id)}, (
                f"{where}: {node['site']}, expected Site {i.site_id} (in scope)")


async def test_draw_assignment_agency_references(case: Case) -> None:
    for node in case.view.draws.nodes:
        d = case.snap.draws[pk("Draw", node["id"])]
        assert len(node["assignments"]) == len(d.assignments), f"Draw({d.id}).assignments"
        for n, (got, (agency_id, _)) in enumerate(zip(node["assignments"], d.assignments,
                                                      strict=True)):
            _assert_agency_ref(case, got["agency"], agency_id,
                               f"Draw({d.id}).assignments[{n}].agency")


# ============================================================================================
# 4. verifyDraw


async def test_verify_draw_of_every_draw(case: Case, api: Any) -> None:
    ids = _lookup_ids(case.snap.draws)
    parts = [(f"v{i}", f'verifyDraw(id: "{gid("Draw", i)}")') for i in ids]
    an_agency = gid("Agency", next(iter(case.snap.base.agencies)))
    parts += [("wrongType", f'verifyDraw(id: "{an_agency}")'),
              ("garbage", 'verifyDraw(id: "not-an-id")')]
    data = await batched(api, case.token, parts)
    # The demo's draws (made by `registry seed --demo`) verify. Draws other test modules made
    # through the API (some tampered with on purpose) and the probe draw (whose hashes are not
    # real) may or may not verify, but never when out of scope.
    demo_draws = {d.id for d in case.snap.draws.values()
                  if d.seeded and d.id not in case.probes.ids("draw")}
    assert demo_draws, "no demo draw"
    for i in ids:
        visible = i in case.exp.draws
        where = f"{case.spec.key} verifyDraw(Draw {i}, visible={visible})"
        if i not in case.snap.draws or not visible:
            assert data[f"v{i}"] is False, where
        elif i in demo_draws:
            assert data[f"v{i}"] is True, where
    assert data["wrongType"] is False and data["garbage"] is False


# ============================================================================================
# 5. supervisionMode / incentives


def _assert_private(case: Case, agency_id: int, node: dict[str, Any], where: str) -> None:
    got = (node["supervisionMode"], node["incentives"])
    row = case.snap.base.agencies[agency_id]
    desc = (f"{case.spec.key} {where} Agency({agency_id}, {row.name}, {row.state}, filed with "
            f"{row.filing_region}): supervisionMode/incentives {got}")
    if agency_id in case.exp.supervision_fields:
        assert got[0] is not None and got[1] is not None, f"{desc}, expected both non-null"
    else:
        assert got == (None, None), f"{desc}, expected both null"


async def test_supervision_fields_of_every_listed_agency(case: Case) -> None:
    listing = case.view.agencies
    _same(case, "agency", listing.ids(), case.exp.agencies, "agencies")
    for node in listing.nodes:
        _assert_private(case, pk("Agency", node["id"]), node, "agencies")


async def test_supervision_fields_on_agency_lookup(case: Case, api: Any) -> None:
    ids = _lookup_ids(case.snap.base.agencies)
    parts = [(f"a{i}", f'agency(id: "{gid("Agency", i)}") {{ id supervisionMode incentives }}')
             for i in ids]
    parts += [(f"n{i}", f'node(id: "{gid("Agency", i)}") {{ ... on Agency '
                        f'{{ id supervisionMode incentives }} }}') for i in ids]
    data = await batched(api, case.token, parts)
    for prefix in ("a", "n"):
        shown = []
        for i in ids:
            got = data[f"{prefix}{i}"]
            if got is None:
                continue
            assert got["id"] == gid("Agency", i)
            shown.append(i)
            _assert_private(case, i, got, "agency(id)" if prefix == "a" else "node(id)")
        _same(case, "agency", shown, case.exp.agencies, f"{prefix}: agency lookups")


# ============================================================================================
# 6. Filters never widen the scope


def _check_filtered(case: Case, table: str, root: str, filters: dict[str, dict[str, Any]],
                    want: dict[str, set[int]], got: dict[str, tuple[list[int], int]]) -> None:
    for name, (ids, total) in got.items():
        where = f"{root}(filter: {filters[name]})"
        _same(case, table, ids, want[name], where)
        assert total == len(want[name]), f"{case.spec.key} {where}: totalCount {total}"


async def test_inspection_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for a in sorted(snap.base.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = {i for i in exp.inspections if snap.inspections[i].agency_id == a}
    for kind in ("EXTERNAL", "INTERNAL"):
        filters[f"k{kind}"] = {"kind": Lit(kind)}
        want[f"k{kind}"] = {i for i in exp.inspections if snap.inspections[i].kind == kind}
    for result in ("QUALIFIED", "UNQUALIFIED"):
        filters[f"r{result}"] = {"result": Lit(result)}
        want[f"r{result}"] = {i for i in exp.inspections if snap.inspections[i].result == result}
    got = await filtered_ids(api, case.token, "inspections", filters)
    _check_filtered(case, "inspection", "inspections", filters, want, got)


async def test_announcement_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for a in sorted(snap.base.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = {i for i in exp.announcements if snap.announcements[i].agency_id == a}
    for kind in ("INFO_CHANGE", "TERMINATION", "SANCTION"):
        filters[f"k{kind}"] = {"kind": Lit(kind)}
        want[f"k{kind}"] = {i for i in exp.announcements if snap.announcements[i].kind == kind}
    got = await filtered_ids(api, case.token, "announcements", filters)
    _check_filtered(case, "announcement", "announcements", filters, want, got)


async def test_audit_event_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for a in sorted(snap.base.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = {e for e in exp.audit_events if snap.audit_events[e].agency_id == a}
    for n, action in enumerate(sorted({e.action for e in snap.audit_events.values()})):
        filters[f"x{n}"] = {"action": action}
        want[f"x{n}"] = {e for e in exp.audit_events if snap.audit_events[e].action == action}
    got = await filtered_ids(api, case.token, "auditEvents", filters)
    _check_filtered(case, "audit_event", "auditEvents", filters, want, got)


# ============================================================================================
# Sanity: each rule decides at least one row


CITY_KEYS = ("city-350200-xiamen", "city-350128-pingtan")


def _actors(base: Snapshot) -> dict[str, Actor]:
    return {spec.key: resolve(spec, base) for spec in ACTOR_SPECS}


def exercised(snap: SupervisionSnapshot, ignore: dict[str, set[int]]) -> dict[str, list[Any]]:
    """Rows that one branch of a rule alone decides, per branch; rows of `ignore` skipped."""
    o = SupervisionOracle(snap)
    base = snap.base
    actors = _actors(base)
    public = actors["public"]
    cities = [actors[k] for k in CITY_KEYS]
    agencies = [a for k, a in actors.items() if a.role == AGENCY]
    found: dict[str, list[Any]] = {}

    def note(name: str, *row: Any) -> None:
        found.setdefault(name, []).append(row)

    announcements = [a for a in snap.announcements.values()
                     if a.id not in ignore.get("announcement", set())]
    inspections = [i for i in snap.inspections.values()
                   if i.id not in ignore.get("inspection", set())]
    draws = [d for d in snap.draws.values() if d.id not in ignore.get("draw", set())]
    events = [e for e in snap.audit_events.values()
              if e.id not in ignore.get("audit_event", set())]
    found.update({k: [] for k in (
        "announcement: published (PUBLIC sees)", "announcement: unpublished, hidden from PUBLIC",
        "announcement: unpublished, a city sees it only as its author",
        "announcement: unpublished, hidden from a city",
        "announcement: visible, its agency hidden (agency null)",
        "inspection: published (PUBLIC sees)", "inspection: unpublished, hidden from PUBLIC",
        "inspection: a city sees it only as its authority",
        "inspection: a city sees it only through its site located in the city",
        "inspection: a city sees it only through its agency filed with the city",
        "inspection: a city sees it only because it is published",
        "inspection: unpublished, hidden from a city",
        "inspection: an AGENCY actor sees its own unpublished one",
        "inspection: unpublished, of another agency, hidden from an AGENCY actor",
        "inspection: visible, its agency hidden (agency null)",
        "inspection: visible, its site hidden (site null)",
        "inspection: visible, its site shown",
        "inspector: a city sees one of its own", "inspector: hidden from a city",
        "draw: published (PUBLIC sees)", "draw: unpublished, hidden from PUBLIC",
        "draw: unpublished, a city sees it only as its author",
        "draw: visible, an assigned agency hidden (agency null)",
        "draw: visible, an assigned agency shown",
        "supervision fields: a city sees them only through operates-in",
        "supervision fields: shown to an AGENCY actor for itself only",
        "supervision fields: a visible agency whose fields a city may not see",
        "audit: a city sees it only through its region",
        "audit: a city sees it only through its agency filed with the city",
        "audit: a city sees it only through its agency operating in the city",
        "audit: hidden from a city",
    )})

    for a in announcements:
        if a.published:
            note("announcement: published (PUBLIC sees)", a.id)
        else:
            note("announcement: unpublished, hidden from PUBLIC", a.id)
        for actor in [public, *cities, *agencies]:
            if o.announcement_visible(actor, a.id) and not o.agency_visible(actor, a.agency_id):
                note("announcement: visible, its agency hidden (agency null)", actor, a.id)
        for c in cities:
            if not a.published and a.authority == c.region:
                note("announcement: unpublished, a city sees it only as its author", c.region,
                     a.id)
            if not o.announcement_visible(c, a.id):
                note("announcement: unpublished, hidden from a city", c.region, a.id)

    for i in inspections:
        note("inspection: published (PUBLIC sees)" if i.published
             else "inspection: unpublished, hidden from PUBLIC", i.id)
        for c in cities:
            assert c.region
            by = {
                "authority": i.authority == c.region,
                "site": i.site_id is not None and base.sites[i.site_id].region == c.region,
                "filed": o.base.filed_with(i.agency_id, c.region),
                "published": i.published,
            }
            only = [k for k, v in by.items() if v]
            if len(only) == 1:
                note({"authority": "inspection: a city sees it only as its authority",
                      "site": "inspection: a city sees it only through its site located in the "
                              "city",
                      "filed": "inspection: a city sees it only through its agency filed with "
                               "the city",
                      "published": "inspection: a city sees it only because it is published",
                      }[only[0]], c.region, i.id)
            if not only:
                note("inspection: unpublished, hidden from a city", c.region, i.id)
        for ag in agencies:
            if not i.published and i.agency_id == ag.agency_id:
                note("inspection: an AGENCY actor sees its own unpublished one", ag.agency_id,
                     i.id)
            if not i.published and i.agency_id != ag.agency_id:
                note("inspection: unpublished, of another agency, hidden from an AGENCY actor",
                     ag.agency_id, i.id)
        for actor in [public, *cities, *agencies]:
            if not o.inspection_visible(actor, i.id):
                continue
            if not o.agency_visible(actor, i.agency_id):
                note("inspection: visible, its agency hidden (agency null)", actor, i.id)
            if i.site_id is not None and not o.site_visible(actor, i.site_id):
                note("inspection: visible, its site hidden (site null)", actor, i.id)
            if i.site_id is not None and o.site_visible(actor, i.site_id):
                note("inspection: visible, its site shown", actor, i.id)

    for r in snap.inspectors.values():
        for c in cities:
            note("inspector: a city sees one of its own" if r.region == c.region
                 else "inspector: hidden from a city", c.region, r.id)

    for d in draws:
        note("draw: published (PUBLIC sees)" if d.published
             else "draw: unpublished, hidden from PUBLIC", d.id)
        for c in cities:
            if not d.published and d.authority == c.region:
                note("draw: unpublished, a city sees it only as its author", c.region, d.id)
        for actor in [public, *cities, *agencies]:
            if not o.draw_visible(actor, d.id):
                continue
            for agency_id, _ in d.assignments:
                note("draw: visible, an assigned agency hidden (agency null)"
                     if not o.agency_visible(actor, agency_id)
                     else "draw: visible, an assigned agency shown", actor, d.id, agency_id)

    for agency_id in base.agencies:
        if agency_id in ignore.get("agency", set()):
            continue
        for c in cities:
            assert c.region
            if (o.base.operates_in(agency_id, c.region)
                    and not o.base.filed_with(agency_id, c.region)):
                note("supervision fields: a city sees them only through operates-in",
                     c.region, agency_id)
            if o.agency_visible(c, agency_id) and not o.supervision_fields_visible(c, agency_id):
                note("supervision fields: a visible agency whose fields a city may not see",
                     c.region, agency_id)
        for ag in agencies:
            if o.supervision_fields_visible(ag, agency_id):
                note("supervision fields: shown to an AGENCY actor for itself only",
                     ag.agency_id, agency_id)
                assert agency_id == ag.agency_id

    for e in events:
        for c in cities:
            assert c.region
            by = {
                "region": e.region == c.region,
                "filed": e.agency_id is not None and o.base.filed_with(e.agency_id, c.region),
                "operates": e.agency_id is not None and o.base.operates_in(e.agency_id,
                                                                           c.region),
            }
            only = [k for k, v in by.items() if v]
            if len(only) == 1:
                note({"region": "audit: a city sees it only through its region",
                      "filed": "audit: a city sees it only through its agency filed with the "
                               "city",
                      "operates": "audit: a city sees it only through its agency operating in "
                                  "the city"}[only[0]], c.region, e.id)
            if not only:
                note("audit: hidden from a city", c.region, e.id)
    return found


# States the product never creates (every notice it writes is published, draws and inspections
# concern agencies that are already public, a city records inspections only within its
# jurisdiction, an agency's events carry its own region): the probe rows cover these instead.
NOT_PRODUCED_BY_DEMO = {
    "announcement: unpublished, a city sees it only as its author",
    "announcement: unpublished, hidden from PUBLIC",
    "announcement: unpublished, hidden from a city",
    "announcement: visible, its agency hidden (agency null)",
    "draw: visible, an assigned agency hidden (agency null)",
    "inspection: a city sees it only as its authority",
    "inspection: visible, its agency hidden (agency null)",
    "inspection: visible, its site hidden (site null)",
    "audit: a city sees it only through its agency filed with the city",
}


def test_sanity_demo_data_decides_every_rule(snapshot: SupervisionSnapshot,
                                             probes: Probes) -> None:
    """The rows there before the probes (run alone: the demo data; after other modules, also
    what they wrote): a failure lists what server/demo.py lacks."""
    ignore = {t: probes.ids(t)
              for t in ("announcement", "inspection", "draw", "audit_event", "agency")}
    found = exercised(snapshot, ignore)
    missing = sorted(k for k, v in found.items() if not v and k not in NOT_PRODUCED_BY_DEMO)
    assert not missing, "demo data never decides:\n  " + "\n  ".join(missing)


def test_sanity_demo_and_probes_decide_every_rule(snapshot: SupervisionSnapshot) -> None:
    """With the probe rows, every branch is decided by at least one row, so the matrix above
    checks the API on each of them."""
    found = exercised(snapshot, {})
    missing = sorted(k for k, v in found.items() if not v)
    assert not missing, f"never decided: {missing}"


def test_sanity_probe_rows_decide_what_they_are_named_for(
        snapshot: SupervisionSnapshot, probes: Probes) -> None:
    o = SupervisionOracle(snapshot)
    actors = _actors(snapshot.base)
    xiamen, pingtan = actors["city-350200-xiamen"], actors["city-350128-pingtan"]
    public, province = actors["public"], actors["province"]
    multi_agency = actors["agency-provincial-multicity"]

    def sees(actor: Actor, table: str, name: str) -> bool:
        row = getattr(probes, table)[name]
        return {"inspection": o.inspection_visible, "announcement": o.announcement_visible,
                "draw": o.draw_visible, "audit_event": o.audit_visible}[table](actor, row)

    i = "inspection"
    assert sees(xiamen, i, "unpublished, only its site is in 厦门")
    assert not sees(pingtan, i, "unpublished, only its site is in 厦门")
    assert sees(multi_agency, i, "unpublished, only its site is in 厦门")
    assert not sees(public, i, "unpublished, only its site is in 厦门")
    assert sees(pingtan, i, "unpublished, only its site is in 平潭")
    assert not sees(xiamen, i, "unpublished, only its site is in 平潭")
    assert sees(xiamen, i, "unpublished, only its agency is filed with 厦门")
    assert not sees(pingtan, i, "unpublished, only its agency is filed with 厦门")
    assert sees(pingtan, i, "unpublished, only made by 平潭, no site")
    assert not sees(xiamen, i, "unpublished, only made by 平潭, no site")
    assert sees(public, i, "published, of a PENDING agency at its non-public site")
    a = "announcement"
    assert sees(xiamen, a, "unpublished, made by 厦门")
    assert not sees(pingtan, a, "unpublished, made by 厦门")
    assert not sees(public, a, "unpublished, made by 厦门")
    assert sees(public, "draw", "published, assigning a PENDING 平潭 agency")
    e = "audit_event"
    assert sees(pingtan, e, "placed in 平潭, about an agency not in 平潭")
    assert sees(xiamen, e, "placed in 厦门, about no agency")
    assert not sees(pingtan, e, "placed in 厦门, about no agency")
    assert sees(xiamen, e, "placed nowhere, about an agency filed with 厦门 and with no site")
    assert not sees(pingtan, e, "placed nowhere, about an agency filed with 厦门 and with no site")
    assert not any(sees(c, e, "placed nowhere, about no agency") for c in (xiamen, pingtan))
    assert sees(province, e, "placed nowhere, about no agency")


def test_sanity_matrix_sets_are_ordered(snapshot: SupervisionSnapshot) -> None:
    """PUBLIC ⊂ each city ⊂ PROVINCE where the rules say so, and nothing is empty."""
    actors = _actors(snapshot.base)
    exp = {k: expected_supervision(snapshot, a) for k, a in actors.items()}
    public, province = exp["public"], exp["province"]
    assert public.announcements and public.inspections and public.draws
    assert not public.inspectors and not public.audit_events and not public.supervision_fields
    assert province.inspectors == frozenset(snapshot.inspectors)
    assert province.audit_events == frozenset(snapshot.audit_events)
    for key in CITY_KEYS:
        city = exp[key]
        assert public.inspections < city.inspections < province.inspections, key
        assert public.draws <= city.draws <= province.draws, key
        assert public.announcements <= city.announcements <= province.announcements, key
        assert city.inspectors and city.inspectors < province.inspectors, key
        assert city.audit_events and city.audit_events < province.audit_events, key
    for key in ("agency-city-active", "agency-provincial-multicity"):
        mine = exp[key]
        assert public.inspections <= mine.inspections, key
        assert not mine.inspectors and not mine.audit_events, key
        assert mine.announcements == public.announcements and mine.draws == public.draws, key
