"""THE role x scope matrix (DESIGN §6): what every actor sees, through HTTP, row by row.

For each actor (PUBLIC, PROVINCE, CITY 厦门 350200, CITY 平潭 350128, an ACTIVE city-level
agency and a provincial agency with sites in several cities) and each resource (agency, its
contact fields, site, filing, sanction, audit event) the API's answers are compared with an
independent oracle (tests/oracle.py: raw SQL rows + the §6 table rewritten in plain Python):

1. root lists, paged with `first: 100` / `after`: the id set, no duplicates, `totalCount`;
2. lookups by id of EVERY row (and of ids that do not exist): `node(id)` and `agency(id)`;
3. nested connections `Agency.sites / filings / sanctions` and their `totalCount`;
4. nested references `Site.agency`, `Filing.agency`, `Filing.items[].site`, `Sanction.agency`,
   `Sanction.escalatedFrom`: non-null exactly when the target is visible;
5. contact fields on every visible agency (lists and lookups);
6. filters never widen the scope;
plus sanity checks that the demo data makes each of these distinctions actually matter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise import connections

from schema.core.ids import from_global_id, to_global_id
from server.demo import DEMO_CREDIT_CODES
from tests.oracle import (
    AGENCY,
    CITY,
    PROVINCE,
    PUBLIC,
    Actor,
    Expected,
    Oracle,
    Snapshot,
    expected,
    load_snapshot,
)

PAGE = 100
# Nested pages are smaller so a full root page stays within the query cost budget.
NESTED_PAGE = 20
# Requests stay within the shipped limits (aliases ≤ 15, tokens ≤ 1000).
BATCH = 10
XIAMEN = "350200"
PINGTAN = "350128"


# ============================================================================================
# Actors


@dataclass(frozen=True)
class ActorSpec:
    key: str
    role: str
    region: str | None = None
    pick: str | None = None  # how to choose the agency of an AGENCY actor


ACTOR_SPECS = [
    ActorSpec("public", PUBLIC),
    ActorSpec("province", PROVINCE),
    ActorSpec("city-350200-xiamen", CITY, region=XIAMEN),
    ActorSpec("city-350128-pingtan", CITY, region=PINGTAN),
    ActorSpec("agency-city-active", AGENCY, pick="city"),
    ActorSpec("agency-provincial-multicity", AGENCY, pick="provincial"),
]


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _not_expired(snap: Snapshot, agency_id: int) -> bool:
    valid_until = snap.agencies[agency_id].valid_until
    return valid_until is None or valid_until >= _today()


def pick_city_agency(snap: Snapshot) -> int:
    """厦门's ACTIVE catering employer: the demo's city agency with the most private records
    (a rejected scope change, a site on no approved filing, an unpublished interview), so the
    AGENCY column is tested where it differs from PUBLIC."""
    a = snap.agency_by_credit_code(DEMO_CREDIT_CODES["xiamen_catering"])
    assert a.level == "CITY" and a.state == "ACTIVE" and _not_expired(snap, a.id), a
    return a.id


def pick_provincial_agency(snap: Snapshot) -> int:
    """The demo's PROVINCIAL employer with sites in five cities."""
    a = snap.agency_by_credit_code(DEMO_CREDIT_CODES["provincial_multi_city"])
    assert a.level == "PROVINCIAL", a
    return a.id


def resolve(spec: ActorSpec, snap: Snapshot) -> Actor:
    if spec.role != AGENCY:
        return Actor(spec.role, region=spec.region)
    chooser = {"city": pick_city_agency, "provincial": pick_provincial_agency}[spec.pick or ""]
    return Actor(AGENCY, agency_id=chooser(snap))


def token_for(api: Any, actor: Actor, snap: Snapshot) -> str | None:
    if actor.role == PUBLIC:
        return None
    if actor.role == PROVINCE:
        return str(api.token("PROVINCE"))
    if actor.role == CITY:
        return str(api.token("CITY", region=actor.region))
    assert actor.agency_id is not None
    return str(api.token("AGENCY", agency=snap.agencies[actor.agency_id].credit_code))


# ============================================================================================
# HTTP: queries and paging (nothing here knows the rules)


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def pk(type_name: str, global_id: str) -> int:
    parsed = from_global_id(global_id)
    assert parsed is not None and parsed[0] == type_name, (type_name, global_id)
    return parsed[1]


