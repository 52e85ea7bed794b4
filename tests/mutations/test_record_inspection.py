"""recordInspection (Art. 4, 19, 20, 23(11); DESIGN §6): the province records any inspection; a
city for sites located in it (a provincial agency's site included, Art. 4) and for the agencies
filed with it. The third UNQUALIFIED external result of an agency within one calendar year
raises a PROPOSED Art. 23(11) revocation that does nothing until the authority confirms it.

Runs on DAY (2026-03-10); inspection dates lie in 2025 and 2026 up to DAY, never later.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from models.audit import AuditEvent
from models.enums import Role, SanctionStatus
from models.inspection import Inspection
from models.sanction import Sanction
from tests.support.builders import (
    DAY,
    add_site,
    agency_view,
    city,
    confirm,
    gid,
    make_agency,
    nodes,
    pk,
    record,
    recorded,
)
from tests.support.documents import SANCTIONS
from tests.support.snapshot import unchanged


async def _proposals(agency_pk: int) -> list[Sanction]:
    return await Sanction.filter(agency_id=agency_pk, status=SanctionStatus.PROPOSED)


async def _visible_sanctions(api: Any, agency: Any, token: str | None) -> list[dict[str, Any]]:
    return [
        {"id": n["id"], "status": n["status"]}
        for n in await nodes(api, SANCTIONS, token, filter={"agencyId": agency.id})
    ]


# ============================================================================================
# Who may record


@pytest.mark.article(4)
async def test_a_city_records_at_a_provincial_agencys_site_in_it(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200", "350100"))
        in_xiamen, in_fuzhou = provincial.site_ids
        result = await recorded(
            api,
            provincial,
            date(2026, 3, 2),
            "QUALIFIED",
            city(api, "350200"),
            siteId=in_xiamen,
            mode="RANDOM",
            findings="考场秩序良好。",
            published=True,
        )
        inspection = result["inspection"]
        assert inspection["authority"] == {"code": "350200"}
        assert inspection["site"] == {"id": in_xiamen}
        assert inspection["agency"] == {"id": provincial.id}
        assert {
            k: inspection[k] for k in ("kind", "mode", "date", "result", "findings", "published")
        } == {
            "kind": "EXTERNAL",
            "mode": "RANDOM",
            "date": "2026-03-02",
            "result": "QUALIFIED",
            "findings": "考场秩序良好。",
            "published": True,
        }
        assert result["proposedSanction"] is None
        row = await Inspection.get(id=pk(inspection["id"]))
        assert (row.agency_id, row.site_id, row.authority_id) == (
            provincial.pk,
            pk(in_xiamen),
            "350200",
        )
        event = await AuditEvent.get(action="recordInspection", object_id=str(row.id))
        assert event.actor_role == "CITY" and event.agency_id == provincial.pk

        # Xiamen does not reach the site in Fuzhou, nor the agency as a whole; Putian nothing.
        async with unchanged(provincial):
            for token, extra in (
                (city(api, "350200"), {"siteId": in_fuzhou}),
                (city(api, "350200"), {}),
                (city(api, "350300"), {"siteId": in_xiamen}),
                (city(api, "350300"), {}),
            ):
                refused = await record(
                    api, provincial, date(2026, 3, 2), "QUALIFIED", token, **extra
                )
                assert refused["__typename"] == "RuleViolation", (extra, refused)
                assert refused["code"] == "NOT_SUPERVISOR" and refused["article"] == 4
        # Fuzhou reaches its own site.
        await recorded(
            api, provincial, date(2026, 3, 2), "QUALIFIED", city(api, "350100"), siteId=in_fuzhou
        )


@pytest.mark.article(4)
async def test_a_city_records_for_its_agencies_and_its_territory(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        own = await make_agency(api, region="350100")
        result = await recorded(api, own, date(2026, 1, 5), "QUALIFIED", city(api, "350100"))
        assert result["inspection"]["authority"] == {"code": "350100"}
        assert result["inspection"]["site"] is None
        # A Fuzhou agency's venue in Quanzhou: Quanzhou inspects it there, not elsewhere.
        travelling = await make_agency(api, region="350100", site_regions=("350500", "350100"))
        in_quanzhou, in_fuzhou = travelling.site_ids
        await recorded(
            api, travelling, date(2026, 1, 5), "QUALIFIED", city(api, "350500"), siteId=in_quanzhou
        )
        refused = await record(
            api, travelling, date(2026, 1, 5), "QUALIFIED", city(api, "350500"), siteId=in_fuzhou
        )
        assert refused["__typename"] == "RuleViolation", refused
        # The province records anywhere, with itself as the authority.
        by_province = await recorded(
            api, travelling, date(2026, 1, 5), "QUALIFIED", siteId=in_fuzhou
        )
        assert by_province["inspection"]["authority"] == {"code": "350000"}


async def test_agencies_and_the_public_do_not_record(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        async with unchanged(agency):
            for token in (agency.token, ""):
                refused = await record(
                    api, agency, date(2026, 3, 1), "QUALIFIED", token, kind="INTERNAL"
                )
                assert refused["__typename"] == "RuleViolation", refused
            missing = await record(api, agency, date(2026, 3, 1), agencyId=gid("Agency", 10**9))
        assert missing["__typename"] == "NotFound", missing


async def test_input_is_checked(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        stranger = await make_agency(api)
        async with unchanged(agency):
            cases: list[tuple[dict[str, Any], str]] = [
                ({"date": "2026-03-11"}, "date"),  # tomorrow: recorded after it took place
                ({"siteId": stranger.site_ids[0]}, "siteId"),  # not the agency's venue
                ({"findings": "问" * 5001}, "findings"),
            ]
            for extra, field in cases:
                refused = await record(api, agency, DAY, **extra)
                assert refused["__typename"] == "InvalidInput", refused
                assert refused["field"] == field, refused
        # Today is fine.
        await recorded(api, agency, DAY, "QUALIFIED")


# ============================================================================================
# Art. 23(11): three UNQUALIFIED external results in one calendar year


@pytest.mark.article(23)
async def test_the_third_failure_of_the_year_proposes_a_revocation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350800")
        longyan = city(api, "350800")
        for day in (date(2026, 1, 12), date(2026, 2, 3)):
            assert (await recorded(api, agency, day, token=longyan))["proposedSanction"] is None
        assert await _proposals(agency.pk) == []

        third = await recorded(api, agency, date(2026, 3, 9), token=longyan)
        proposal = third["proposedSanction"]
        assert proposal is not None
        assert {
            k: proposal[k]
            for k in (
                "article",
                "clause",
                "grade",
                "status",
                "published",
                "decidedAt",
                "escalatedFrom",
            )
        } == {
            "article": 23,
            "clause": 11,
            "grade": "REVOCATION",
            "status": "PROPOSED",
            "published": False,
            "decidedAt": None,
            "escalatedFrom": None,
        }
        assert proposal["authority"] == {"code": "350800"}
        assert "2026" in proposal["facts"]
        # No effect until confirmed: still ACTIVE, no ban, new sites still allowed.
        assert proposal["agency"] == {"id": agency.id, "status": "ACTIVE"}
        view = await agency_view(api, agency)
        assert (view["status"], view["bannedUntil"]) == ("ACTIVE", None)
        await add_site(api, agency, "350800")
        # Not published: the public does not see it; the agency and its city do.
        assert await _visible_sanctions(api, agency, None) == []
        for token in (agency.token, longyan):
            assert await _visible_sanctions(api, agency, token) == [
                {"id": proposal["id"], "status": "PROPOSED"}
            ]

        # A fourth failure proposes nothing more.
        fourth = await recorded(api, agency, DAY, token=longyan)
        assert fourth["proposedSanction"] is None
        assert [s.id for s in await _proposals(agency.pk)] == [pk(proposal["id"])]
    event = await AuditEvent.get(action="proposeSanction", object_id=str(pk(proposal["id"])))
    assert event.agency_id == agency.pk and event.before is None

    # The authority confirms: revoked, banned three years from the confirmation.
    async with api_on(date(2026, 3, 20)) as api:
        result = await confirm(api, proposal["id"], longyan)
        assert result["__typename"] == "ConfirmSanctionSuccess", result
        confirmed = result["sanction"]
        assert (confirmed["status"], confirmed["decidedAt"], confirmed["published"]) == (
            "EFFECTIVE",
            "2026-03-20",
            True,
        )
        view = await agency_view(api, agency, "")
        assert (view["status"], view["bannedUntil"]) == ("REVOKED", "2029-03-20")


@pytest.mark.article(23)
async def test_december_and_january_are_different_years(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        for day in (date(2025, 12, 10), date(2025, 12, 20), date(2026, 1, 5)):
            assert (await recorded(api, agency, day))["proposedSanction"] is None
        assert await _proposals(agency.pk) == []
        # Two more in 2026 make three in 2026.
        assert (await recorded(api, agency, date(2026, 1, 20)))["proposedSanction"] is None
        third = await recorded(api, agency, date(2026, 2, 1))
        assert third["proposedSanction"] is not None
        assert "2026" in third["proposedSanction"]["facts"]
        # A 2025 result entered late makes three in 2025: that year's own proposal.
        late = await recorded(api, agency, date(2025, 12, 28))
        assert late["proposedSanction"] is not None
        assert "2025" in late["proposedSanction"]["facts"]
        assert len(await _proposals(agency.pk)) == 2


@pytest.mark.article(23)
async def test_internal_and_qualified_results_do_not_count(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        for n in range(3):
            internal = await recorded(api, agency, date(2026, 1, 10 + n), kind="INTERNAL")
            assert internal["proposedSanction"] is None
        for n in range(2):
            qualified = await recorded(api, agency, date(2026, 2, 10 + n), "QUALIFIED")
            assert qualified["proposedSanction"] is None
        for n in range(2):
            failed = await recorded(api, agency, date(2026, 3, 1 + n))
            assert failed["proposedSanction"] is None
        assert await _proposals(agency.pk) == []
        # The third external failure does.
        assert (await recorded(api, agency, date(2026, 3, 5)))["proposedSanction"] is not None


@pytest.mark.article(23)
@pytest.mark.parametrize("recorder", ["350200", "350000"])
async def test_the_proposal_is_returned_only_to_who_may_see_it(api_on, recorder: str) -> None:  # type: ignore[no-untyped-def]
    """A city inspects a provincial agency's site but does not sanction it: the proposal goes
    to the province, and the city does not see it."""
    async with api_on(DAY) as api:
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        (site,) = provincial.site_ids
        token = city(api, recorder) if recorder != "350000" else api.token(Role.PROVINCE)
        results = [
            await recorded(api, provincial, date(2026, 2, day), token=token, siteId=site)
            for day in (2, 3, 4)
        ]
        (proposal,) = await _proposals(provincial.pk)
        assert proposal.authority_id == "350000"
        returned = results[-1]["proposedSanction"]
        if recorder == "350000":
            assert returned is not None and returned["id"] == gid("Sanction", proposal.id)
        else:
            assert returned is None
            assert await _visible_sanctions(api, provincial, token) == []
        assert (await agency_view(api, provincial))["status"] == "ACTIVE"


@pytest.mark.article(23)
async def test_concurrent_failures_propose_once(api_on, database: str) -> None:  # type: ignore[no-untyped-def]
    if database != "postgres":
        pytest.skip("SQLite serialises the transactions: no race to observe")
    counts = []
    async with api_on(DAY) as api:
        for _ in range(10):
            agency = await make_agency(api)
            for day in (date(2026, 1, 1), date(2026, 1, 2)):
                await recorded(api, agency, day)
            await asyncio.gather(*[recorded(api, agency, date(2026, 2, n)) for n in (1, 2, 3)])
            counts.append(len(await _proposals(agency.pk)))
    assert counts == [1] * 10
