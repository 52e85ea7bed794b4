"""issueSanction (Art. 21-24; DESIGN §5, §6): the filing authority (the province on any agency)
issues an interview (21), a rectification notice (22) or a revocation (23); the ladder turns a
repeat interview into 22.1 and a repeat rectification into 23.1 within the filing period.
Everyone else is refused and nothing changes, not even the audit trail.

Everything runs on DAY (2026-03-10); agencies are imported with validFrom 2025-01-06, so their
filing period is 2025-01-06..2028-01-06 and a scope change is otherwise allowed (Art. 13).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from models.audit import AuditEvent
from models.enums import Role
from models.sanction import Sanction
from tests.support.builders import (
    DAY,
    DIANGONG,
    HANGONG,
    Fresh,
    accept,
    address,
    agency_view,
    city,
    gid,
    issue,
    issued,
    items,
    make_agency,
    mutate,
    pk,
    renewed_agency,
    submit,
)
from tests.support.documents import ADD_SITE, ISSUE_SANCTION, NODE
from tests.support.snapshot import unchanged

SANCTIONS_OF = """
query ($agencyId: ID!) {
  sanctions(first: 100, filter: {agencyId: $agencyId}) {
    totalCount edges { node { id article clause grade published } } }
  agency(id: $agencyId) { sanctions(first: 100) { edges { node { id } } } }
}
"""


async def _visible(api: Any, agency: Fresh, token: str | None) -> set[str]:
    """The ids of the agency's sanctions `token` sees, by list and nested connection (which
    must agree)."""
    data = await api.query(SANCTIONS_OF, {"agencyId": agency.id}, token)
    listed = {e["node"]["id"] for e in data["sanctions"]["edges"]}
    assert data["sanctions"]["totalCount"] == len(listed)
    if data["agency"] is not None:
        assert {e["node"]["id"] for e in data["agency"]["sanctions"]["edges"]} == listed
    return listed


async def _add_site(api: Any, agency: Fresh, region: str = "350200") -> dict[str, Any]:
    return await mutate(
        api,
        ADD_SITE,
        {
            "agencyId": agency.id,
            "name": "新增考点",
            "address": address(region),
            "regionCode": region,
            "tenure": "OWNED",
            "hasVideoSurveillance": True,
        },
        agency.token,
    )


async def _scope_change_adding_an_occupation(api: Any, agency: Fresh) -> dict[str, Any]:
    return await submit(
        api, agency, "SCOPE_CHANGE", items=items(agency.site_ids, (DIANGONG, HANGONG))
    )


# ============================================================================================
# The ladder


@pytest.mark.article(21, 22, 23, 24)
async def test_the_ladder_interview_rectification_revocation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        xiamen = city(api, "350200")

        # Art. 21: an interview, unpublished unless the authority says so.
        first = await issued(
            api,
            agency,
            21,
            3,
            xiamen,
            certificatesInvalidated="PARTIAL",
            facts="  同批次考生采用不同考核方式。 ",
        )
        interview = first["sanction"]
        assert first["escalated"] is False
        assert {
            k: interview[k]
            for k in (
                "article",
                "clause",
                "grade",
                "status",
                "published",
                "decidedAt",
                "rectificationDeadline",
                "escalatedFrom",
                "certificatesInvalidated",
                "serious",
                "facts",
            )
        } == {
            "article": 21,
            "clause": 3,
            "grade": "INTERVIEW",
            "status": "EFFECTIVE",
            "published": False,
            "decidedAt": "2026-03-10",
            "rectificationDeadline": None,
            "escalatedFrom": None,
            "certificatesInvalidated": "PARTIAL",
            "serious": False,
            "facts": "同批次考生采用不同考核方式。",
        }
        assert interview["authority"] == {"code": "350200"}
        assert interview["agency"] == {"id": agency.id, "status": "ACTIVE"}
        assert await _visible(api, agency, None) == set()

        # Art. 22(1): an interview again in the same filing period becomes 22.1.
        second = await issued(api, agency, 21, 5, xiamen, facts="再次未规范执行保密承诺。")
        notice = second["sanction"]
        assert second["escalated"] is True
        assert (notice["article"], notice["clause"], notice["grade"]) == (22, 1, "RECTIFICATION")
        assert notice["escalatedFrom"] == {
            "id": interview["id"],
            "article": 21,
            "clause": 3,
            "grade": "INTERVIEW",
        }
        assert notice["published"] is True and notice["status"] == "EFFECTIVE"
        assert notice["facts"] == "再次未规范执行保密承诺。"
        assert date.fromisoformat(notice["rectificationDeadline"]) > DAY
        assert notice["rectifiedAt"] is None
        assert notice["agency"] == {"id": agency.id, "status": "SUSPENDED"}
        # Published: everybody reads the notice and the suspension.
        assert await _visible(api, agency, None) == {notice["id"]}
        assert (await agency_view(api, agency, ""))["status"] == "SUSPENDED"

        # Art. 22, 24: no new sites, occupations or levels for the rest of the period.
        refused = await _add_site(api, agency)
        assert refused["__typename"] == "RuleViolation" and refused["article"] == 24, refused
        refused = await _scope_change_adding_an_occupation(api, agency)
        assert refused["__typename"] == "RuleViolation" and refused["article"] == 24, refused

        accepted = await accept(api, notice["id"], xiamen)
        assert accepted["__typename"] == "AcceptRectificationSuccess", accepted
        assert accepted["sanction"]["agency"]["status"] == "ACTIVE"
        # The suspension is over; the restrictions hold for the rest of the filing period.
        refused = await _add_site(api, agency)
        assert refused["__typename"] == "RuleViolation" and refused["article"] == 24, refused
        refused = await _scope_change_adding_an_occupation(api, agency)
        assert refused["__typename"] == "RuleViolation" and refused["article"] == 24, refused

        # Art. 23(1): a rectification notice again in the period becomes 23.1.
        third = await issued(api, agency, 22, 4, xiamen)
        revocation = third["sanction"]
        assert third["escalated"] is True
        assert (revocation["article"], revocation["clause"], revocation["grade"]) == (
            23,
            1,
            "REVOCATION",
        )
        assert revocation["escalatedFrom"] == {
            "id": notice["id"],
            "article": 22,
            "clause": 1,
            "grade": "RECTIFICATION",
        }
        assert revocation["published"] is True and revocation["rectificationDeadline"] is None
        assert revocation["agency"] == {"id": agency.id, "status": "REVOKED"}
        public = await agency_view(api, agency, "")
        assert public["status"] == "REVOKED" and public["bannedUntil"] == "2029-03-10"
        assert await _visible(api, agency, None) == {notice["id"], revocation["id"]}

        # Art. 23: no new filing under the same credit code for three years.
        banned = await submit(api, agency, "INITIAL", items=items(agency.site_ids))
        assert banned["__typename"] == "RuleViolation" and banned["article"] == 23, banned
        assert banned["code"] == "BANNED" and "2029-03-10" in banned["message"]

    events = await AuditEvent.filter(agency_id=agency.pk, action="issueSanction").order_by("id")
    assert [e.object_id for e in events] == [
        str(pk(s["id"])) for s in (interview, notice, revocation)
    ]
    assert all(e.actor_role == "CITY" and e.before is None for e in events)
    assert [e.after["article"] for e in events] == [21, 22, 23]

    # The ban runs through bannedUntil; the day after, an INITIAL filing is received again.
    async with api_on(date(2029, 3, 10)) as api:
        banned = await submit(api, agency, "INITIAL", items=items(agency.site_ids))
        assert banned["__typename"] == "RuleViolation" and banned["article"] == 23, banned
    async with api_on(date(2029, 3, 11)) as api:
        again = await submit(api, agency, "INITIAL", items=items(agency.site_ids))
        assert again["__typename"] == "SubmitFilingSuccess", again


@pytest.mark.article(21, 22)
async def test_a_serious_interview_case_is_a_rectification(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        result = await issued(api, agency, 21, 8, serious=True, certificatesInvalidated="ALL")
        sanction = result["sanction"]
        assert result["escalated"] is True
        assert (sanction["article"], sanction["clause"], sanction["grade"]) == (
            22,
            1,
            "RECTIFICATION",
        )
        assert sanction["serious"] is True and sanction["escalatedFrom"] is None
        assert sanction["certificatesInvalidated"] == "ALL"
        assert sanction["published"] is True
        assert sanction["agency"] == {"id": agency.id, "status": "SUSPENDED"}


@pytest.mark.article(22)
async def test_a_serious_repeat_points_at_the_interview(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        interview = (await issued(api, agency, 21, 1))["sanction"]
        result = await issued(api, agency, 21, 2, serious=True)
        assert (result["sanction"]["article"], result["sanction"]["clause"]) == (22, 1)
        assert result["sanction"]["escalatedFrom"]["id"] == interview["id"]


@pytest.mark.article(22, 23)
async def test_a_direct_rectification_then_a_second_is_a_revocation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        first = await issued(api, agency, 22, 7)
        assert first["escalated"] is False and first["sanction"]["escalatedFrom"] is None
        assert (first["sanction"]["article"], first["sanction"]["clause"]) == (22, 7)
        second = await issued(api, agency, 22, 2)
        assert second["escalated"] is True
        assert (second["sanction"]["article"], second["sanction"]["clause"]) == (23, 1)
        assert second["sanction"]["escalatedFrom"]["id"] == first["sanction"]["id"]
        # Even when the first one was rectified meanwhile: the written notice was issued.
        other = await make_agency(api)
        notice = (await issued(api, other, 22, 3))["sanction"]
        assert (await accept(api, notice["id"]))["__typename"] == "AcceptRectificationSuccess"
        again = await issued(api, other, 22, 5)
        assert (again["sanction"]["article"], again["sanction"]["clause"]) == (23, 1)


@pytest.mark.article(23)
async def test_a_direct_revocation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        result = await issued(api, agency, 23, 4, published=False)
        sanction = result["sanction"]
        assert result["escalated"] is False
        assert (sanction["article"], sanction["clause"], sanction["grade"]) == (23, 4, "REVOCATION")
        assert sanction["published"] is True
        assert (await agency_view(api, agency, ""))["bannedUntil"] == "2029-03-10"


@pytest.mark.article(22)
async def test_an_interview_of_the_previous_period_does_not_escalate(api_on) -> None:  # type: ignore[no-untyped-def]
    # Period 1 ends 2026-04-09; the interview on 2026-03-05, the renewal on DAY.
    agency = await renewed_agency(api_on, sanctioned=(21, 1), sanctioned_on=DAY - timedelta(days=5))
    async with api_on(DAY + timedelta(days=40)) as api:
        result = await issued(api, agency, 21, 2)
        assert result["escalated"] is False
        assert (result["sanction"]["article"], result["sanction"]["grade"]) == (21, "INTERVIEW")


@pytest.mark.article(22)
async def test_the_ladder_holds_after_an_early_renewal(api_on) -> None:  # type: ignore[no-untyped-def]
    agency = await renewed_agency(api_on)  # renewed on DAY; the first period ends DAY + 30
    async with api_on(DAY) as api:
        await issued(api, agency, 21, 1)
        again = await issued(api, agency, 21, 2)
        assert (again["sanction"]["article"], again["sanction"]["clause"]) == (22, 1)


@pytest.mark.article(24)
async def test_art_24_holds_after_an_early_renewal(api_on) -> None:  # type: ignore[no-untyped-def]
    agency = await renewed_agency(api_on)
    async with api_on(DAY) as api:
        notice = await issued(api, agency, 22, 2)
        assert notice["sanction"]["agency"]["status"] == "SUSPENDED"
        refused = await _add_site(api, agency)
        assert refused["__typename"] == "RuleViolation" and refused["article"] == 24, refused


# ============================================================================================
# Input


@pytest.mark.article(21, 22, 23)
@pytest.mark.parametrize(
    ("article", "clause", "field"),
    [
        (20, 1, "article"),
        (24, 1, "article"),
        (0, 1, "article"),
        (21, 0, "clause"),
        (21, 10, "clause"),
        (22, 0, "clause"),
        (22, 10, "clause"),
        (23, 0, "clause"),
        (23, 13, "clause"),
        (21, -1, "clause"),
    ],
)
async def test_article_and_clause_are_checked(  # type: ignore[no-untyped-def]
    api_on,
    article: int,
    clause: int,
    field: str,
) -> None:
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        async with unchanged(agency):
            result = await issue(api, agency, article, clause)
        assert result["__typename"] == "InvalidInput" and result["field"] == field, result


@pytest.mark.article(21)
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"facts": "   "}, "facts"),
        ({"facts": "违" * 5001}, "facts"),
        ({"article": 22, "certificatesInvalidated": "ALL"}, "certificatesInvalidated"),
    ],
)
async def test_other_input_is_checked(api_on, extra: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        async with unchanged(agency):
            article = extra.pop("article", 21)
            result = await issue(api, agency, article, 1, **extra)
        assert result["__typename"] == "InvalidInput" and result["field"] == field, result


@pytest.mark.article(21, 22, 23)
@pytest.mark.parametrize(
    ("article", "clause", "grade"),
    [
        (21, 1, "INTERVIEW"),
        (21, 9, "INTERVIEW"),
        (22, 1, "RECTIFICATION"),
        (22, 9, "RECTIFICATION"),
        (23, 1, "REVOCATION"),
        (23, 12, "REVOCATION"),
    ],
)
async def test_every_clause_in_range_is_accepted(  # type: ignore[no-untyped-def]
    api_on,
    article: int,
    clause: int,
    grade: str,
) -> None:
    async with api_on(DAY) as api:
        agency = await make_agency(api)
        result = await issued(api, agency, article, clause)
        assert (
            result["sanction"]["article"],
            result["sanction"]["clause"],
            result["sanction"]["grade"],
        ) == (article, clause, grade)


# ============================================================================================
# Publication (Art. 21: as the authority decides; 22, 23: 并对社会公布)


@pytest.mark.article(21, 22, 23)
async def test_publication_rules(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350300")
        quiet = (await issued(api, agency, 21, 2))["sanction"]
        loud = (await issued(api, agency, 21, 4, published=True))["sanction"]
        assert (quiet["published"], loud["published"]) == (False, True)
        # An unpublished interview: the agency, its city and the province, not the public.
        assert await _visible(api, agency, None) == {loud["id"]}
        assert await _visible(api, agency, city(api, "350500")) == {loud["id"]}
        for token in (agency.token, city(api, "350300"), api.token(Role.PROVINCE)):
            assert await _visible(api, agency, token) == {quiet["id"], loud["id"]}
        assert (await api.query(NODE, {"id": quiet["id"]}))["node"] is None
        assert (await api.query(NODE, {"id": loud["id"]}))["node"]["id"] == loud["id"]

        # Rectifications and revocations are always published, whatever the input says.
        other = await make_agency(api)
        notice = (await issued(api, other, 22, 3, published=False))["sanction"]
        assert notice["published"] is True
        assert await _visible(api, other, None) == {notice["id"]}


# ============================================================================================
# Who may


@pytest.mark.article(3)
async def test_a_city_sanctions_its_own_agencies_only(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        provincial = await make_agency(api, level="PROVINCIAL", site_regions=("350200",))
        own = await make_agency(api, region="350200")
        xiamen = city(api, "350200")
        # Xiamen sees the provincial agency (it operates there) but does not sanction it.
        assert (await agency_view(api, provincial, xiamen))["id"] == provincial.id
        async with unchanged(provincial, own):
            for article, clause in ((21, 1), (22, 2), (23, 4)):
                refused = await issue(api, provincial, article, clause, xiamen)
                assert refused["__typename"] == "RuleViolation", refused
                # Art. 3, 4: the department the agency is filed with decides, whatever the grade.
                assert (refused["code"], refused["article"]) == ("NOT_FILING_AUTHORITY", 3), refused

        result = await issued(api, own, 21, 1, xiamen)
        assert result["sanction"]["authority"] == {"code": "350200"}
        # The province acts on any agency; the authority stays the filing department.
        by_province = await issued(api, own, 21, 2, published=True)
        assert by_province["sanction"]["authority"] == {"code": "350200"}
        of_provincial = await issued(api, provincial, 21, 1)
        assert of_provincial["sanction"]["authority"] == {"code": "350000"}


@pytest.mark.article(3)
async def test_everyone_else_is_refused_and_nothing_changes(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        bystander = await make_agency(api, region="350200")
        async with unchanged(agency, bystander):
            for token in (
                city(api, "350300"),
                city(api, "350100"),
                agency.token,
                bystander.token,
                "",
            ):
                for article in (21, 22, 23):
                    refused = await issue(api, agency, article, 1, token)
                    assert refused["__typename"] == "RuleViolation", (token, refused)
            missing = await mutate(
                api,
                ISSUE_SANCTION,
                {"agencyId": gid("Agency", 10**9), "article": 21, "clause": 1, "facts": "x"},
                api.token(Role.PROVINCE),
            )
        assert missing["__typename"] == "NotFound", missing
        assert await Sanction.filter(agency_id=agency.pk).count() == 0


async def test_there_is_nothing_to_sanction_without_a_filing(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        pending = await make_agency(api, active=False)
        revoked = await make_agency(api)
        await issued(api, revoked, 23, 2)
        async with unchanged(pending, revoked):
            for agency in (pending, revoked):
                refused = await issue(api, agency, 21, 1)
                assert refused["__typename"] == "RuleViolation", refused
                assert refused["code"] == "NOT_FILED"