CONN = "totalCount pageInfo { hasNextPage endCursor } edges { cursor node { %s } }"
NESTED_IDS = CONN % "id"

AGENCY_FIELDS = f"""
  id creditCode contactName contactPhone
  sites(first: {NESTED_PAGE}) {{ {NESTED_IDS} }}
  filings(first: {NESTED_PAGE}) {{ {NESTED_IDS} }}
  sanctions(first: {NESTED_PAGE}) {{ {NESTED_IDS} }}
"""
SITE_FIELDS = "id agency { id }"
FILING_FIELDS = "id agency { id } items { occupationCode level site { id } }"
SANCTION_FIELDS = "id published agency { id } escalatedFrom { id }"

ROOTS = {
    # root field -> (filter input type, node selection, node type)
    "agencies": ("AgencyFilter", AGENCY_FIELDS, "Agency"),
    "sites": ("SiteFilter", SITE_FIELDS, "Site"),
    "filings": ("FilingFilter", FILING_FIELDS, "Filing"),
    "sanctions": ("SanctionFilter", SANCTION_FIELDS, "Sanction"),
}


@dataclass
class Listing:
    nodes: list[dict[str, Any]]
    total_counts: list[int]  # as reported on each page

    def ids(self, type_name: str) -> list[int]:
        return [pk(type_name, n["id"]) for n in self.nodes]


def _check_page(conn: dict[str, Any], where: str, size: int = PAGE) -> None:
    edges, info = conn["edges"], conn["pageInfo"]
    if info["hasNextPage"]:
        assert len(edges) == size, f"{where}: a page before the last holds {len(edges)} rows"
        assert info["endCursor"] == edges[-1]["cursor"], where
    assert len(edges) <= size, where


async def list_all(api: Any, token: str | None, root: str,
                   filter: dict[str, Any] | None = None,
                   selection: str | None = None) -> Listing:
    """Every node of a root connection, following `after` cursors."""
    filter_type, default_selection, _ = ROOTS[root]
    query = (f"query($after: String, $filter: {filter_type}) {{ conn: {root}(first: {PAGE}, "
             f"after: $after, filter: $filter) {{ {CONN % (selection or default_selection)} }} }}")
    nodes: list[dict[str, Any]] = []
    totals: list[int] = []
    after = None
    for _ in range(10_000):
        conn = (await api.query(query, {"after": after, "filter": filter}, token))["conn"]
        _check_page(conn, f"{root}({filter})")
        nodes += [e["node"] for e in conn["edges"]]
        totals.append(conn["totalCount"])
        if not conn["pageInfo"]["hasNextPage"]:
            return Listing(nodes, totals)
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError(f"{root}: paging never ends")


async def nested_ids(api: Any, token: str | None, agency_gid: str, field: str,
                     first_page: dict[str, Any], type_name: str) -> tuple[list[int], int]:
    """All ids of `agency.<field>`, continuing past the first page if there is more."""
    _check_page(first_page, f"Agency.{field}", NESTED_PAGE)
    ids = [pk(type_name, e["node"]["id"]) for e in first_page["edges"]]
    conn = first_page
    query = (f"query($id: ID!, $after: String) {{ agency(id: $id) {{ conn: {field}(first: "
             f"{PAGE}, after: $after) {{ {NESTED_IDS} }} }} }}")
    while conn["pageInfo"]["hasNextPage"]:
        data = await api.query(query, {"id": agency_gid, "after": conn["pageInfo"]["endCursor"]},
                               token)
        conn = data["agency"]["conn"]
        _check_page(conn, f"Agency.{field}")
        ids += [pk(type_name, e["node"]["id"]) for e in conn["edges"]]
    return ids, first_page["totalCount"]


async def batched(api: Any, token: str | None,
                  parts: list[tuple[str, str]]) -> dict[str, Any]:
    """Run many aliased root fields, BATCH to a request: parts are (alias, field text)."""
    out: dict[str, Any] = {}
    for i in range(0, len(parts), BATCH):
        chunk = parts[i:i + BATCH]
        body = "\n".join(f"{alias}: {text}" for alias, text in chunk)
        out.update(await api.query(f"query {{ {body} }}", None, token))
    return out


class Lit(str):
    """A GraphQL literal written as is (an enum value or a boolean), not as a string."""


