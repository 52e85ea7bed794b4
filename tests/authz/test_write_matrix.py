"""THE write half of the scope matrix (DESIGN §6 "Writes"): every mutation x every actor.

Actors: PROVINCE; the CITY the target belongs to (福州 350100: the agency's filing city, or for
a provincial agency the city its site lies in); another CITY (厦门 350200); 平潭 350128 (a peer
of the cities, NOT part of 福州 although its code starts with 3501); the AGENCY itself; another
AGENCY (an ACTIVE 厦门 agency); PUBLIC (no token).

Expected outcomes come from the writes table:
  register an agency        PROVINCE any; CITY only CITY-level agencies filed with itself
  add a site, submit        AGENCY, own records only
  decide, terminate         the agency's filing authority; PROVINCE any
  acknowledge a site        CITY where the (provincial agency's) site is located
  import a filing           PROVINCE
  working calendar          PROVINCE (Art. 15's 5 working days)
and from the read scope: a target the actor cannot see is NotFound ("indistinguishable from one
that does not exist"); a visible target the actor may not change is a RuleViolation.

Each case builds its own targets, runs the mutation once on DAY and checks that a refusal
changed nothing: no row in agency, site, filing, filing_item, announcement, audit_event,
item_claim or the calendar tables, and the target itself as it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from models.agency import Agency
from models.announcement import Announcement
from models.claim import ItemClaim
from models.enums import Role
from models.filing import Filing
from models.site import Site
from models.working_days import WorkingCalendarDay, WorkingCalendarYear
from tests.support.fresh_agencies import (
    ACKNOWLEDGE,
    ADD_SITE,
    DAY,
    DECIDE,
    IMPORT,
    REGISTER,
    SET_CALENDAR,
    SUBMIT,
    TERMINATE,
    Fresh,
    address,
    counts,
    credit_code,
    items,
    make_agency,
    mutate,
    outcome,
    submit,
)

HOME, OTHER, PINGTAN = "350100", "350200", "350128"
ACTORS = ("province", "city", "city-other", "city-pingtan", "agency", "agency-other", "public")
OK, RV, NF = "ok", "RuleViolation", "NotFound"

Run = Callable[[str | None], Awaitable[dict[str, Any]]]
State = Callable[[], Awaitable[Any]]


@dataclass
class Case:
    run: Run
    state: State
    agency: Fresh  # the AGENCY "itself"


# ============================================================================================
# Targets, built fresh for each case (api runs on DAY)


async def register_city_agency(api: Any) -> Case:
    home = await make_agency(api, region=HOME)
    code = credit_code(HOME)

    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, REGISTER, {
            "name": f"矩阵登记{code[-6:]}", "creditCode": code, "kind": "EMPLOYER",
            "isCollege": False, "level": "CITY", "filingRegionCode": HOME,
            "contactName": "矩阵联系人", "contactPhone": "0591-12345678"}, token)

    return Case(run, lambda: Agency.exists(credit_code=code), home)


async def register_provincial_agency(api: Any) -> Case:
    home = await make_agency(api, region=HOME)
    code = credit_code("350000")

    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, REGISTER, {
            "name": f"矩阵省级登记{code[-6:]}", "creditCode": code, "kind": "SOCIAL_ORG",
            "isCollege": False, "level": "PROVINCIAL", "filingRegionCode": "350000",
            "contactName": "矩阵联系人", "contactPhone": "0591-12345678"}, token)

    return Case(run, lambda: Agency.exists(credit_code=code), home)


def _add_site(api: Any, agency: Fresh) -> Run:
    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, ADD_SITE, {
            "agencyId": agency.id, "name": "矩阵考点", "address": address(HOME),
            "regionCode": HOME, "tenure": "OWNED", "hasVideoSurveillance": True}, token)
    return run


async def _sites_of(agency: Fresh) -> Any:
    return sorted(await Site.filter(agency_id=agency.pk).values_list("id", "acknowledged_at"))


async def add_site_active(api: Any) -> Case:
    agency = await make_agency(api, region=HOME)
    return Case(_add_site(api, agency), lambda: _sites_of(agency), agency)


async def add_site_pending(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_add_site(api, agency), lambda: _sites_of(agency), agency)


async def _filings_of(agency: Fresh) -> Any:
    return (
        (await Agency.get(id=agency.pk)).state,
        sorted(await Filing.filter(agency_id=agency.pk).values_list("id", "kind", "status")),
        await ItemClaim.filter(agency_id=agency.pk, released_at=None).count(),
    )


async def submit_info_change(api: Any) -> Case:
    agency = await make_agency(api, region=HOME)

    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, SUBMIT, {"agencyId": agency.id, "kind": "INFO_CHANGE",
                                          "newName": f"{agency.name}（新）"}, token)

    return Case(run, lambda: _filings_of(agency), agency)


async def submit_initial(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, active=False)

    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, SUBMIT, {"agencyId": agency.id, "kind": "INITIAL",
                                          "items": items(agency.site_ids)}, token)

    return Case(run, lambda: _filings_of(agency), agency)


def _decide(api: Any, filing_id: str) -> Run:
    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, DECIDE, {"filingId": filing_id, "approve": True}, token)
    return run


async def decide_initial(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    filed = await submit(api, agency, "INITIAL", items=items(agency.site_ids))
    return Case(_decide(api, filed["filing"]["id"]), lambda: _filings_of(agency), agency)


async def decide_info_change(api: Any) -> Case:
    agency = await make_agency(api, region=HOME)
    filed = await submit(api, agency, "INFO_CHANGE", newLegalRepresentative="矩阵法人")
    return Case(_decide(api, filed["filing"]["id"]), lambda: _filings_of(agency), agency)


async def decide_provincial_initial(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    filed = await submit(api, agency, "INITIAL", items=items(agency.site_ids))
    return Case(_decide(api, filed["filing"]["id"]), lambda: _filings_of(agency), agency)


def _import(api: Any, agency: Fresh) -> Run:
    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, IMPORT, {"agencyId": agency.id, "validFrom": "2025-06-02",
                                          "items": items(agency.site_ids)}, token)
    return run


async def import_city(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_import(api, agency), lambda: _filings_of(agency), agency)


async def import_provincial(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    return Case(_import(api, agency), lambda: _filings_of(agency), agency)


def _terminate(api: Any, agency: Fresh) -> Run:
    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, TERMINATE, {"agencyId": agency.id,
                                             "reason": "UNAPPROVED_SITE_CHANGE"}, token)
    return run


async def _closing_state(agency: Fresh) -> Any:
    return (await _filings_of(agency),
            await Announcement.filter(agency_id=agency.pk).count())


async def terminate_city(api: Any) -> Case:
    agency = await make_agency(api, region=HOME)
    return Case(_terminate(api, agency), lambda: _closing_state(agency), agency)


async def terminate_provincial(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,))
    return Case(_terminate(api, agency), lambda: _closing_state(agency), agency)


async def terminate_pending(api: Any) -> Case:
    agency = await make_agency(api, region=HOME, active=False)
    return Case(_terminate(api, agency), lambda: _closing_state(agency), agency)


def _acknowledge(api: Any, site_id: str) -> Run:
    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, ACKNOWLEDGE, {"siteId": site_id}, token)
    return run


async def acknowledge_provincial(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,))
    return Case(_acknowledge(api, agency.site_ids[0]), lambda: _sites_of(agency), agency)


async def acknowledge_provincial_pending(api: Any) -> Case:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=(HOME,), active=False)
    return Case(_acknowledge(api, agency.site_ids[0]), lambda: _sites_of(agency), agency)


async def acknowledge_city_agency_site(api: Any) -> Case:
    agency = await make_agency(api, region=HOME)
    return Case(_acknowledge(api, agency.site_ids[0]), lambda: _sites_of(agency), agency)


async def _calendar_2099() -> Any:
    entered = await WorkingCalendarYear.filter(year=2099).values_list("entered_by",
                                                                      "entered_at")
    days = await WorkingCalendarDay.filter(day__gte=date(2099, 1, 1),
                                           day__lte=date(2099, 12, 31)).values_list(
        "day", "is_working_day")
    return sorted(entered), sorted(days)


async def calendar_2099(api: Any) -> Case:
    home = await make_agency(api, region=HOME)
    # A random weekday of 2099 off, so a successful entry visibly changes the calendar.
    holiday = date(2099, 3, 2) + timedelta(days=7 * secrets.randbelow(30))

    async def run(token: str | None) -> dict[str, Any]:
        return await mutate(api, SET_CALENDAR, {"year": 2099, "holidays": [holiday.isoformat()],
                                                "makeupWorkingDays": []}, token)

    return Case(run, _calendar_2099, home)


# ============================================================================================
# The table: outcome per actor, in ACTORS order
#   province, city (福州), city-other (厦门), city-pingtan, agency itself, agency-other, public

MATRIX: dict[tuple[str, str], tuple[Callable[[Any], Awaitable[Case]], tuple[str, ...]]] = {
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
}

CASES = [
    pytest.param(mutation, target, actor, expected[n], id=f"{mutation}-{target}-{actor}")
    for (mutation, target), (_, expected) in MATRIX.items()
    for n, actor in enumerate(ACTORS)
]


def _token(api: Any, actor: str, case: Case, other: Fresh | None) -> str | None:
    if actor == "province":
        return str(api.token(Role.PROVINCE))
    if actor.startswith("city"):
        region = {"city": HOME, "city-other": OTHER, "city-pingtan": PINGTAN}[actor]
        return str(api.token(Role.CITY, region=region))
    if actor == "agency":
        return case.agency.token(api)
    if actor == "agency-other":
        assert other is not None
        return other.token(api)
    return None


@pytest.mark.parametrize(("mutation", "target", "actor", "expected"), CASES)
async def test_write_matrix(api_on, mutation: str, target: str, actor: str,  # type: ignore[no-untyped-def]
                            expected: str) -> None:
    build, _ = MATRIX[(mutation, target)]
    async with api_on(DAY) as api:
        case = await build(api)
        other = await make_agency(api, region=OTHER, site_regions=(OTHER,)) \
            if actor == "agency-other" else None
        token = _token(api, actor, case, other)
        state, before = await case.state(), await counts()
        result = await case.run(token)
        assert outcome(result) == expected, result
        if expected == OK:
            after = await counts()
            assert after["audit_event"] > before["audit_event"], "a change without its event"
            assert await case.state() != state
        else:
            if expected == RV:  # every refusal cites the article it rests on
                assert result["article"] is not None, result
            assert await counts() == before
            assert await case.state() == state


async def test_the_matrix_names_real_mutations(api) -> None:  # type: ignore[no-untyped-def]
    """The filing-lifecycle mutations (sanctions, inspections and draws have their own
    matrices)."""
    data = await api.query("{ __schema { mutationType { fields { name } } } }",
                           token=api.token(Role.PROVINCE))
    names = {f["name"] for f in data["__schema"]["mutationType"]["fields"]}
    covered = {mutation for mutation, _ in MATRIX}
    assert covered == {"registerAgency", "addSite", "submitFiling", "decideFiling",
                       "importFiling", "terminateAgency", "acknowledgeSite",
                       "setWorkingCalendar"}
    assert covered <= names


def test_every_cell_is_an_outcome() -> None:
    for expected in (row for _, row in MATRIX.values()):
        assert len(expected) == len(ACTORS) and set(expected) <= {OK, RV, NF}
    # Every mutation has at least one actor who may do it.
    assert {m for (m, _), (_, row) in MATRIX.items() if OK in row} == {m for m, _ in MATRIX}
