"""Art. 12 under real concurrency (PostgreSQL only): two approvals racing for one (site,
occupation) pair. Exactly one wins; the other gets a RuleViolation citing article 12, never an
HTTP 500, and the database holds one claim in force for the pair.

Both requests run in this event loop through the ASGI transport; on PostgreSQL each takes its own
pooled connection, so they interleave at every await. The early, friendly `check_pairs_free`
cannot see an uncommitted claim, so when both requests pass it the partial unique index on
item_claim decides, and the loser's refusal comes from the IntegrityError branch of
models/operations/decide_filing.py. At least one round must reach that branch, or the test has
not raced the check-then-insert path at all.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

import pytest

from models.audit import AuditEvent
from models.claim import ItemClaim
from models.enums import Role
from models.filing import Filing
from tests.support.builders import (
    OCCUPATIONS,
    agency_view,
    item,
    make_agency,
    pk,
    public_venue,
    submitted,
)
from tests.support.documents import DECIDE_FILING

if TYPE_CHECKING:
    from tests.support.http_api import Api

ROUNDS = 10
RACED = "办理期间，本申请中的场所及职业（工种）已在其他机构的备案中生效"  # the IntegrityError branch's message


@pytest.fixture(autouse=True)
def _postgres_only(database: str) -> None:
    if database != "postgres":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises every write)")


async def _approve_both(api: Api, filings: list[str]) -> list[dict[str, Any]]:
    token = api.token(Role.PROVINCE)
    responses = await asyncio.gather(
        *(
            api.post(DECIDE_FILING, {"input": {"filingId": f, "approve": True}}, token)
            for f in filings
        )
    )
    results = []
    for response in responses:
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]  # never INTERNAL_SERVER_ERROR
        results.append(body["data"]["decideFiling"])
    return results


async def _one_round(api: Api) -> bool:
    """One race; returns whether the loser was refused by the database's unique index."""
    venue = await public_venue(api)
    agencies = [
        await make_agency(api, active=False, sites=0),
        await make_agency(api, active=False, sites=0),
    ]
    filings = [
        await submitted(api, agencies[0], "INITIAL", [item(venue, "电工", "LEVEL_4")]),
        await submitted(api, agencies[1], "INITIAL", [item(venue, "电工", "LEVEL_3")]),
    ]

    results = await _approve_both(api, filings)

    kinds = [r["__typename"] for r in results]
    assert sorted(kinds) == ["DecideFilingSuccess", "RuleViolation"], results
    winner = kinds.index("DecideFilingSuccess")
    loser = 1 - winner
    refusal = results[loser]
    assert (refusal["code"], refusal["article"]) == ("SITE_OCCUPATION_TAKEN", 12), refusal
    # One claim in force for the pair: the winner's.
    in_force = cast(
        "list[int]",
        await ItemClaim.filter(
            site_id=pk(venue), occupation_code=OCCUPATIONS["电工"], released_at__isnull=True
        ).values_list("agency_id", flat=True),
    )
    assert list(in_force) == [agencies[winner].pk]
    # The loser's approval left nothing behind.
    assert (await Filing.get(id=pk(filings[loser]))).status == "SUBMITTED"
    assert (await agency_view(api, agencies[loser]))["status"] == "PENDING"
    assert not await AuditEvent.exists(action="decideFiling", object_id=str(pk(filings[loser])))
    assert (await agency_view(api, agencies[winner]))["status"] == "ACTIVE"
    return RACED in refusal["message"]


@pytest.mark.article(12)
async def test_two_approvals_racing_for_one_pair(api: Api) -> None:
    raced = [await _one_round(api) for _ in range(ROUNDS)]

    assert any(raced), "no round reached the IntegrityError branch: the race was not exercised"
