"""THE write half of the scope matrix for the supervision mutations (DESIGN §6 "Writes"):
issueSanction, confirmSanction, acceptRectification, registerInspector, recordInspection,
drawInspections, recommendUpgrade, approveUpgrade, recommendNational x every actor.

Actors, as in tests/test_write_matrix.py: PROVINCE; the CITY the target belongs to (福州 350100:
the agency's filing city, or for the provincial agency the city its site lies in); another CITY
(厦门 350200); 平潭 350128 (a peer of the cities, NOT part of 福州); the AGENCY itself; another
AGENCY (an ACTIVE 厦门 agency); PUBLIC (no token).

Targets: a CITY-level agency filed with 福州 and a PROVINCIAL agency with a site in 福州, both
ACTIVE through importFiling; sanctions on them (a published Art. 22 rectification, an unpublished
Art. 23(11) revocation PROPOSED after three UNQUALIFIED external inspections); inspector pools.

Expected outcomes, from the writes table and policies/policy.csv:
  issueSanction, confirmSanction,   the agency's filing authority; PROVINCE any. A city never
  acceptRectification               sanctions a provincial agency.
  registerInspector                 PROVINCE any region; CITY its own region only
  recordInspection                  PROVINCE any; CITY for agencies filed with it and for any
                                    agency's site located in it
  drawInspections                   PROVINCE (province-wide), CITY (its own scope)
  recommendUpgrade                  CITY, for its CITY-level agency (Art. 27)
  approveUpgrade, recommendNational PROVINCE (Art. 27, 28)
and from the read scope: a target the actor cannot see is NotFound; a visible target the actor
may not change is a RuleViolation citing its article; a refusal changes nothing (row counts of
sanction, inspection, inspector, inspector_conflict, draw, audit_event, announcement, filing,
site, and the target agency's row and sanctions).

A successful case builds fresh targets. Refusals leave their targets unchanged (asserted), so
the refusal cases of one row share targets built once per module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from models.enums import Role
from tests.support.fresh_agencies import DAY, Fresh, make_agency, mutate, outcome
from tests.support.supervision_calls import (
    ACCEPT,
    APPROVE_UPGRADE,
    CONFIRM,
    DRAW,
    ISSUE,
    RECOMMEND_NATIONAL,
    RECOMMEND_UPGRADE,
    RECORD,
    REGISTER_INSPECTOR,
    city,
    inspector,
    issued,
    recorded,
    world,
)

HOME, OTHER, PINGTAN, PROVINCE = "350100", "350200", "350128", "350000"
ACTORS = ("province", "city", "city-other", "city-pingtan", "agency", "agency-other", "public")
OK, RV, NF = "ok", "RuleViolation", "NotFound"
CITY_OF = {"city": HOME, "city-other": OTHER, "city-pingtan": PINGTAN}

# run(api, actor, token): the mutation's payload
Run = Callable[[Any, str, str | None], Awaitable[dict[str, Any]]]


@dataclass
class Case:
    run: Run
    agency: Fresh  # the AGENCY "itself", whose row and sanctions the picture includes
    extra: list[Fresh] = field(default_factory=list)

    async def picture(self) -> dict[str, Any]:
        return await world(self.agency, *self.extra)


# ============================================================================================
# Targets


async def city_agency(api: Any) -> Fresh:
    return await make_agency(api, region=HOME)


async def provincial_agency(api: Any) -> Fresh:
    return await make_agency(api, level="PROVINCIAL", site_regions=(HOME,))


def _issue(agency: Fresh) -> Run:
    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, ISSUE, {"agencyId": agency.id, "article": 22, "clause": 6,
                                         "facts": "矩阵督导发现的违规事实。"}, token)
    return run


async def issue_city(api: Any) -> Case:
    agency = await city_agency(api)
    return Case(_issue(agency), agency)


async def issue_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_issue(agency), agency)


async def _proposed(api: Any, agency: Fresh) -> str:
    """Three UNQUALIFIED external results (recorded by the province) propose an unpublished
    Art. 23(11) revocation."""
    proposal = None
    for back in (3, 2, 1):
        proposal = (await recorded(api, agency, DAY - timedelta(days=back)))["proposedSanction"]
    assert proposal is not None and proposal["status"] == "PROPOSED", proposal
    assert proposal["published"] is False, proposal
    return str(proposal["id"])


def _on_sanction(document: str, sanction_id: str) -> Run:
    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, document, {"sanctionId": sanction_id}, token)
    return run


async def confirm_city(api: Any) -> Case:
    agency = await city_agency(api)
    return Case(_on_sanction(CONFIRM, await _proposed(api, agency)), agency)


async def confirm_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_on_sanction(CONFIRM, await _proposed(api, agency)), agency)


async def accept_city(api: Any) -> Case:
    agency = await city_agency(api)
    notice = (await issued(api, agency, 22, 6))["sanction"]  # by the province: published
    return Case(_on_sanction(ACCEPT, notice["id"]), agency)


async def accept_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    notice = (await issued(api, agency, 22, 6))["sanction"]
    return Case(_on_sanction(ACCEPT, notice["id"]), agency)


def _register_inspector(region: str) -> Run:
    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, REGISTER_INSPECTOR, {"name": "矩阵督导员",
                                                      "regionCode": region}, token)
    return run


async def inspector_home(api: Any) -> Case:
    return Case(_register_inspector(HOME), await city_agency(api))


async def inspector_province(api: Any) -> Case:
    return Case(_register_inspector(PROVINCE), await city_agency(api))


def _record(agency: Fresh, site_id: str | None) -> Run:
    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        payload = {"agencyId": agency.id, "kind": "EXTERNAL", "mode": "EVERY_EXAM",
                   "date": DAY.isoformat(), "result": "QUALIFIED"}
        if site_id is not None:
            payload["siteId"] = site_id
        return await mutate(api, RECORD, payload, token)
    return run


async def record_city(api: Any) -> Case:
    agency = await city_agency(api)
    return Case(_record(agency, None), agency)


async def record_city_at_site(api: Any) -> Case:
    agency = await city_agency(api)
    return Case(_record(agency, agency.site_ids[0]), agency)


async def record_provincial_at_site(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_record(agency, agency.site_ids[0]), agency)


async def record_city_at_site_in_other(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, site_regions=(HOME, OTHER))
    return Case(_record(agency, agency.site_ids[1]), agency)


async def record_provincial_at_site_in_other(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME, OTHER))
    return Case(_record(agency, agency.site_ids[1]), agency)


async def record_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_record(agency, None), agency)


async def _pools(api: Any) -> dict[str, list[str]]:
    """Two inspectors in each pool, registered by the province."""
    return {region: [await inspector(api, region), await inspector(api, region)]
            for region in (PROVINCE, HOME, OTHER, PINGTAN)}


async def draw_own_pool(api: Any) -> Case:
    """Each department draws with its own pool (the province's for AGENCY and PUBLIC)."""
    pools = await _pools(api)

    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, DRAW, {"inspectorIds": pools[CITY_OF.get(actor, PROVINCE)],
                                        "count": 1, "inspectorsPerAgency": 1}, token)

    return Case(run, await city_agency(api))


