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
from strawberry.types.base import get_object_definition

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
from tests.support.documents import MUTATIONS
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


Build = Callable[[Api], Awaitable[Case]]
Make = Callable[[Api], Awaitable[Fresh]]
Target = Callable[[Api, Fresh], Awaitable[Run]]


def _on(mutation: str, input: dict[str, Any]) -> Run:
    """The mutation with this input, whoever runs it."""

    async def run(api: Api, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(api, MUTATIONS[mutation], input, token)

    return run


def against(make: Make, target: Target) -> Build:
    """A case on a fresh agency: `make` builds it, `target` the write to try on it."""

    async def build(api: Api) -> Case:
        agency = await make(api)
        return Case(await target(api, agency), agency)

    return build


# ============================================================================================
# The agencies written to


async def city_agency(api: Api) -> Fresh:
    """ACTIVE, filed with 福州, its venue there."""
    return await make_agency(api, region=HOME)


async def pending_agency(api: Api) -> Fresh:
    return await make_agency(api, region=HOME, active=False)


async def provincial_agency(api: Api) -> Fresh:
    """ACTIVE, filed with the province, its venue in 福州."""
    return await make_agency(api, level="PROVINCIAL", site_regions=(HOME,))


async def pending_provincial_agency(api: Api) -> Fresh:
    return await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)


async def city_agency_also_in_other(api: Api) -> Fresh:
    """Filed with 福州, venues in 福州 and 厦门."""
    return await make_agency(api, region=HOME, site_regions=(HOME, OTHER))


async def provincial_agency_also_in_other(api: Api) -> Fresh:
    return await make_agency(api, level="PROVINCIAL", site_regions=(HOME, OTHER))


# ============================================================================================
# The writes tried on them


async def add_site(api: Api, agency: Fresh) -> Run:
    return _on(
        "addSite",
        {
            "agencyId": agency.id,
            "name": "矩阵考点",
            "address": address(HOME),
            "regionCode": HOME,
            "tenure": "OWNED",
            "hasVideoSurveillance": True,
        },
    )


async def submit_info_change(api: Api, agency: Fresh) -> Run:
    return _on(
        "submitFiling",
        {"agencyId": agency.id, "kind": "INFO_CHANGE", "newName": f"{agency.name}（新）"},
    )


async def submit_initial(api: Api, agency: Fresh) -> Run:
    return _on(
        "submitFiling", {"agencyId": agency.id, "kind": "INITIAL", "items": items(agency.site_ids)}
    )


async def decide_initial(api: Api, agency: Fresh) -> Run:
    filing = await submitted(api, agency, "INITIAL", items(agency.site_ids))
    return _on("decideFiling", {"filingId": filing, "approve": True})


async def decide_info_change(api: Api, agency: Fresh) -> Run:
    filing = await submitted(api, agency, "INFO_CHANGE", newLegalRepresentative="矩阵法人")
    return _on("decideFiling", {"filingId": filing, "approve": True})


async def import_filing(api: Api, agency: Fresh) -> Run:
    return _on(
        "importFiling",
        {"agencyId": agency.id, "validFrom": "2025-06-02", "items": items(agency.site_ids)},
    )


async def terminate(api: Api, agency: Fresh) -> Run:
    return _on("terminateAgency", {"agencyId": agency.id, "reason": "UNAPPROVED_SITE_CHANGE"})


async def acknowledge_its_site(api: Api, agency: Fresh) -> Run:
    return _on("acknowledgeSite", {"siteId": agency.site_ids[0]})


async def issue_sanction(api: Api, agency: Fresh) -> Run:
    return _on(
        "issueSanction",
        {"agencyId": agency.id, "article": 22, "clause": 6, "facts": "矩阵督导发现的违规事实。"},
    )


async def confirm_proposal(api: Api, agency: Fresh) -> Run:
    """Three UNQUALIFIED external results (recorded by the province) propose an unpublished
    Art. 23(11) revocation, to confirm."""
    proposal = None
    for back in (3, 2, 1):
        proposal = (await recorded(api, agency, DAY - timedelta(days=back)))["proposedSanction"]
    assert proposal is not None and proposal["status"] == "PROPOSED", proposal
    assert proposal["published"] is False, proposal
    return _on("confirmSanction", {"sanctionId": proposal["id"]})


async def accept_rectification(api: Api, agency: Fresh) -> Run:
    notice = (await issued(api, agency, 22, 6))["sanction"]  # by the province: published
    return _on("acceptRectification", {"sanctionId": notice["id"]})