async def filtered_ids(api: Any, token: str | None, root: str,
                       filters: dict[str, dict[str, Any]], type_name: str,
                       ) -> dict[str, tuple[list[int], int]]:
    """For each named filter: (ids over all pages, totalCount), aliased and batched."""

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
            listing = await list_all(api, token, root, variables, "id")
            out[name] = (listing.ids(type_name), conn["totalCount"])
        else:
            out[name] = ([pk(type_name, e["node"]["id"]) for e in conn["edges"]],
                         conn["totalCount"])
    return out


@dataclass
class View:
    """One actor's root lists, fetched once and checked by several tests."""

    agencies: Listing
    sites: Listing
    filings: Listing
    sanctions: Listing


async def fetch_view(api: Any, token: str | None) -> View:
    return View(
        agencies=await list_all(api, token, "agencies"),
        sites=await list_all(api, token, "sites"),
        filings=await list_all(api, token, "filings"),
        sanctions=await list_all(api, token, "sanctions"),
    )


# ============================================================================================
# Fixtures: one snapshot for the module, one resolved actor + view per parameter


@dataclass
class Case:
    spec: ActorSpec
    actor: Actor
    token: str | None
    snap: Snapshot
    oracle: Oracle
    exp: Expected
    view: View
    audit_probe: list[tuple[int, str]]


PROBE_ACTION = "scope_matrix_probe"


@pytest.fixture(scope="module")
async def audit_probe(database: str) -> AsyncIterator[list[tuple[int, str]]]:
    """So that "PUBLIC and AGENCY see no audit events" never holds vacuously, whatever trail
    the demo's operations left: insert a few events (about each agency actor's own agency, and
    about each city actor's region), shaped as models.audit.record writes them (object_id is
    the raw primary key), for this module, and remove them afterwards."""
    conn = connections.get("default")
    ids: list[int] = []
    probes: list[tuple[int, str]] = []
    for key in ("xiamen_catering", "provincial_multi_city"):
        found = await conn.execute_query_dict(
            "select id, filing_region_id from agency"
            f" where credit_code = '{DEMO_CREDIT_CODES[key]}'")
        ids.append(int(found[0]["id"]))
        probes.append((ids[-1], str(found[0]["filing_region_id"])))
    probes += [(ids[0], XIAMEN), (ids[1], PINGTAN)]
    for agency_id, region in probes:
        await conn.execute_script(
            "insert into audit_event (at, actor_role, actor_id, action, object_type, object_id,"
            f" agency_id, region_id) values (CURRENT_TIMESTAMP, 'PROVINCE', 'test',"
            f" '{PROBE_ACTION}', 'Agency', '{agency_id}', {agency_id},"
            f" '{region}')")
    yield probes
    await conn.execute_script(f"delete from audit_event where action = '{PROBE_ACTION}'")


@pytest.fixture(scope="module")
async def snapshot(audit_probe: list[tuple[int, str]]) -> Snapshot:
    return await load_snapshot()


@pytest.fixture(scope="module", params=ACTOR_SPECS, ids=[s.key for s in ACTOR_SPECS])
async def case(request: pytest.FixtureRequest, api: Any, snapshot: Snapshot,
               audit_probe: list[tuple[int, str]]) -> Case:
    spec: ActorSpec = request.param
    actor = resolve(spec, snapshot)
    token = token_for(api, actor, snapshot)
    return Case(spec, actor, token, snapshot, Oracle(snapshot), expected(snapshot, actor),
                await fetch_view(api, token), audit_probe)


def _describe(snap: Snapshot, table: str, ids: Iterable[int]) -> str:
    ids = sorted(ids)
    if table == "agency":
        return ", ".join(f"{i} ({snap.agencies[i].name}, {snap.agencies[i].state}, filed with "
                         f"{snap.agencies[i].filing_region})" for i in ids)
    return ", ".join(map(str, ids))


def assert_same(snap: Snapshot, table: str, got: Iterable[int], want: Iterable[int],
                where: str) -> None:
    got_list = list(got)
    duplicates = [i for i, n in Counter(got_list).items() if n > 1]
    assert not duplicates, f"{where}: {table} ids listed twice: {duplicates}"
    got_set, want_set = set(got_list), set(want)
    extra, missing = got_set - want_set, want_set - got_set
    assert not extra and not missing, (
        f"{where}: {table} shown but out of scope: [{_describe(snap, table, extra)}]; "
        f"in scope but not shown: [{_describe(snap, table, missing)}]"
    )


# ============================================================================================
# 1. Root lists