async def draw_home_pool(api: Any) -> Case:
    """Everybody draws with 福州's pool: invisible to the other cities."""
    pools = await _pools(api)

    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, DRAW, {"inspectorIds": pools[HOME], "count": 1,
                                        "inspectorsPerAgency": 1}, token)

    return Case(run, await city_agency(api))


def _upgrade(document: str, agency: Fresh, **extra: Any) -> Run:
    async def run(api: Any, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, document, {"agencyId": agency.id, **extra}, token)
    return run


async def recommend_upgrade_city(api: Any) -> Case:
    agency = await city_agency(api)
    return Case(_upgrade(RECOMMEND_UPGRADE, agency, basis=[1]), agency)


async def recommend_upgrade_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_upgrade(RECOMMEND_UPGRADE, agency, basis=[1]), agency)


async def approve_upgrade_recommended(api: Any) -> Case:
    agency = await city_agency(api)
    recommended = await mutate(api, RECOMMEND_UPGRADE, {"agencyId": agency.id, "basis": [1]},
                               city(api, HOME))
    assert recommended["__typename"] == "UpgradeSuccess", recommended
    return Case(_upgrade(APPROVE_UPGRADE, agency), agency)


async def recommend_national_provincial(api: Any) -> Case:
    agency = await provincial_agency(api)
    return Case(_upgrade(RECOMMEND_NATIONAL, agency), agency)