def _record(agency: Fresh, site: int | None) -> Run:
    payload = {
        "agencyId": agency.id,
        "kind": "EXTERNAL",
        "mode": "EVERY_EXAM",
        "date": DAY.isoformat(),
        "result": "QUALIFIED",
    }
    if site is not None:
        payload["siteId"] = agency.site_ids[site]
    return _on("recordInspection", payload)


async def record_inspection(api: Api, agency: Fresh) -> Run:
    return _record(agency, None)


async def record_at_its_site(api: Api, agency: Fresh) -> Run:
    return _record(agency, 0)


async def record_at_its_second_site(api: Api, agency: Fresh) -> Run:
    return _record(agency, 1)


async def recommend_for_upgrade(api: Api, agency: Fresh) -> Run:
    return _on("recommendUpgrade", {"agencyId": agency.id, "basis": [1]})


async def approve_recommended_upgrade(api: Api, agency: Fresh) -> Run:
    recommended = await recommend_upgrade(api, agency, city(api, HOME))
    assert recommended["__typename"] == "UpgradeSuccess", recommended
    return _on("approveUpgrade", {"agencyId": agency.id})


async def recommend_for_national_level(api: Api, agency: Fresh) -> Run:
    return _on("recommendNational", {"agencyId": agency.id})


# ============================================================================================
# Writes that are not about one agency (a city agency stands in as the AGENCY itself)


async def _registered(code: str) -> bool:
    return await Agency.exists(credit_code=code)


def register(level: str) -> Build:
    async def build(api: Api) -> Case:
        region = HOME if level == "CITY" else PROVINCE
        code = credit_code(region)
        return Case(
            _on(
                "registerAgency",
                {
                    "name": f"矩阵登记{code[-6:]}",
                    "creditCode": code,
                    "kind": "EMPLOYER" if level == "CITY" else "SOCIAL_ORG",
                    "isCollege": False,
                    "level": level,
                    "filingRegionCode": region,
                    "contactName": "矩阵联系人",
                    "contactPhone": "0591-12345678",
                },
            ),
            await city_agency(api),
            state=lambda: _registered(code),
        )

    return build


async def _calendar_2099() -> Any:
    entered = await WorkingCalendarYear.filter(year=2099).values_list("entered_by", "entered_at")
    days = await WorkingCalendarDay.filter(
        day__gte=date(2099, 1, 1), day__lte=date(2099, 12, 31)
    ).values_list("day", "is_working_day")
    return sorted(entered), sorted(days)


async def calendar_2099(api: Api) -> Case:
    # A random weekday of 2099 off, so a successful entry visibly changes the calendar.
    holiday = date(2099, 3, 2) + timedelta(days=7 * secrets.randbelow(30))
    return Case(
        _on(
            "setWorkingCalendar",
            {"year": 2099, "holidays": [holiday.isoformat()], "makeupWorkingDays": []},
        ),
        await city_agency(api),
        state=_calendar_2099,
    )


def register_inspector(region: str) -> Build:
    async def build(api: Api) -> Case:
        return Case(
            _on("registerInspector", {"name": "矩阵督导员", "regionCode": region}),
            await city_agency(api),
        )

    return build


async def _pools(api: Api) -> dict[str, list[str]]:
    """Two inspectors in each pool, registered by the province."""
    return {
        region: [await inspector(api, region), await inspector(api, region)]
        for region in (PROVINCE, HOME, OTHER, PINGTAN)
    }


async def draw_own_pool(api: Api) -> Case:
    """Each department draws with its own pool (the province's for AGENCY and PUBLIC)."""
    pools = await _pools(api)

    async def run(api: Api, actor: str, token: str | None) -> dict[str, Any]:
        return await mutate(
            api,
            MUTATIONS["drawInspections"],
            {
                "inspectorIds": pools[CITY_OF.get(actor, PROVINCE)],
                "count": 1,
                "inspectorsPerAgency": 1,
            },
            token,
        )

    return Case(run, await city_agency(api))


async def draw_home_pool(api: Api) -> Case:
    """Everybody draws with 福州's pool: invisible to the other cities."""
    pools = await _pools(api)
    return Case(
        _on("drawInspections", {"inspectorIds": pools[HOME], "count": 1, "inspectorsPerAgency": 1}),
        await city_agency(api),
    )


# ============================================================================================
# The table: outcome per actor, in ACTORS order
#   province, city (福州), city-other (厦门), city-pingtan, agency itself, agency-other, public

