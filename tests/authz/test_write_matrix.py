"""THE write half of the scope matrix (DESIGN §6 "Writes"): every mutation x every actor.

Actors: PROVINCE; the CITY the target belongs to (福州 350100: the agency's filing city, or for
a provincial agency the city its site lies in); another CITY (厦门 350200); 平潭 350128 (a peer
of the cities, NOT part of 福州 although its code starts with 3501); the AGENCY itself; another
AGENCY (an ACTIVE 厦门 agency); PUBLIC (no token).

Expected outcomes come from the writes table and policies/policy.csv:
  register an agency                PROVINCE any; CITY only CITY-level agencies filed with itself
  add a site, submit                AGENCY, own records only
  decide, terminate                 the agency's filing authority; PROVINCE any
  acknowledge a site                CITY where the (provincial agency's) site is located
  import a filing                   PROVINCE
  working calendar                  PROVINCE (Art. 15's 5 working days)
  issueSanction, confirmSanction,   the agency's filing authority; PROVINCE any. A city never
  acceptRectification               sanctions a provincial agency.
  registerInspector                 PROVINCE any region; CITY its own region only
  recordInspection                  PROVINCE any; CITY for agencies filed with it and for any
                                    agency's site located in it
  drawInspections                   PROVINCE (province-wide), CITY (its own scope)
  recommendUpgrade                  CITY, for its CITY-level agency (Art. 27)
  approveUpgrade, recommendNational PROVINCE (Art. 27, 28)
and from the read scope: a target the actor cannot see is NotFound ("indistinguishable from one
that does not exist"); a visible target the actor may not change is a RuleViolation citing its
article.

A success builds fresh targets and must write its audit event and change what it targets. A
refusal must change nothing (tests/support/snapshot.py: every table's rows, the target agency's
rows, and the target's own state where the agency's rows do not show it), so the refusals of one
row share targets built once per module.

Every mutation of the schema has a row (`test_the_matrix_covers_every_mutation`).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from models.agency import Agency
from models.enums import Role
from models.working_days import WorkingCalendarDay, WorkingCalendarYear
from schema.root import Mutation, schema
from tests.support.builders import (
    DAY,
    Fresh,
    address,
    city,
    credit_code,
    inspector,
    issued,
    items,
    make_agency,
    mutate,
    outcome,
    recommend_upgrade,
    recorded,
    submitted,
)
from tests.support.documents import (
    ACCEPT_RECTIFICATION,
    ACKNOWLEDGE_SITE,
    ADD_SITE,
    APPROVE_UPGRADE,
    CONFIRM_SANCTION,
    DECIDE_FILING,
    DRAW_INSPECTIONS,
    IMPORT_FILING,
    ISSUE_SANCTION,
    MUTATIONS,
    RECOMMEND_NATIONAL,
    RECOMMEND_UPGRADE,
    RECORD_INSPECTION,
    REGISTER_AGENCY,
    REGISTER_INSPECTOR,
    SET_WORKING_CALENDAR,
    SUBMIT_FILING,
    TERMINATE_AGENCY,
)
from tests.support.http_api import Api
from tests.support.snapshot import snapshot

HOME, OTHER, PINGTAN, PROVINCE = "350100", "350200", "350128", "350000"
ACTORS = ("province", "city", "city-other", "city-pingtan", "agency", "agency-other", "public")
OK, RV, NF = "ok", "RuleViolation", "NotFound"
CITY_OF = {"city": HOME, "city-other": OTHER, "city-pingtan": PINGTAN}

# run(api, actor, token): the mutation's typed result
Run = Callable[[Api, str, str | None], Awaitable[dict[str, Any]]]
State = Callable[[], Awaitable[Any]]


@dataclass
class Case:
    run: Run
    agency: Fresh  # the AGENCY "itself", whose rows the picture includes
    extra: list[Fresh] = field(default_factory=list)
    state: State | None = None  # the target's state, where the agencies' rows do not show it


def _on(document: str, input: dict[str, Any]) -> Run:
    """The mutation with this input, whoever runs it."""
    async def run(api: Api, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, document, input, token)
    return run


async def city_agency(api: Api) -> Fresh:
    return await make_agency(api, region=HOME)


async def provincial_agency(api: Api) -> Fresh:
    return await make_agency(api, level="PROVINCIAL", site_regions=(HOME,))


# ============================================================================================
# Targets: the filing lifecycle


async def _registered(code: str) -> bool:
    return await Agency.exists(credit_code=code)


async def register_city_agency(api: Api) -> Case:
    code = credit_code(HOME)
    return Case(_on(REGISTER_AGENCY, {
        "name": f"矩阵登记{code[-6:]}", "creditCode": code, "kind": "EMPLOYER",
        "isCollege": False, "level": "CITY", "filingRegionCode": HOME,
        "contactName": "矩阵联系人", "contactPhone": "0591-12345678"}),
        await city_agency(api), state=lambda: _registered(code))


async def register_provincial_agency(api: Api) -> Case:
    code = credit_code(PROVINCE)
    return Case(_on(REGISTER_AGENCY, {
        "name": f"矩阵省级登记{code[-6:]}", "creditCode": code, "kind": "SOCIAL_ORG",
        "isCollege": False, "level": "PROVINCIAL", "filingRegionCode": PROVINCE,
        "contactName": "矩阵联系人", "contactPhone": "0591-12345678"}),
        await city_agency(api), state=lambda: _registered(code))


def _add_site(agency: Fresh) -> Run:
    return _on(ADD_SITE, {"agencyId": agency.id, "name": "矩阵考点", "address": address(HOME),
                          "regionCode": HOME, "tenure": "OWNED", "hasVideoSurveillance": True})


async def add_site_active(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_add_site(agency), agency)


async def add_site_pending(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_add_site(agency), agency)


async def submit_info_change(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_on(SUBMIT_FILING, {"agencyId": agency.id, "kind": "INFO_CHANGE",
                                    "newName": f"{agency.name}（新）"}), agency)


async def submit_initial(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_on(SUBMIT_FILING, {"agencyId": agency.id, "kind": "INITIAL",
                                    "items": items(agency.site_ids)}), agency)


def _decide(filing_id: str) -> Run:
    return _on(DECIDE_FILING, {"filingId": filing_id, "approve": True})


async def decide_initial(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_decide(await submitted(api, agency, "INITIAL", items(agency.site_ids))), agency)


async def decide_info_change(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_decide(await submitted(api, agency, "INFO_CHANGE",
                                        newLegalRepresentative="矩阵法人")), agency)


async def decide_provincial_initial(api: Api) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    return Case(_decide(await submitted(api, agency, "INITIAL", items(agency.site_ids))), agency)


def _import(agency: Fresh) -> Run:
    return _on(IMPORT_FILING, {"agencyId": agency.id, "validFrom": "2025-06-02",
                               "items": items(agency.site_ids)})


async def import_city(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_import(agency), agency)


async def import_provincial(api: Api) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    return Case(_import(agency), agency)


def _terminate(agency: Fresh) -> Run:
    return _on(TERMINATE_AGENCY, {"agencyId": agency.id, "reason": "UNAPPROVED_SITE_CHANGE"})


async def terminate_city(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_terminate(agency), agency)


async def terminate_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_terminate(agency), agency)


async def terminate_pending(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_terminate(agency), agency)


async def acknowledge_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_on(ACKNOWLEDGE_SITE, {"siteId": agency.site_ids[0]}), agency)


async def acknowledge_provincial_pending(api: Api) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    return Case(_on(ACKNOWLEDGE_SITE, {"siteId": agency.site_ids[0]}), agency)


async def acknowledge_city_agency_site(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_on(ACKNOWLEDGE_SITE, {"siteId": agency.site_ids[0]}), agency)


async def _calendar_2099() -> Any:
    entered = await WorkingCalendarYear.filter(year=2099).values_list("entered_by",
                                                                      "entered_at")
    days = await WorkingCalendarDay.filter(day__gte=date(2099, 1, 1),
                                           day__lte=date(2099, 12, 31)).values_list(
        "day", "is_working_day")
    return sorted(entered), sorted(days)


async def calendar_2099(api: Api) -> Case:
    # A random weekday of 2099 off, so a successful entry visibly changes the calendar.
    holiday = date(2099, 3, 2) + timedelta(days=7 * secrets.randbelow(30))
    return Case(_on(SET_WORKING_CALENDAR, {"year": 2099, "holidays": [holiday.isoformat()],
                                           "makeupWorkingDays": []}),
                await city_agency(api), state=_calendar_2099)


# ============================================================================================
# Targets: supervision


def _issue(agency: Fresh) -> Run:
    return _on(ISSUE_SANCTION, {"agencyId": agency.id, "article": 22, "clause": 6,
                                "facts": "矩阵督导发现的违规事实。"})


async def issue_city(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_issue(agency), agency)


async def issue_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_issue(agency), agency)


async def _proposed(api: Api, agency: Fresh) -> str:
    """Three UNQUALIFIED external results (recorded by the province) propose an unpublished
    Art. 23(11) revocation."""
    proposal = None
    for back in (3, 2, 1):
        proposal = (await recorded(api, agency, DAY - timedelta(days=back)))["proposedSanction"]
    assert proposal is not None and proposal["status"] == "PROPOSED", proposal
    assert proposal["published"] is False, proposal
    return str(proposal["id"])


async def confirm_city(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_on(CONFIRM_SANCTION, {"sanctionId": await _proposed(api, agency)}), agency)


async def confirm_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_on(CONFIRM_SANCTION, {"sanctionId": await _proposed(api, agency)}), agency)


async def accept_city(api: Api) -> Case:
    agency = await city_agency(api)
    notice = (await issued(api, agency, 22, 6))["sanction"]  # by the province: published
    return Case(_on(ACCEPT_RECTIFICATION, {"sanctionId": notice["id"]}), agency)


async def accept_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    notice = (await issued(api, agency, 22, 6))["sanction"]
    return Case(_on(ACCEPT_RECTIFICATION, {"sanctionId": notice["id"]}), agency)


async def inspector_home(api: Api) -> Case:
    return Case(_on(REGISTER_INSPECTOR, {"name": "矩阵督导员", "regionCode": HOME}),
                await city_agency(api))


async def inspector_province(api: Api) -> Case:
    return Case(_on(REGISTER_INSPECTOR, {"name": "矩阵督导员", "regionCode": PROVINCE}),
                await city_agency(api))


def _record(agency: Fresh, site_id: str | None) -> Run:
    payload = {"agencyId": agency.id, "kind": "EXTERNAL", "mode": "EVERY_EXAM",
               "date": DAY.isoformat(), "result": "QUALIFIED"}
    if site_id is not None:
        payload["siteId"] = site_id
    return _on(RECORD_INSPECTION, payload)


async def record_city(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_record(agency, None), agency)


async def record_city_at_site(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_record(agency, agency.site_ids[0]), agency)


async def record_provincial_at_site(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_record(agency, agency.site_ids[0]), agency)


async def record_city_at_site_in_other(api: Api) -> Case:
    agency = await make_agency(api, region=HOME, site_regions=(HOME, OTHER))
    return Case(_record(agency, agency.site_ids[1]), agency)


async def record_provincial_at_site_in_other(api: Api) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME, OTHER))
    return Case(_record(agency, agency.site_ids[1]), agency)


async def record_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_record(agency, None), agency)


async def _pools(api: Api) -> dict[str, list[str]]:
    """Two inspectors in each pool, registered by the province."""
    return {region: [await inspector(api, region), await inspector(api, region)]
            for region in (PROVINCE, HOME, OTHER, PINGTAN)}


async def draw_own_pool(api: Api) -> Case:
    """Each department draws with its own pool (the province's for AGENCY and PUBLIC)."""
    pools = await _pools(api)

    async def run(api: Api, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, DRAW_INSPECTIONS, {
            "inspectorIds": pools[CITY_OF.get(actor, PROVINCE)], "count": 1,
            "inspectorsPerAgency": 1}, token)

    return Case(run, await city_agency(api))


async def draw_home_pool(api: Api) -> Case:
    """Everybody draws with 福州's pool: invisible to the other cities."""
    pools = await _pools(api)
    return Case(_on(DRAW_INSPECTIONS, {"inspectorIds": pools[HOME], "count": 1,
                                       "inspectorsPerAgency": 1}), await city_agency(api))


async def recommend_upgrade_city(api: Api) -> Case:
    agency = await city_agency(api)
    return Case(_on(RECOMMEND_UPGRADE, {"agencyId": agency.id, "basis": [1]}), agency)


async def recommend_upgrade_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_on(RECOMMEND_UPGRADE, {"agencyId": agency.id, "basis": [1]}), agency)


