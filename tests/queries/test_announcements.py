"""announcements (公示, Art. 13, 15, 17; DESIGN §6): public notices with stored start and end dates,
read by anyone; filters `current`, `kind`, `agencyId`; the `current` field; pagination; an
approved INFO_CHANGE publishes one (Art. 13: 经审核同意后向社会公布).

Notices made on DAY (2026-03-10) run 2026-03-10..2026-03-16.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.announcement import Announcement
from models.enums import Role
from schema.core.ids import to_global_id
from tests.support.builders import (
    DAY,
    DAY_PERIOD,
    Fresh,
    approved,
    decide,
    make_agency,
    nodes,
    pk,
    submitted,
    terminate,
)
from tests.support.documents import ANNOUNCEMENTS


async def _all(
    api: Any, token: str | None, first: int = 100, **filter: Any
) -> list[dict[str, Any]]:
    return await nodes(api, ANNOUNCEMENTS, token, first=first, filter=filter)


async def _info_change(
    api: Any, agency: Fresh, new_name: str, token: str | None = None
) -> dict[str, Any]:
    """The approved INFO_CHANGE filing."""
    return await approved(api, await submitted(api, agency, "INFO_CHANGE", newName=new_name), token)


@pytest.mark.article(13)
async def test_an_approved_info_change_is_published(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350500")
        new_name = f"泉州更名测试{agency.credit_code[-6:]}有限公司"
        decided = await _info_change(api, agency, new_name, api.token(Role.CITY, region="350500"))
        assert decided["status"] == "APPROVED"
        (notice,) = await _all(api, None, agencyId=agency.id)
    assert notice["kind"] == "INFO_CHANGE" and notice["terminationReason"] is None
    assert (notice["startDate"], notice["endDate"]) == DAY_PERIOD and notice["current"]
    assert new_name in notice["body"] and agency.name in notice["body"]
    assert notice["authority"] == {"code": "350500"}
    assert (notice["agency"]["id"], notice["agency"]["name"]) == (agency.id, new_name)
    row = await Announcement.get(id=pk(notice["id"]))
    assert row.filing_id == pk(decided["id"])
    assert (row.start_date.isoformat(), row.end_date.isoformat()) == DAY_PERIOD


@pytest.mark.article(13)
async def test_a_rejected_info_change_publishes_nothing(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        filing = await submitted(api, agency, "INFO_CHANGE", newLegalRepresentative="王五")
        rejected = await decide(api, filing, approve=False, reason="材料不全")
        assert rejected["__typename"] == "DecideFilingSuccess", rejected
        assert rejected["filing"]["status"] == "REJECTED"
        assert await _all(api, None, agencyId=agency.id) == []


@pytest.mark.article(15)
@pytest.mark.parametrize(
    ("today", "current"),
    [
        (date(2026, 3, 9), False),  # not yet started
        (date(2026, 3, 10), True),  # first day
        (date(2026, 3, 14), True),  # a weekend inside the period
        (date(2026, 3, 16), True),  # last day
        (date(2026, 3, 17), False),  # ended
    ],
)
async def test_current_is_read_against_today(api_on, today: date, current: bool) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        assert (await terminate(api, agency))["__typename"] == "TerminateAgencySuccess"
    async with api_on(today) as api:
        (notice,) = await _all(api, None, agencyId=agency.id)
        assert notice["current"] is current
        running = await _all(api, None, agencyId=agency.id, current=True)
        ended = await _all(api, None, agencyId=agency.id, current=False)
        assert [n["id"] for n in (running if current else ended)] == [notice["id"]]
        assert (ended if current else running) == []
        # Across all notices, the filter and the field agree.
        assert all(n["current"] for n in await _all(api, None, current=True))
        assert not any(n["current"] for n in await _all(api, None, current=False))


async def test_kind_and_agency_filters(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        bystander = await make_agency(api)
        await _info_change(api, agency, f"改名机构{agency.credit_code[-6:]}")
        await _info_change(api, bystander, f"改名机构{bystander.credit_code[-6:]}")
        assert (await terminate(api, agency, "OTHER"))["__typename"] == "TerminateAgencySuccess"

        mine = await _all(api, None, agencyId=agency.id)
        assert sorted(n["kind"] for n in mine) == ["INFO_CHANGE", "TERMINATION"]
        assert all(n["agency"]["id"] == agency.id for n in mine)
        (info,) = await _all(api, None, agencyId=agency.id, kind="INFO_CHANGE")
        (ended,) = await _all(api, None, agencyId=agency.id, kind="TERMINATION")
        assert info["kind"] == "INFO_CHANGE" and ended["kind"] == "TERMINATION"
        assert ended["terminationReason"] == "OTHER"
        assert all(n["kind"] == "TERMINATION" for n in await _all(api, None, kind="TERMINATION"))
        assert await _all(api, None, agencyId=bystander.id, kind="TERMINATION") == []
        # Ids that name no agency match nothing.
        assert await _all(api, None, agencyId=to_global_id("Agency", 2**31 - 1)) == []
        assert await _all(api, None, agencyId="garbage") == []


async def test_everyone_reads_the_same_published_notices(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        await _info_change(api, agency, f"省级改名{agency.credit_code[-6:]}")
        assert (await terminate(api, agency))["__typename"] == "TerminateAgencySuccess"
        tokens = [
            None,
            api.token(Role.PROVINCE),
            api.token(Role.CITY, region="350200"),
            api.token(Role.CITY, region="350128"),
            agency.token,
        ]
        views = [sorted(n["id"] for n in await _all(api, t, agencyId=agency.id)) for t in tokens]
        assert len(views[0]) == 2 and all(v == views[0] for v in views)
        everything = await _all(api, None)
    assert len(everything) == await Announcement.filter(published=True).count()


async def test_pagination(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        for n in range(3):
            await _info_change(api, agency, f"分页测试{n}号{agency.credit_code[-6:]}")
        assert (await terminate(api, agency))["__typename"] == "TerminateAgencySuccess"
        whole = await _all(api, None, agencyId=agency.id)
        assert len(whole) == 4
        one_by_one = await _all(api, None, first=1, agencyId=agency.id)
        assert [n["id"] for n in one_by_one] == [n["id"] for n in whole]
        mine = {"agencyId": agency.id}
        page = (await api.query(ANNOUNCEMENTS, {"first": 3, "filter": mine}))["announcements"]
        assert page["totalCount"] == 4 and len(page["edges"]) == 3
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        rest = await api.query(
            ANNOUNCEMENTS, {"first": 3, "after": page["pageInfo"]["endCursor"], "filter": mine}
        )
        tail = rest["announcements"]
        assert tail["totalCount"] == 4 and len(tail["edges"]) == 1
        assert tail["pageInfo"]["hasNextPage"] is False
        # More than 100 per page is refused.
        response = await api.post(ANNOUNCEMENTS, {"first": 101})
        assert response.json().get("errors"), response.text
