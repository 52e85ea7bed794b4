"""The audit trail (Art. 11; DESIGN §4, §6): every change writes who/when/what/before/after in the
same transaction as the change; the province reads all of it, a city the events about records
in its scope, agencies and the public none; a refused mutation leaves no event.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from models.agency import Agency
from models.audit import AuditEvent
from models.claim import ItemClaim
from models.enums import AgencyState, FilingStatus, Role
from models.filing import Filing
from models.site import Site
from schema.core.ids import to_global_id
from server.auth import mint_token
from tests.support.builders import (
    DAY,
    Fresh,
    add_site,
    address,
    credit_code,
    items,
    make_agency,
    mutate,
    nodes,
    pk,
    register,
    submit,
    terminate,
)
from tests.support.documents import (
    ACKNOWLEDGE_SITE,
    ADD_SITE,
    AUDIT_EVENTS,
    DECIDE_FILING,
    REGISTER_AGENCY,
    SET_WORKING_CALENDAR,
    SUBMIT_FILING,
    TERMINATE_AGENCY,
)
from tests.support.snapshot import snapshot, unchanged


async def _events(api: Any, token: str | None, **filter: Any) -> list[dict[str, Any]]:
    """Every audit event `token` reads, all pages."""
    return await nodes(api, AUDIT_EVENTS, token, filter=filter or None)


def _token(api: Any, role: Role, subject: str, **kw: Any) -> str:
    return mint_token(api.settings, role, subject=subject, **kw)


def _one(events: list[dict[str, Any]], action: str) -> dict[str, Any]:
    found = [e for e in events if e["action"] == action]
    assert len(found) == 1, (action, [e["action"] for e in events])
    return found[0]


# ============================================================================================
# What each mutation writes


@pytest.mark.article(11)
async def test_each_mutation_writes_its_events(api_on) -> None:  # type: ignore[no-untyped-def]
    tag = secrets.token_hex(4)
    async with api_on(DAY) as api:
        city = _token(api, Role.CITY, f"city-officer-{tag}", region="350100")
        province = _token(api, Role.PROVINCE, f"province-officer-{tag}")

        # registerAgency (CITY, its own city-level agency)
        agency = await register(api, region="350100", token=city)
        agency_token = _token(
            api, Role.AGENCY, f"agency-user-{tag}", agency_credit_code=agency.credit_code
        )
        # addSite (AGENCY)
        added = await mutate(
            api,
            ADD_SITE,
            {
                "agencyId": agency.id,
                "name": "审计考点",
                "address": address("350100"),
                "regionCode": "350100",
                "tenure": "OWNED",
                "hasVideoSurveillance": True,
            },
            agency_token,
        )
        site = added["site"]["id"]
        # submitFiling (AGENCY)
        submitted = await mutate(
            api,
            SUBMIT_FILING,
            {"agencyId": agency.id, "kind": "INITIAL", "items": items([site])},
            agency_token,
        )
        filing = submitted["filing"]["id"]
        # decideFiling (CITY)
        decided = await mutate(api, DECIDE_FILING, {"filingId": filing, "approve": True}, city)
        assert decided["__typename"] == "DecideFilingSuccess", decided
        # terminateAgency (PROVINCE)
        ended = await mutate(
            api, TERMINATE_AGENCY, {"agencyId": agency.id, "reason": "VOLUNTARY"}, province
        )
        assert ended["__typename"] == "TerminateAgencySuccess", ended
        events = await _events(api, province, agencyId=agency.id)

        # acknowledgeSite (CITY where a provincial agency's site lies)
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        (provincial_site,) = provincial.site_ids
        assert (await mutate(api, ACKNOWLEDGE_SITE, {"siteId": provincial_site}, city))[
            "__typename"
        ] == "AcknowledgeSiteSuccess"
        ack = _one(await _events(api, province, agencyId=provincial.id), "acknowledgeSite")

    assert [e["action"] for e in events] == [
        "registerAgency",
        "addSite",
        "submitFiling",
        "approveFiling:agency",
        "decideFiling",
        "terminateAgency:VOLUNTARY",
        "announce",
    ]
    assert all(e["at"].startswith("2026-") for e in events)

    reg = _one(events, "registerAgency")
    assert (reg["actorRole"], reg["actorId"]) == ("CITY", f"city-officer-{tag}")
    assert (reg["objectType"], reg["objectId"]) == ("Agency", agency.id)
    assert reg["before"] is None
    assert reg["after"]["credit_code"] == agency.credit_code and reg["after"]["state"] == "PENDING"

    add = _one(events, "addSite")
    assert (add["actorRole"], add["actorId"]) == ("AGENCY", f"agency-user-{tag}")
    assert (add["objectType"], add["objectId"]) == ("Site", site)
    assert add["before"] is None and add["after"]["name"] == "审计考点"
    assert add["after"]["region_id"] == "350100" and add["after"]["agency_id"] == agency.pk

    sub = _one(events, "submitFiling")
    assert (sub["actorRole"], sub["objectType"], sub["objectId"]) == ("AGENCY", "Filing", filing)
    assert sub["before"] is None
    assert sub["after"]["status"] == "SUBMITTED" and sub["after"]["kind"] == "INITIAL"

    dec = _one(events, "decideFiling")
    assert (dec["actorRole"], dec["actorId"]) == ("CITY", f"city-officer-{tag}")
    assert (dec["objectType"], dec["objectId"]) == ("Filing", filing)
    assert dec["before"]["status"] == "SUBMITTED" and dec["after"]["status"] == "APPROVED"
    assert dec["after"]["valid_from"] == "2026-03-10"
    approved = _one(events, "approveFiling:agency")
    assert (approved["objectType"], approved["objectId"]) == ("Agency", agency.id)
    assert approved["before"]["state"] == "PENDING" and approved["after"]["state"] == "ACTIVE"

    term = _one(events, "terminateAgency:VOLUNTARY")
    assert (term["actorRole"], term["actorId"]) == ("PROVINCE", f"province-officer-{tag}")
    assert (term["objectType"], term["objectId"]) == ("Agency", agency.id)
    assert term["before"]["state"] == "ACTIVE" and term["after"]["state"] == "TERMINATED"
    notice = _one(events, "announce")
    assert (notice["objectType"], notice["objectId"]) == (
        "Announcement",
        ended["announcement"]["id"],
    )
    assert notice["before"] is None
    assert notice["after"]["kind"] == "TERMINATION"
    assert (notice["after"]["start_date"], notice["after"]["end_date"]) == (
        "2026-03-10",
        "2026-03-16",
    )

    assert (ack["actorRole"], ack["actorId"]) == ("CITY", f"city-officer-{tag}")
    assert (ack["objectType"], ack["objectId"]) == ("Site", provincial_site)
    assert ack["before"]["acknowledged_at"] is None and ack["after"]["acknowledged_at"]

    # One mutation, one request: its events share the request id.
    rows = await AuditEvent.filter(agency_id=agency.pk).order_by("id")
    by_action = {r.action: r.request_id for r in rows}
    assert by_action["decideFiling"] == by_action["approveFiling:agency"] is not None
    assert by_action["terminateAgency:VOLUNTARY"] == by_action["announce"]
    assert by_action["decideFiling"] != by_action["terminateAgency:VOLUNTARY"]


# ============================================================================================
# Who reads the trail


@pytest.mark.article(11)
async def test_who_reads_which_events(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        fuzhou_agency = await make_agency(api, region="350100")
        xiamen_agency = await make_agency(api, region="350200")
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))
        entered = await mutate(
            api,
            SET_WORKING_CALENDAR,
            {"year": 2099, "holidays": ["2099-01-01"], "makeupWorkingDays": []},
            api.token(Role.PROVINCE),
        )
        assert entered["__typename"] == "SetWorkingCalendarSuccess"

        province = api.token(Role.PROVINCE)
        fuzhou = api.token(Role.CITY, region="350100")
        everything = await _events(api, province)
        assert len(everything) == await AuditEvent.all().count()
        assert any(e["action"] == "setWorkingCalendar" for e in everything)

        city_view = await _events(api, fuzhou)
        seen = {e["id"] for e in city_view}
        # Every event of the agency filed with it ...
        mine = await _events(api, province, agencyId=fuzhou_agency.id)
        assert mine and {e["id"] for e in mine} <= seen
        # ... and, of a provincial agency, the events about its site in the city.
        site_events = [
            e
            for e in await _events(api, province, agencyId=provincial.id)
            if e["objectId"] == provincial.site_ids[0]
        ]
        assert site_events and {e["id"] for e in site_events} <= seen
        # Not another city's agency, not the province's calendar.
        xiamen_events = await _events(api, province, agencyId=xiamen_agency.id)
        assert xiamen_events and not {e["id"] for e in xiamen_events} & seen
        assert await _events(api, fuzhou, agencyId=xiamen_agency.id) == []
        assert not any(e["action"] == "setWorkingCalendar" for e in city_view)
        # The filter never widens the scope.
        assert len(await _events(api, fuzhou, objectType="Agency")) <= len(city_view)

        # Agencies and the public read no trail at all (an empty list, not an error).
        for token in (fuzhou_agency.token, provincial.token, None):
            assert await _events(api, token) == []
            assert await _events(api, token, agencyId=fuzhou_agency.id) == []


@pytest.mark.article(11)
async def test_a_city_sees_no_events_about_records_it_cannot_read(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        provincial = await make_agency(
            api, level="PROVINCIAL", site_regions=("350100",), active=False
        )
        xiamen_site = await add_site(api, provincial, "350200")
        fuzhou = api.token(Role.CITY, region="350100")
        node = await api.query(
            "query ($id: ID!) { node(id: $id) { id } }", {"id": xiamen_site}, fuzhou
        )
        assert node["node"] is None  # 福州 cannot read the 厦门 site ...
        about_it = [
            e
            for e in await _events(api, fuzhou, agencyId=provincial.id)
            if e["objectId"] == xiamen_site
        ]
        assert about_it == []  # ... nor, then, the events about it


# ============================================================================================
# Refusals leave no trail; a failed trail leaves no change


@pytest.mark.article(11)
async def test_refused_mutations_leave_no_event(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350100")
        pending = await make_agency(api, region="350100", active=False)
        xiamen = api.token(Role.CITY, region="350200")
        attempts: list[tuple[str, dict[str, Any], str | None]] = [
            (
                REGISTER_AGENCY,
                {
                    "name": "越权登记",
                    "creditCode": credit_code("350100"),
                    "kind": "EMPLOYER",
                    "isCollege": False,
                    "level": "CITY",
                    "filingRegionCode": "350100",
                },
                xiamen,
            ),
            (
                ADD_SITE,
                {
                    "agencyId": agency.id,
                    "name": "越权考点",
                    "address": address("350100"),
                    "regionCode": "350100",
                    "tenure": "OWNED",
                    "hasVideoSurveillance": True,
                },
                xiamen,
            ),
            (
                SUBMIT_FILING,
                {"agencyId": agency.id, "kind": "INFO_CHANGE", "newName": "越权更名"},
                api.token(Role.PROVINCE),
            ),
            (TERMINATE_AGENCY, {"agencyId": agency.id, "reason": "OTHER"}, xiamen),
            (
                ACKNOWLEDGE_SITE,
                {"siteId": agency.site_ids[0]},
                api.token(Role.CITY, region="350100"),
            ),
            (SET_WORKING_CALENDAR, {"year": 2099, "holidays": [], "makeupWorkingDays": []}, xiamen),
        ]
        filed = await submit(api, pending, "INITIAL", items=items(pending.site_ids))
        attempts.append(
            (DECIDE_FILING, {"filingId": filed["filing"]["id"], "approve": True}, pending.token)
        )
        async with unchanged(agency, pending):
            for document, input, token in attempts:
                result = await mutate(api, document, input, token)
                assert result["__typename"] in ("RuleViolation", "NotFound"), (document, result)


class _Boom(Exception):
    pass


async def _boom(*args: Any, **kwargs: Any) -> None:
    raise _Boom("the audit trail is unavailable")


async def _setup_register(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    code = credit_code("350100")

    async def run() -> Any:
        return await api.post(
            REGISTER_AGENCY,
            {
                "input": {
                    "name": "事务测试机构",
                    "creditCode": code,
                    "kind": "EMPLOYER",
                    "isCollege": False,
                    "level": "CITY",
                    "filingRegionCode": "350100",
                    "contactName": "事务联系人",
                    "contactPhone": "0591-12345678",
                }
            },
            api.token(Role.PROVINCE),
        )

    async def state() -> Any:
        return await Agency.exists(credit_code=code)

    return run, state


async def _setup_add_site(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    agency = await make_agency(api, active=False)

    async def run() -> Any:
        return await api.post(
            ADD_SITE,
            {
                "input": {
                    "agencyId": agency.id,
                    "name": "事务考点",
                    "address": address("350100"),
                    "regionCode": "350100",
                    "tenure": "OWNED",
                    "hasVideoSurveillance": True,
                }
            },
            agency.token,
        )

    async def state() -> Any:
        return await Site.filter(agency_id=agency.pk).count()

    return run, state


async def _setup_submit(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    agency = await make_agency(api, active=False)

    async def run() -> Any:
        return await api.post(
            SUBMIT_FILING,
            {"input": {"agencyId": agency.id, "kind": "INITIAL", "items": items(agency.site_ids)}},
            agency.token,
        )

    async def state() -> Any:
        return await Filing.filter(agency_id=agency.pk).count()

    return run, state


async def _setup_decide(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    agency = await make_agency(api, active=False)
    filed = await submit(api, agency, "INITIAL", items=items(agency.site_ids))

    async def run() -> Any:
        return await api.post(
            DECIDE_FILING,
            {"input": {"filingId": filed["filing"]["id"], "approve": True}},
            api.token(Role.PROVINCE),
        )

    async def state() -> Any:
        filing = await Filing.get(id=pk(filed["filing"]["id"]))
        return (
            (await Agency.get(id=agency.pk)).state,
            filing.status,
            filing.valid_from,
            await ItemClaim.filter(agency_id=agency.pk).count(),
        )

    return run, state


async def _setup_terminate(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    agency = await make_agency(api)
    await submit(api, agency, "INFO_CHANGE", newName="事务更名")

    async def run() -> Any:
        return await api.post(
            TERMINATE_AGENCY,
            {"input": {"agencyId": agency.id, "reason": "VOLUNTARY"}},
            api.token(Role.PROVINCE),
        )

    async def state() -> Any:
        return (
            (await Agency.get(id=agency.pk)).state,
            sorted(f.status for f in await Filing.filter(agency_id=agency.pk)),
            await ItemClaim.filter(agency_id=agency.pk, released_at=None).count(),
        )

    return run, state


async def _setup_acknowledge(api: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    agency = await make_agency(api, level="PROVINCIAL", site_regions=("350100",))

    async def run() -> Any:
        return await api.post(
            ACKNOWLEDGE_SITE,
            {"input": {"siteId": agency.site_ids[0]}},
            api.token(Role.CITY, region="350100"),
        )

    async def state() -> Any:
        return (await Site.get(id=pk(agency.site_ids[0]))).acknowledged_at

    return run, state


@pytest.mark.article(11)
@pytest.mark.parametrize(
    "setup",
    [
        _setup_register,
        _setup_add_site,
        _setup_submit,
        _setup_decide,
        _setup_terminate,
        _setup_acknowledge,
    ],
    ids=lambda f: f.__name__.removeprefix("_setup_"),
)
async def test_no_change_without_its_audit_event(api_on, monkeypatch, setup) -> None:  # type: ignore[no-untyped-def]
    """The change and its events commit together: when writing the event fails, the change
    is rolled back and the client gets a masked error."""
    async with api_on(DAY) as api:
        run, state = await setup(api)
        before_state, before = await state(), await snapshot()
        with monkeypatch.context() as patch:
            patch.setattr(AuditEvent, "create", _boom)
            response = await run()
        body = response.json()
        assert body.get("errors"), body
        assert "audit trail" not in response.text  # masked
        assert await state() == before_state
        assert await snapshot() == before
        # With the trail back, the same request goes through (the setup was sound).
        retried = (await run()).json()
        assert not retried.get("errors"), retried
        assert (retried["data"].popitem()[1]["__typename"]).endswith("Success"), retried
        assert await state() != before_state


@pytest.mark.article(11)
async def test_a_terminated_agencys_history_is_kept(api_on) -> None:  # type: ignore[no-untyped-def]
    """Art. 11: nothing is deleted; the trail of a terminated agency stays readable."""
    async with api_on(DAY) as api:
        agency: Fresh = await make_agency(api)
        before = await _events(api, api.token(Role.PROVINCE), agencyId=agency.id)
        assert (await terminate(api, agency))["__typename"] == "TerminateAgencySuccess"
        after = await _events(api, api.token(Role.PROVINCE), agencyId=agency.id)
    assert [e["id"] for e in after[: len(before)]] == [e["id"] for e in before]
    assert len(after) == len(before) + 2
    assert await Agency.exists(id=agency.pk, state=AgencyState.TERMINATED)
    assert await Filing.exists(agency_id=agency.pk, status=FilingStatus.APPROVED)
    assert to_global_id("Agency", agency.pk) == agency.id