@pytest.mark.parametrize("root,table,type_name,attr", [
    ("agencies", "agency", "Agency", "agencies"),
    ("sites", "site", "Site", "sites"),
    ("filings", "filing", "Filing", "filings"),
    ("sanctions", "sanction", "Sanction", "sanctions"),
], ids=["agencies", "sites", "filings", "sanctions"])
async def test_root_list_is_exactly_the_scope(case: Case, root: str, table: str,
                                              type_name: str, attr: str) -> None:
    listing: Listing = getattr(case.view, attr)
    want: frozenset[int] = getattr(case.exp, attr)
    where = f"{case.spec.key} {root}"
    ids = listing.ids(type_name)
    assert_same(case.snap, table, ids, want, where)
    assert ids == sorted(ids), f"{where}: not in id order across pages"
    assert set(listing.total_counts) == {len(want)}, (
        f"{where}: totalCount {listing.total_counts}, expected {len(want)}")


async def test_audit_events(case: Case, api: Any) -> None:
    query = ("query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) "
             "{ totalCount edges { node { id objectId } } } }")
    conn = (await api.query(query, {"f": None}, case.token))["auditEvents"]
    assert case.snap.audit_event_count > 0, "no audit events to hide"
    if case.actor.role in (PUBLIC, AGENCY):
        assert conn == {"totalCount": 0, "edges": []}, f"{case.spec.key} sees audit events"
        if case.actor.agency_id is not None:  # not even the events about itself
            own = {"agencyId": gid("Agency", case.actor.agency_id)}
            data = await api.query(query, {"f": own}, case.token)
            assert data["auditEvents"] == {"totalCount": 0, "edges": []}
    elif case.actor.role == PROVINCE:
        assert conn["totalCount"] == case.snap.audit_event_count
    else:
        # DESIGN §6 "about records in c's scope": at least the events placed in the city and
        # those about agencies filed with it (the full CITY set is not asserted here).
        assert conn["totalCount"] <= case.snap.audit_event_count
        probe = {"action": PROBE_ACTION}
        data = await api.query(query, {"f": probe}, case.token)
        seen = {e["node"]["objectId"] for e in data["auditEvents"]["edges"]}
        region = case.actor.region
        must = {gid("Agency", a) for a, r in case.audit_probe
                if r == region or case.snap.agencies[a].filing_region == region}
        assert must and must <= seen, f"{case.spec.key}: audit events {must - seen} hidden"


# ============================================================================================
# 2. Lookups by id, for every row of every table (and ids that do not exist)


def _lookup_ids(ids: Iterable[int]) -> list[int]:
    ids = sorted(ids)
    top = ids[-1] if ids else 0
    return ids + [top + 1, top + 1000]  # missing rows answer like out-of-scope ones


@pytest.mark.parametrize("table,type_name,attr", [
    ("agency", "Agency", "agencies"),
    ("site", "Site", "sites"),
    ("filing", "Filing", "filings"),
    ("sanction", "Sanction", "sanctions"),
], ids=["agency", "site", "filing", "sanction"])
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
    assert_same(case.snap, table, shown, want, f"{case.spec.key} node(id) on {table}")


async def test_agency_lookup_of_every_row(case: Case, api: Any) -> None:
    """`agency(id)` of every agency: visibility and contact fields; other types' ids -> null."""
    ids = _lookup_ids(case.snap.agencies)
    parts = [(f"a{i}", f'agency(id: "{gid("Agency", i)}") {{ id contactName contactPhone }}')
             for i in ids]
    other = [gid("Site", next(iter(case.snap.sites))), gid("Filing", next(iter(case.snap.filings)))]
    parts += [(f"wrong{j}", f'agency(id: "{g}") {{ id }}') for j, g in enumerate(other)]
    parts += [("garbage", 'agency(id: "not-an-id") { id }')]
    data = await batched(api, case.token, parts)
    shown = []
    for i in ids:
        got = data[f"a{i}"]
        if got is None:
            continue
        assert got["id"] == gid("Agency", i)
        shown.append(i)
        _assert_contact(case, i, got, "agency(id)")
    assert_same(case.snap, "agency", shown, case.exp.agencies, f"{case.spec.key} agency(id)")
    assert all(data[f"wrong{j}"] is None for j in range(len(other)))
    assert data["garbage"] is None


# ============================================================================================
# 3. Nested connections under every visible agency