async def approve_upgrade_recommended(api: Api) -> Case:
    agency = await city_agency(api)
    recommended = await recommend_upgrade(api, agency, city(api, HOME))
    assert recommended["__typename"] == "UpgradeSuccess", recommended
    return Case(_on(APPROVE_UPGRADE, {"agencyId": agency.id}), agency)


async def recommend_national_provincial(api: Api) -> Case:
    agency = await provincial_agency(api)
    return Case(_on(RECOMMEND_NATIONAL, {"agencyId": agency.id}), agency)


# ============================================================================================
# The table: outcome per actor, in ACTORS order
#   province, city (福州), city-other (厦门), city-pingtan, agency itself, agency-other, public

Build = Callable[[Api], Awaitable[Case]]

MATRIX: dict[tuple[str, str], tuple[Build, tuple[str, ...]]] = {
    ("registerAgency", "city-level-filed-with-home"):
        (register_city_agency, (OK, OK, RV, RV, RV, RV, RV)),
    ("registerAgency", "provincial"):
        (register_provincial_agency, (OK, RV, RV, RV, RV, RV, RV)),
    ("addSite", "active-agency"):
        (add_site_active, (RV, RV, RV, RV, OK, RV, RV)),
    ("addSite", "pending-agency"):
        (add_site_pending, (RV, RV, NF, NF, OK, NF, NF)),
    ("submitFiling", "info-change-of-active-agency"):
        (submit_info_change, (RV, RV, RV, RV, OK, RV, RV)),
    ("submitFiling", "initial-of-pending-agency"):
        (submit_initial, (RV, RV, NF, NF, OK, NF, NF)),
    ("decideFiling", "initial-of-pending-agency"):
        (decide_initial, (OK, OK, NF, NF, RV, NF, NF)),
    ("decideFiling", "info-change-of-active-agency"):
        (decide_info_change, (OK, OK, NF, NF, RV, NF, NF)),
    # 福州 sees the filing (an item at a site in 福州) but the province decides it.
    ("decideFiling", "initial-of-pending-provincial-agency"):
        (decide_provincial_initial, (OK, RV, NF, NF, RV, NF, NF)),
    ("importFiling", "pending-agency"):
        (import_city, (OK, RV, NF, NF, RV, NF, NF)),
    ("importFiling", "pending-provincial-agency"):
        (import_provincial, (OK, RV, NF, NF, RV, NF, NF)),
    ("terminateAgency", "active-agency"):
        (terminate_city, (OK, OK, RV, RV, RV, RV, RV)),
    ("terminateAgency", "active-provincial-agency"):
        (terminate_provincial, (OK, RV, RV, RV, RV, RV, RV)),
    # Seen by its authorities, but a PENDING agency has no filing to terminate (Art. 17).
    ("terminateAgency", "pending-agency"):
        (terminate_pending, (RV, RV, NF, NF, RV, NF, NF)),
    ("acknowledgeSite", "site-of-active-provincial-agency"):
        (acknowledge_provincial, (RV, OK, RV, RV, RV, RV, RV)),
    ("acknowledgeSite", "site-of-pending-provincial-agency"):
        (acknowledge_provincial_pending, (RV, OK, NF, NF, RV, NF, NF)),
    # Art. 4: a city-level agency's site is not acknowledged, not even by its own city.
    ("acknowledgeSite", "site-of-city-agency"):
        (acknowledge_city_agency_site, (RV, RV, RV, RV, RV, RV, RV)),
    ("setWorkingCalendar", "year-2099"):
        (calendar_2099, (OK, RV, RV, RV, RV, RV, RV)),
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


def _token(api: Api, actor: str, case: Case, other: Fresh | None) -> str | None:
    if actor == "province":
        return api.token(Role.PROVINCE)
    if actor in CITY_OF:
        return api.token(Role.CITY, region=CITY_OF[actor])
    if actor == "agency":
        return case.agency.token
    if actor == "agency-other":
        assert other is not None
        return other.token
    return None


async def _picture(case: Case) -> tuple[Any, Any]:
    return (await snapshot(case.agency, *case.extra),
            await case.state() if case.state is not None else None)


@pytest.mark.parametrize(("mutation", "target", "actor", "expected"), CASES)
async def test_write_matrix(api_on: Any, mutation: str, target: str, actor: str,
                            expected: str) -> None:
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
        (before, state) = await _picture(case)
        result = await case.run(api, actor, token)
        assert outcome(result) == expected, result
        (after, state_after) = await _picture(case)
        if expected == OK:
            assert after.counts["audit_event"] > before.counts["audit_event"], \
                "a change without its event"
            assert [d for d in before.differences(after) if "audit_event" not in d], \
                "nothing but the audit trail changed"
            if case.state is not None:
                assert state_after != state, "the target did not change"
        else:
            if expected == RV:  # every refusal cites the article it rests on
                assert result["article"] is not None, result
            assert after == before, "a refusal changed: " + "; ".join(
                before.differences(after))
            assert state_after == state


def test_the_matrix_covers_every_mutation() -> None:
    """A new mutation fails here until it has its row(s) and its document."""
    convert = schema.config.name_converter
    names = {convert.get_graphql_name(f) for f in Mutation.__strawberry_definition__.fields}
    assert {mutation for mutation, _ in MATRIX} == names
    assert set(MUTATIONS) == names


def test_every_cell_is_an_outcome() -> None:
    for expected in (row for _, row in MATRIX.values()):
        assert len(expected) == len(ACTORS) and set(expected) <= {OK, RV, NF}
    # Every mutation has at least one actor who may do it.
    assert {m for (m, _), (_, row) in MATRIX.items() if OK in row} == {m for m, _ in MATRIX}
    assert all(key[:2] in MATRIX and key[2] in ACTORS for key in XFAIL)