MATRIX: dict[tuple[str, str], tuple[Build, tuple[str, ...]]] = {
    ("registerAgency", "city-level-filed-with-home"): (
        register("CITY"),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    ("registerAgency", "provincial"): (register("PROVINCIAL"), (OK, RV, RV, RV, RV, RV, RV)),
    ("addSite", "active-agency"): (against(city_agency, add_site), (RV, RV, RV, RV, OK, RV, RV)),
    ("addSite", "pending-agency"): (
        against(pending_agency, add_site),
        (RV, RV, NF, NF, OK, NF, NF),
    ),
    ("submitFiling", "info-change-of-active-agency"): (
        against(city_agency, submit_info_change),
        (RV, RV, RV, RV, OK, RV, RV),
    ),
    ("submitFiling", "initial-of-pending-agency"): (
        against(pending_agency, submit_initial),
        (RV, RV, NF, NF, OK, NF, NF),
    ),
    ("decideFiling", "initial-of-pending-agency"): (
        against(pending_agency, decide_initial),
        (OK, OK, NF, NF, RV, NF, NF),
    ),
    ("decideFiling", "info-change-of-active-agency"): (
        against(city_agency, decide_info_change),
        (OK, OK, NF, NF, RV, NF, NF),
    ),
    # 福州 sees the filing (an item at a site in 福州) but the province decides it.
    ("decideFiling", "initial-of-pending-provincial-agency"): (
        against(pending_provincial_agency, decide_initial),
        (OK, RV, NF, NF, RV, NF, NF),
    ),
    ("importFiling", "pending-agency"): (
        against(pending_agency, import_filing),
        (OK, RV, NF, NF, RV, NF, NF),
    ),
    ("importFiling", "pending-provincial-agency"): (
        against(pending_provincial_agency, import_filing),
        (OK, RV, NF, NF, RV, NF, NF),
    ),
    ("terminateAgency", "active-agency"): (
        against(city_agency, terminate),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    ("terminateAgency", "active-provincial-agency"): (
        against(provincial_agency, terminate),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    # Seen by its authorities, but a PENDING agency has no filing to terminate (Art. 17).
    ("terminateAgency", "pending-agency"): (
        against(pending_agency, terminate),
        (RV, RV, NF, NF, RV, NF, NF),
    ),
    ("acknowledgeSite", "site-of-active-provincial-agency"): (
        against(provincial_agency, acknowledge_its_site),
        (RV, OK, RV, RV, RV, RV, RV),
    ),
    ("acknowledgeSite", "site-of-pending-provincial-agency"): (
        against(pending_provincial_agency, acknowledge_its_site),
        (RV, OK, NF, NF, RV, NF, NF),
    ),
    # Art. 4: a city-level agency's site is not acknowledged, not even by its own city.
    ("acknowledgeSite", "site-of-city-agency"): (
        against(city_agency, acknowledge_its_site),
        (RV, RV, RV, RV, RV, RV, RV),
    ),
    ("setWorkingCalendar", "year-2099"): (calendar_2099, (OK, RV, RV, RV, RV, RV, RV)),
    ("issueSanction", "city-agency"): (
        against(city_agency, issue_sanction),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    # 福州 sees the provincial agency (it operates there) but never sanctions it.
    ("issueSanction", "provincial-agency"): (
        against(provincial_agency, issue_sanction),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    # A PROPOSED sanction is unpublished: only the province, the filing city and the agency
    # itself see it.
    ("confirmSanction", "proposed-of-city-agency"): (
        against(city_agency, confirm_proposal),
        (OK, OK, NF, NF, RV, NF, NF),
    ),
    ("confirmSanction", "proposed-of-provincial-agency"): (
        against(provincial_agency, confirm_proposal),
        (OK, NF, NF, NF, RV, NF, NF),
    ),
    # A rectification notice is published: everybody sees it.
    ("acceptRectification", "rectification-of-city-agency"): (
        against(city_agency, accept_rectification),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    ("acceptRectification", "rectification-of-provincial-agency"): (
        against(provincial_agency, accept_rectification),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    ("registerInspector", "pool-of-350100"): (
        register_inspector(HOME),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    ("registerInspector", "pool-of-province"): (
        register_inspector(PROVINCE),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    ("recordInspection", "city-agency"): (
        against(city_agency, record_inspection),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    ("recordInspection", "city-agency-at-its-site"): (
        against(city_agency, record_at_its_site),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    # 福州 supervises the provincial agency's site on its territory, not the agency as such.
    ("recordInspection", "provincial-agency-at-site-in-350100"): (
        against(provincial_agency, record_at_its_site),
        (OK, OK, RV, RV, RV, RV, RV),
    ),
    # 福州's agency at its site in 厦门: both cities supervise it.
    ("recordInspection", "city-agency-at-its-site-in-350200"): (
        against(city_agency_also_in_other, record_at_its_second_site),
        (OK, OK, OK, RV, RV, RV, RV),
    ),
    # The provincial agency at its 厦门 site: 厦门's, not 福州's, although it operates in 福州.
    ("recordInspection", "provincial-agency-at-site-in-350200"): (
        against(provincial_agency_also_in_other, record_at_its_second_site),
        (OK, RV, OK, RV, RV, RV, RV),
    ),
    ("recordInspection", "provincial-agency"): (
        against(provincial_agency, record_inspection),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    ("drawInspections", "own-pool"): (draw_own_pool, (OK, OK, OK, OK, RV, RV, RV)),
    # Another city's inspectors are outside a city's read scope.
    ("drawInspections", "pool-of-350100"): (draw_home_pool, (OK, OK, NF, NF, RV, RV, RV)),
    ("recommendUpgrade", "city-agency"): (
        against(city_agency, recommend_for_upgrade),
        (RV, OK, RV, RV, RV, RV, RV),
    ),
    # Not filed with 福州; nobody recommends a provincial agency for provincial management.
    ("recommendUpgrade", "provincial-agency"): (
        against(provincial_agency, recommend_for_upgrade),
        (RV, RV, RV, RV, RV, RV, RV),
    ),
    ("approveUpgrade", "recommended-city-agency"): (
        against(city_agency, approve_recommended_upgrade),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
    ("recommendNational", "provincial-agency"): (
        against(provincial_agency, recommend_for_national_level),
        (OK, RV, RV, RV, RV, RV, RV),
    ),
}

XFAIL: dict[tuple[str, str, str], str] = {
    # (mutation, target, actor) -> "BUG: ..." where the API disagrees with DESIGN §6
}


# The article each row's authority rule rests on (tests/ARTICLES.md); a city's own pool and
# the draws: Art. 20; a city at a site on its territory: Art. 4.
ARTICLE_OF = {
    "registerAgency": (3,),
    "decideFiling": (3,),
    "importFiling": (3,),
    "terminateAgency": (3,),
    "issueSanction": (3,),
    "confirmSanction": (3,),
    "acceptRectification": (3,),
    "acknowledgeSite": (4,),
    "setWorkingCalendar": (15,),
    "registerInspector": (20,),
    "drawInspections": (20,),
    "recordInspection": (4, 20),
    "recommendUpgrade": (27,),
    "approveUpgrade": (27,),
    "recommendNational": (28,),
}


def _param(mutation: str, target: str, actor: str, expected: str) -> Any:
    marks = [pytest.mark.article(*ARTICLE_OF[mutation])] if mutation in ARTICLE_OF else []
    reason = XFAIL.get((mutation, target, actor))
    if reason is not None:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(
        mutation, target, actor, expected, marks=marks, id=f"{mutation}-{target}-{actor}"
    )


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
    return (
        await snapshot(case.agency, *case.extra),
        await case.state() if case.state is not None else None,
    )


@pytest.mark.parametrize(("mutation", "target", "actor", "expected"), CASES)
async def test_write_matrix(
    api_on: Any, mutation: str, target: str, actor: str, expected: str
) -> None:
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
            assert after.counts["audit_event"] > before.counts["audit_event"], (
                "a change without its event"
            )
            assert [d for d in before.differences(after) if "audit_event" not in d], (
                "nothing but the audit trail changed"
            )
            if case.state is not None:
                assert state_after != state, "the target did not change"
        else:
            if expected == RV:  # every refusal cites the article it rests on
                assert result["article"] is not None, result
            assert after == before, "a refusal changed: " + "; ".join(before.differences(after))
            assert state_after == state


def test_the_matrix_covers_every_mutation() -> None:
    """A new mutation fails here until it has its row(s) and its document."""
    convert = schema.config.name_converter
    names = {
        convert.get_graphql_name(f) for f in get_object_definition(Mutation, strict=True).fields
    }
    assert {mutation for mutation, _ in MATRIX} == names
    assert set(MUTATIONS) == names


def test_every_cell_is_an_outcome() -> None:
    for expected in (row for _, row in MATRIX.values()):
        assert len(expected) == len(ACTORS) and set(expected) <= {OK, RV, NF}
    # Every mutation has at least one actor who may do it.
    assert {m for (m, _), (_, row) in MATRIX.items() if OK in row} == {m for m, _ in MATRIX}
    assert all(key[:2] in MATRIX and key[2] in ACTORS for key in XFAIL)
    assert set(ARTICLE_OF) <= {m for m, _ in MATRIX}