@pytest.mark.parametrize("field,table,type_name", [
    ("sites", "site", "Site"),
    ("filings", "filing", "Filing"),
    ("sanctions", "sanction", "Sanction"),
], ids=["sites", "filings", "sanctions"])
async def test_nested_connections_of_every_visible_agency(case: Case, api: Any, field: str,
                                                          table: str, type_name: str) -> None:
    snap, exp = case.snap, case.exp
    for node in case.view.agencies.nodes:
        a = pk("Agency", node["id"])
        if field == "sites":
            want = exp.sites & case.oracle.sites_of_agency(a)
        elif field == "filings":
            want = {f for f in exp.filings if snap.filings[f].agency_id == a}
        else:
            want = {s for s in exp.sanctions if snap.sanctions[s].agency_id == a}
        ids, total = await nested_ids(api, case.token, node["id"], field, node[field], type_name)
        where = f"{case.spec.key} Agency({a}).{field}"
        assert_same(snap, table, ids, want, where)
        assert ids == sorted(ids), f"{where}: not in id order"
        assert total == len(want), f"{where}: totalCount {total}, expected {len(want)}"


async def test_nested_counts_asked_alone(case: Case, api: Any) -> None:
    """`sites { totalCount }` on its own is answered by counting ids, without reading the
    venues: the count must still be exactly the venues in scope."""
    query = ("query($after: String) { agencies(first: 50, after: $after) { edges { node { id "
             "sites { totalCount } filings { totalCount } sanctions { totalCount } } } "
             "pageInfo { hasNextPage endCursor } } }")
    after, seen = None, 0
    while True:
        conn = (await api.query(query, {"after": after}, case.token))["agencies"]
        for edge in conn["edges"]:
            node, a = edge["node"], pk("Agency", edge["node"]["id"])
            seen += 1
            sites = case.exp.sites & case.oracle.sites_of_agency(a)
            filings = {f for f in case.exp.filings if case.snap.filings[f].agency_id == a}
            sanctions = {s for s in case.exp.sanctions if case.snap.sanctions[s].agency_id == a}
            where = f"{case.spec.key} Agency({a})"
            assert node["sites"]["totalCount"] == len(sites), f"{where}.sites"
            assert node["filings"]["totalCount"] == len(filings), f"{where}.filings"
            assert node["sanctions"]["totalCount"] == len(sanctions), f"{where}.sanctions"
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == len(case.exp.agencies)


# ============================================================================================
# 4. Nested references from every visible site, filing and sanction


def _assert_ref(case: Case, ref: dict[str, Any] | None, type_name: str, target: int | None,
                visible: bool, where: str) -> None:
    if target is None or not visible:
        assert ref is None, f"{case.spec.key} {where}: shows {type_name} {target} out of scope"
    else:
        assert ref is not None, f"{case.spec.key} {where}: hides {type_name} {target} in scope"
        assert ref["id"] == gid(type_name, target), f"{case.spec.key} {where}: wrong target"


async def test_site_agency_reference(case: Case) -> None:
    for node in case.view.sites.nodes:
        s = case.snap.sites[pk("Site", node["id"])]
        _assert_ref(case, node["agency"], "Agency", s.agency_id,
                    s.agency_id in case.exp.agencies, f"Site({s.id}).agency")


async def test_filing_agency_and_item_site_references(case: Case) -> None:
    for node in case.view.filings.nodes:
        f = case.snap.filings[pk("Filing", node["id"])]
        _assert_ref(case, node["agency"], "Agency", f.agency_id,
                    f.agency_id in case.exp.agencies, f"Filing({f.id}).agency")
        items = case.snap.items_of_filing.get(f.id, [])
        # a visible filing shows all its items; each item's site only if the site is visible
        want = Counter((i.occupation_code, i.level,
                        i.site_id if i.site_id in case.exp.sites else None) for i in items)
        got = Counter((i["occupationCode"], i["level"],
                       pk("Site", i["site"]["id"]) if i["site"] else None) for i in node["items"])
        assert got == want, (
            f"{case.spec.key} Filing({f.id}).items: got {sorted(got.items(), key=repr)}, "
            f"expected {sorted(want.items(), key=repr)} (item sites "
            f"{[i.site_id for i in items]}, of which visible "
            f"{[i.site_id for i in items if i.site_id in case.exp.sites]})")