# ============================================================================================
# The table: outcome per actor, in ACTORS order
#   province, city (福州), city-other (厦门), city-pingtan, agency itself, agency-other, public

MATRIX: dict[tuple[str, str], tuple[Callable[[Any], Awaitable[Case]], tuple[str, ...]]] = {
    ("issueSanction", "city-agency"):
        (issue_city, (OK, OK, RV, RV, RV, RV, RV)),
    # 福州 sees the provincial agency (it operates there) but never sanctions it.
    ("issueSanction", "provincial-agency"):
        (issue_provincial, (OK, RV, RV, RV, RV, RV, RV)),
    # A PROPOSED sanction is unpublished: only the province, the filing city and the agency
    # itself see it.
    ("confirmSanction", "proposed-of-city-agency"):
        (confirm_city, (OK, OK, NF, NF, RV, NF, NF)),
    ("confirmSanction", "proposed-of-provincial-agency"):
        (confirm_provincial, (OK, NF, NF, NF, RV, NF, NF)),
    # A rectification notice is published: everybody sees it.
    ("acceptRectification", "rectification-of-city-agency"):
        (accept_city, (OK, OK, RV, RV, RV, RV, RV)),
    ("acceptRectification", "rectification-of-provincial-agency"):
        (accept_provincial, (OK, RV, RV, RV, RV, RV, RV)),
    ("registerInspector", "pool-of-350100"):
        (inspector_home, (OK, OK, RV, RV, RV, RV, RV)),
    ("registerInspector", "pool-of-province"):
        (inspector_province, (OK, RV, RV, RV, RV, RV, RV)),
    ("recordInspection", "city-agency"):
        (record_city, (OK, OK, RV, RV, RV, RV, RV)),
    ("recordInspection", "city-agency-at-its-site"):
        (record_city_at_site, (OK, OK, RV, RV, RV, RV, RV)),
    # 福州 supervises the provincial agency's site on its territory, not the agency as such.
    ("recordInspection", "provincial-agency-at-site-in-350100"):
        (record_provincial_at_site, (OK, OK, RV, RV, RV, RV, RV)),
    # 福州's agency at its site in 厦门: both cities supervise it.
    ("recordInspection", "city-agency-at-its-site-in-350200"):
        (record_city_at_site_in_other, (OK, OK, OK, RV, RV, RV, RV)),
    # The provincial agency at its 厦门 site: 厦门's, not 福州's, although it operates in 福州.
    ("recordInspection", "provincial-agency-at-site-in-350200"):
        (record_provincial_at_site_in_other, (OK, RV, OK, RV, RV, RV, RV)),
    ("recordInspection", "provincial-agency"):
        (record_provincial, (OK, RV, RV, RV, RV, RV, RV)),
    ("drawInspections", "own-pool"):
        (draw_own_pool, (OK, OK, OK, OK, RV, RV, RV)),
    # Another city's inspectors are outside a city's read scope.
    ("drawInspections", "pool-of-350100"):
        (draw_home_pool, (OK, OK, NF, NF, RV, RV, RV)),
    ("recommendUpgrade", "city-agency"):
        (recommend_upgrade_city, (RV, OK, RV, RV, RV, RV, RV)),
    # Not filed with 福州; nobody recommends a provincial agency for provincial management.
    ("recommendUpgrade", "provincial-agency"):
        (recommend_upgrade_provincial, (RV, RV, RV, RV, RV, RV, RV)),
    ("approveUpgrade", "recommended-city-agency"):
        (approve_upgrade_recommended, (OK, RV, RV, RV, RV, RV, RV)),
    ("recommendNational", "provincial-agency"):
        (recommend_national_provincial, (OK, RV, RV, RV, RV, RV, RV)),
}

