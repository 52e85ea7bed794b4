"""approveUpgrade (Art. 27; DESIGN §5, §6): the province agrees to a city's recommendation and the
agency is filed with the province from then on (level PROVINCIAL, authority 350000), with the
change in the audit trail. Nobody else approves; nothing is approved without a recommendation or
for a revoked agency.

Runs on DAY (2026-03-10) at 10:00 Asia/Shanghai.
"""

from __future__ import annotations

import pytest

from models.agency import Agency
from models.enums import Role
from tests.support.builders import (
    DAY,
    approve_upgrade,
    city,
    issue,
    issued,
    make_agency,
    recommend_upgrade,
    submit,
)
from tests.support.documents import AUDIT_EVENTS
from tests.support.snapshot import unchanged


@pytest.mark.article(27)
async def test_a_city_recommends_and_the_province_approves(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350200")
        xiamen = city(api, "350200")
        recommended = await recommend_upgrade(api, agency, xiamen, [3, 1, 3])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        view = recommended["agency"]
        assert view["upgradeRecommendedAt"].startswith("2026-03-10T10:00:00")
        assert (view["level"], view["filingRegion"]) == ("CITY", {"code": "350200"})
        assert (await Agency.get(id=agency.pk)).upgrade_basis == "1,3"

        approved = await approve_upgrade(api, agency)
        assert approved["__typename"] == "UpgradeSuccess", approved
        view = approved["agency"]
        assert (view["level"], view["filingRegion"]) == ("PROVINCIAL", {"code": "350000"})
        assert view["upgradeRecommendedAt"] is None and view["status"] == "ACTIVE"

        # The history: who recommended, who approved, and what changed.
        data = await api.query(
            AUDIT_EVENTS, {"filter": {"agencyId": agency.id}}, api.token(Role.PROVINCE)
        )
        events = {e["node"]["action"]: e["node"] for e in data["auditEvents"]["edges"]}
        rec, appr = events["recommendUpgrade"], events["approveUpgrade"]
        assert (rec["actorRole"], appr["actorRole"]) == ("CITY", "PROVINCE")
        assert rec["objectType"] == appr["objectType"] == "Agency"
        assert rec["before"]["upgrade_recommended_at"] is None
        assert rec["after"]["upgrade_basis"] == "1,3"
        assert (appr["before"]["level"], appr["before"]["filing_region_id"]) == ("CITY", "350200")
        assert (appr["after"]["level"], appr["after"]["filing_region_id"]) == (
            "PROVINCIAL",
            "350000",
        )

        # Filed with the province now: its applications go there, Xiamen no longer sanctions
        # it (it still sees it: the agency operates in Xiamen), the province does.
        filing = await submit(api, agency, "INFO_CHANGE", newLegalRepresentative="陈新")
        assert filing["__typename"] == "SubmitFilingSuccess", filing
        assert (await Agency.get(id=agency.pk)).filing_region_id == "350000"
        refused = await issue(api, agency, 21, 1, xiamen)
        assert refused["__typename"] == "RuleViolation", refused
        assert (await issued(api, agency, 21, 1))["sanction"]["authority"] == {"code": "350000"}


@pytest.mark.article(27)
async def test_only_the_province_approves_a_recommendation(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350500")
        quanzhou = city(api, "350500")
        not_recommended = await make_agency(api, region="350500")
        recommended = await recommend_upgrade(api, agency, quanzhou, [5])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        async with unchanged(agency, not_recommended):
            for token in (quanzhou, agency.token, ""):
                refused = await approve_upgrade(api, agency, token)
                assert refused["__typename"] == "RuleViolation", refused
            refused = await approve_upgrade(api, not_recommended)
        assert refused["__typename"] == "RuleViolation", refused
        assert refused["code"] == "NOT_RECOMMENDED" and refused["article"] == 27


@pytest.mark.article(27)
async def test_a_revoked_agency_is_not_upgraded(api_on) -> None:  # type: ignore[no-untyped-def]
    async with api_on(DAY) as api:
        agency = await make_agency(api, region="350600")
        zhangzhou = city(api, "350600")
        recommended = await recommend_upgrade(api, agency, zhangzhou, [4])
        assert recommended["__typename"] == "UpgradeSuccess", recommended
        await issued(api, agency, 23, 4, zhangzhou)
        refused = await approve_upgrade(api, agency)
        assert refused["__typename"] == "RuleViolation", refused
        assert (await Agency.get(id=agency.pk)).filing_region_id == "350600"