async def test_sanction_agency_and_escalation_references(case: Case) -> None:
    for node in case.view.sanctions.nodes:
        s = case.snap.sanctions[pk("Sanction", node["id"])]
        assert node["published"] == s.published
        _assert_ref(case, node["agency"], "Agency", s.agency_id,
                    s.agency_id in case.exp.agencies, f"Sanction({s.id}).agency")
        _assert_ref(case, node["escalatedFrom"], "Sanction", s.escalated_from_id,
                    s.escalated_from_id in case.exp.sanctions, f"Sanction({s.id}).escalatedFrom")


# ============================================================================================
# 5. Contact fields


def _assert_contact(case: Case, agency_id: int, node: dict[str, Any], where: str) -> None:
    row = case.snap.agencies[agency_id]
    got = (node["contactName"], node["contactPhone"])
    if agency_id in case.exp.contacts:
        want: tuple[str | None, str | None] = (row.contact_name, row.contact_phone)
    else:
        want = (None, None)
    assert got == want, (f"{case.spec.key} {where} Agency({agency_id}, {row.name}, filed with "
                         f"{row.filing_region}): contact {got}, expected {want}")


async def test_contact_fields_of_every_visible_agency(case: Case) -> None:
    for node in case.view.agencies.nodes:
        _assert_contact(case, pk("Agency", node["id"]), node, "agencies")


# ============================================================================================
# 6. Filters never widen the scope


async def test_agency_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for code in sorted(snap.regions):
        filters[f"r{code}"] = {"filingRegionCode": code}
        want[f"r{code}"] = {a for a in exp.agencies if snap.agencies[a].filing_region == code}
    for level in ("PROVINCIAL", "CITY"):
        filters[f"l{level}"] = {"level": Lit(level)}
        want[f"l{level}"] = {a for a in exp.agencies if snap.agencies[a].level == level}
    filters["pending"] = {"status": Lit("PENDING")}
    want["pending"] = {a for a in exp.agencies if snap.agencies[a].state == "PENDING"}
    got = await filtered_ids(api, case.token, "agencies", filters, "Agency")
    for name, (ids, total) in got.items():
        where = f"{case.spec.key} agencies(filter: {filters[name]})"
        assert_same(snap, "agency", ids, want[name], where)
        assert total == len(want[name]), f"{where}: totalCount {total}"