XFAIL: dict[tuple[str, str, str], str] = {
    # (mutation, target, actor) -> "BUG: ..." where the API disagrees with DESIGN §6
}


def _param(mutation: str, target: str, actor: str, expected: str) -> Any:
    marks = []
    reason = XFAIL.get((mutation, target, actor))
    if reason is not None:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(mutation, target, actor, expected, marks=marks,
                        id=f"{mutation}-{target}-{actor}")


CASES = [
    _param(mutation, target, actor, expected[n])
    for (mutation, target), (_, expected) in MATRIX.items()
    for n, actor in enumerate(ACTORS)
]

# Targets shared by the refusal cases of a row (a refusal leaves them as they were), and the
# other agency.
_SHARED: dict[tuple[str, str], Case] = {}
_OTHER: list[Fresh] = []


def _token(api: Any, actor: str, case: Case, other: Fresh | None) -> str | None:
    if actor == "province":
        return str(api.token(Role.PROVINCE))
    if actor in CITY_OF:
        return str(api.token(Role.CITY, region=CITY_OF[actor]))
    if actor == "agency":
        return case.agency.token(api)
    if actor == "agency-other":
        assert other is not None
        return other.token(api)
    return None


@pytest.mark.parametrize(("mutation", "target", "actor", "expected"), CASES)
async def test_write_matrix_supervision(api_on, mutation: str, target: str,  # type: ignore[no-untyped-def]
                                        actor: str, expected: str) -> None:
    build, _ = MATRIX[(mutation, target)]
    async with api_on(DAY) as api:
        if expected == OK:
            case = await build(api)
        else:
            if (mutation, target) not in _SHARED:
                _SHARED[(mutation, target)] = await build(api)
            case = _SHARED[(mutation, target)]
        other = None
        if actor == "agency-other":
            if not _OTHER:
                _OTHER.append(await make_agency(api, region=OTHER, site_regions=(OTHER,)))
            other = _OTHER[0]
        token = _token(api, actor, case, other)
        before = await case.picture()
        result = await case.run(api, actor, token)
        assert outcome(result) == expected, result
        after = await case.picture()
        if expected == OK:
            assert after["audit_event"] > before["audit_event"], "a change without its event"
            assert after != before
        else:
            if expected == RV:  # every refusal cites the article it rests on
                assert result["article"] is not None, result
            assert after == before


async def test_the_matrix_names_real_mutations(api) -> None:  # type: ignore[no-untyped-def]
    data = await api.query("{ __schema { mutationType { fields { name } } } }",
                           token=api.token(Role.PROVINCE))
    names = {f["name"] for f in data["__schema"]["mutationType"]["fields"]}
    covered = {mutation for mutation, _ in MATRIX}
    assert covered == {"issueSanction", "confirmSanction", "acceptRectification",
                       "registerInspector", "recordInspection", "drawInspections",
                       "recommendUpgrade", "approveUpgrade", "recommendNational"}
    assert covered <= names


def test_every_cell_is_an_outcome() -> None:
    for expected in (row for _, row in MATRIX.values()):
        assert len(expected) == len(ACTORS) and set(expected) <= {OK, RV, NF}
    # Every mutation has at least one actor who may do it.
    assert {m for (m, _), (_, row) in MATRIX.items() if OK in row} == {m for m, _ in MATRIX}
    assert all(key[:2] in MATRIX and key[2] in ACTORS for key in XFAIL)