async def test_site_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for code in sorted(snap.regions):
        filters[f"r{code}"] = {"regionCode": code}
        want[f"r{code}"] = {s for s in exp.sites if snap.sites[s].region == code}
    for a in sorted(snap.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = set(exp.sites & case.oracle.sites_of_agency(a))
    got = await filtered_ids(api, case.token, "sites", filters, "Site")
    for name, (ids, total) in got.items():
        where = f"{case.spec.key} sites(filter: {filters[name]})"
        assert_same(snap, "site", ids, want[name], where)
        assert total == len(want[name]), f"{where}: totalCount {total}"


async def test_filing_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for a in sorted(snap.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = {f for f in exp.filings if snap.filings[f].agency_id == a}
    for status in ("SUBMITTED", "APPROVED", "REJECTED", "WITHDRAWN"):
        filters[f"s{status}"] = {"status": Lit(status)}
        want[f"s{status}"] = {f for f in exp.filings if snap.filings[f].status == status}
    got = await filtered_ids(api, case.token, "filings", filters, "Filing")
    for name, (ids, total) in got.items():
        where = f"{case.spec.key} filings(filter: {filters[name]})"
        assert_same(snap, "filing", ids, want[name], where)
        assert total == len(want[name]), f"{where}: totalCount {total}"


async def test_sanction_filters_stay_in_scope(case: Case, api: Any) -> None:
    snap, exp = case.snap, case.exp
    filters: dict[str, dict[str, Any]] = {}
    want: dict[str, set[int]] = {}
    for a in sorted(snap.agencies):
        filters[f"a{a}"] = {"agencyId": gid("Agency", a)}
        want[f"a{a}"] = {s for s in exp.sanctions if snap.sanctions[s].agency_id == a}
    for published in (True, False):
        name = f"p{published}"
        filters[name] = {"published": Lit(str(published).lower())}
        want[name] = {s for s in exp.sanctions if snap.sanctions[s].published is published}
    got = await filtered_ids(api, case.token, "sanctions", filters, "Sanction")
    for name, (ids, total) in got.items():
        where = f"{case.spec.key} sanctions(filter: {filters[name]})"
        assert_same(snap, "sanction", ids, want[name], where)
        assert total == len(want[name]), f"{where}: totalCount {total}"


# ============================================================================================
# Sanity: the demo data makes every distinction of the matrix matter


@pytest.fixture(scope="module")
def matrix(snapshot: Snapshot) -> dict[str, tuple[Actor, Expected]]:
    out = {}
    for spec in ACTOR_SPECS:
        actor = resolve(spec, snapshot)
        out[spec.key] = (actor, expected(snapshot, actor))
    return out


def test_sanity_cities_sit_between_public_and_province(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    public, province = matrix["public"][1], matrix["province"][1]
    assert len(province.agencies) == len(snapshot.agencies)
    for key in ("city-350200-xiamen", "city-350128-pingtan"):
        actor, city = matrix[key]
        assert public.agencies < city.agencies < province.agencies, key
        assert public.sites < city.sites < province.sites, key
        assert public.filings < city.filings < province.filings, key
        assert public.sanctions < city.sanctions <= province.sanctions, key
        assert city.contacts and city.contacts < province.contacts, key
        assert actor.region is not None
        pending_here = [a for a in snapshot.agencies.values()
                        if a.filing_region == actor.region and a.state == "PENDING"]
        assert pending_here, f"{key}: no PENDING agency filed with the city"


def test_sanity_public_sees_less_than_province(
        matrix: dict[str, tuple[Actor, Expected]]) -> None:
    public, province = matrix["public"][1], matrix["province"][1]
    assert public.agencies and public.agencies < province.agencies
    assert public.sites and public.sites < province.sites
    assert public.filings and public.filings < province.filings
    assert public.sanctions and public.sanctions < province.sanctions
    assert not public.contacts


def test_sanity_expired_agencies_are_public(snapshot: Snapshot,
                                            matrix: dict[str, tuple[Actor, Expected]]) -> None:
    today = _today()
    expired = [a.id for a in snapshot.agencies.values()
               if a.state in ("ACTIVE", "SUSPENDED") and a.valid_until and a.valid_until < today]
    assert expired, "demo data has no EXPIRED agency"
    assert set(expired) <= matrix["public"][1].agencies


def test_sanity_contact_fields_are_filled(snapshot: Snapshot) -> None:
    """Otherwise a null contact would prove nothing. (Agencies other tests register may
    legitimately have none; the demo's all do.)"""
    demo = set(DEMO_CREDIT_CODES.values())
    empty = [a.id for a in snapshot.agencies.values()
             if a.credit_code in demo and (not a.contact_name or not a.contact_phone)]
    assert not empty, f"agencies without contact data: {empty}"


def test_sanity_agencies_see_their_private_records(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    public = matrix["public"][1]
    for key in ("agency-city-active", "agency-provincial-multicity"):
        actor, mine = matrix[key]
        a = actor.agency_id
        assert a is not None
        assert public.agencies <= mine.agencies and public.sites <= mine.sites
        assert mine.contacts == {a}, key
        own_unpublished = {s.id for s in snapshot.sanctions.values()
                           if s.agency_id == a and not s.published}
        assert own_unpublished <= mine.sanctions
        assert not (own_unpublished & public.sanctions)
    city_agency = matrix["agency-city-active"][0].agency_id
    assert any(s.agency_id == city_agency and not s.published
               for s in snapshot.sanctions.values()), (
        "the ACTIVE city agency has no unpublished sanction to see")
    extras = [(key, mine.filings - public.filings, mine.sites - public.sites)
              for key, (_, mine) in matrix.items() if key.startswith("agency-")]
    assert any(f for _, f, _ in extras), f"no AGENCY actor has a non-public filing: {extras}"
    assert any(s for _, _, s in extras), f"no AGENCY actor has a non-public site: {extras}"


def test_sanity_provincial_agency_spans_cities(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    actor = matrix["agency-provincial-multicity"][0]
    assert actor.agency_id is not None
    o = Oracle(snapshot)
    regions = {snapshot.sites[s].region for s in o.sites_of_agency(actor.agency_id)}
    assert len(regions) >= 2, regions


def test_sanity_each_city_rule_is_exercised(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    """Each disjunct of the CITY column decides at least one row for one of the two cities."""
    o = Oracle(snapshot)
    cities = [matrix[k][0].region for k in ("city-350200-xiamen", "city-350128-pingtan")]
    found: dict[str, list[tuple[str, int]]] = {k: [] for k in (
        "agency only via operates-in", "agency hidden from a city (pending, elsewhere)",
        "contact via operates-in", "site only via located-in", "site only via agency filed-with",
        "site hidden from a city", "filing only via item-in-city",
        "filing only via agency filed-with", "filing hidden from a city",
        "sanction only via filed-with/authority", "sanction hidden from a city")}
    for c in cities:
        assert c is not None
        for a in snapshot.agencies:
            filed, operates, public = o.filed_with(a, c), o.operates_in(a, c), o.public_agency(a)
            if operates and not filed and not public:
                found["agency only via operates-in"].append((c, a))
            if not (filed or operates or public):
                found["agency hidden from a city (pending, elsewhere)"].append((c, a))
            if operates and not filed:
                found["contact via operates-in"].append((c, a))
        for s in snapshot.sites.values():
            pub = o.public_site(s.id)
            if s.region == c and not o.filed_with(s.agency_id, c) and not pub:
                found["site only via located-in"].append((c, s.id))
            if s.region != c and o.filed_with(s.agency_id, c) and not pub:
                found["site only via agency filed-with"].append((c, s.id))
            if not o.site_visible(Actor(CITY, region=c), s.id):
                found["site hidden from a city"].append((c, s.id))
        for f in snapshot.filings.values():
            in_city = any(snapshot.sites[i.site_id].region == c
                          for i in snapshot.items_of_filing.get(f.id, []))
            filed = o.filed_with(f.agency_id, c) or f.authority == c
            pub = o.public_filing(f.id)
            if in_city and not filed and not pub:
                found["filing only via item-in-city"].append((c, f.id))
            if filed and not in_city and not pub:
                found["filing only via agency filed-with"].append((c, f.id))
            if not o.filing_visible(Actor(CITY, region=c), f.id):
                found["filing hidden from a city"].append((c, f.id))
        for sn in snapshot.sanctions.values():
            if (sn.authority == c or o.filed_with(sn.agency_id, c)) and not sn.published:
                found["sanction only via filed-with/authority"].append((c, sn.id))
            if not o.sanction_visible(Actor(CITY, region=c), sn.id):
                found["sanction hidden from a city"].append((c, sn.id))
    missing = [k for k, v in found.items() if not v]
    assert not missing, f"demo data never exercises: {missing}"


def test_sanity_filters_would_leak_without_scope(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    """平潭 filtering on 厦门's agencies / 福州's sites: the unscoped answer is strictly larger."""
    _, pingtan = matrix["city-350128-pingtan"]
    xiamen_agencies = {a for a in snapshot.agencies if snapshot.agencies[a].filing_region == XIAMEN}
    fuzhou_sites = {s for s in snapshot.sites if snapshot.sites[s].region == "350100"}
    assert xiamen_agencies - pingtan.agencies, "every 厦门 agency is visible to 平潭 anyway"
    assert fuzhou_sites - pingtan.sites, "every 福州 site is visible to 平潭 anyway"
    assert xiamen_agencies & pingtan.agencies and fuzhou_sites & pingtan.sites


def test_actor_ids_resolve_to_distinct_agencies(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    city = matrix["agency-city-active"][0].agency_id
    provincial = matrix["agency-provincial-multicity"][0].agency_id
    assert city is not None and provincial is not None and city != provincial
    assert snapshot.agencies[city].level == "CITY"
    assert snapshot.agencies[provincial].level == "PROVINCIAL"


# Cases the demo data must keep: each lets the matrix catch one more kind of bug.


def test_sanity_operates_in_through_a_filing_item_only(snapshot: Snapshot) -> None:
    """Without it, dropping the filing-item half of "operates in c" goes unnoticed."""
    o = Oracle(snapshot)
    cases = [
        (c, a) for c in (XIAMEN, PINGTAN) for a in snapshot.agencies
        if o.operates_in(a, c) and not o.filed_with(a, c)
        and not any(s.agency_id == a and s.region == c for s in snapshot.sites.values())
    ]
    assert cases


def test_sanity_agency_sees_a_foreign_site_through_its_filing(
        snapshot: Snapshot, matrix: dict[str, tuple[Actor, Expected]]) -> None:
    """Without it, dropping "on a's filings" from the AGENCY site scope goes unnoticed."""
    o = Oracle(snapshot)
    cases = [
        (key, s) for key, (actor, _) in matrix.items() if actor.agency_id is not None
        for s in o.sites_of_agency(actor.agency_id)
        if snapshot.sites[s].agency_id != actor.agency_id and not o.public_site(s)
    ]
    assert cases
