"""Each invariant of the suite (models/invariants) catches what it is about: a violation planted
with raw SQL on the demo data is reported by that invariant, and was not before.

The plants run on the session database inside a transaction that is rolled back, so the demo
data is left as it was. Rows other test modules left behind are allowed to break an invariant
already; what counts is what the plant adds. That the demo data itself keeps every invariant
is tests/ops/test_registry_check.py's (on a database of its own).
"""

from __future__ import annotations

from datetime import date

import pytest
from tortoise.transactions import in_transaction

from models.invariants import BY_NAME, INVARIANTS, check_invariants
from server.clock import today
from server.demo import DEMO_CREDIT_CODES


def _agency(key: str) -> str:
    return f"(SELECT id FROM agency WHERE credit_code = '{DEMO_CREDIT_CODES[key]}')"


ACTIVE = _agency("fuzhou_active")  # ACTIVE, its INITIAL approved, an Art. 21 interview
INITIAL = (
    f"(SELECT min(id) FROM filing WHERE agency_id = {ACTIVE} AND kind = 'INITIAL' "
    "AND status = 'APPROVED')"
)
AT = "'2026-11-20 10:00:00+08:00'"

# One violation per invariant, planted with plain SQL (run in this order).
PLANTS: dict[str, list[str]] = {
    "art4_acknowledged_provincial": [
        f"UPDATE site SET acknowledged_at = {AT} WHERE id = "
        f"(SELECT min(id) FROM site WHERE agency_id = {ACTIVE})"
    ],
    "art11_audit_event_missing": [  # an inspection recorded without its event
        "INSERT INTO inspection (agency_id, site_id, kind, mode, date, result, findings, "
        "published, authority_id, created_at) VALUES "
        f"({ACTIVE}, NULL, 'EXTERNAL', 'RANDOM', '2026-11-20', 'QUALIFIED', '考务规范。', FALSE, "
        f"'350100', {AT})"
    ],
    "art11_audit_disagrees": [  # changed behind the trail's back
        f"UPDATE agency SET contact_phone = '0591-00000000' WHERE id = {ACTIVE}"
    ],
    "art12_pair_held_twice": [  # the college's pair in force on another agency's scope too
        "INSERT INTO filing_item (filing_id, occupation_code, occupation_name, level, site_id) "
        f"SELECT {INITIAL}, c.occupation_code, '电工', 'LEVEL_4', c.site_id FROM item_claim c "
        f"WHERE c.agency_id = {_agency('fuzhou_college')} AND c.released_at IS NULL "
        "ORDER BY c.id LIMIT 1"
    ],
    "art12_claims_match_scope": [
        f"UPDATE item_claim SET released_at = {AT} WHERE id = (SELECT min(id) FROM item_claim "
        f"WHERE agency_id = {ACTIVE} AND released_at IS NULL)"
    ],
    "art12_site_kinds": [
        "UPDATE site SET tenure = 'TEMPORARY_RENTAL' WHERE id = "
        f"(SELECT min(site_id) FROM filing_item WHERE filing_id = {INITIAL})"
    ],
    "art16_state_follows_filings": [
        f"UPDATE agency SET valid_until = '2099-01-01' WHERE id = {ACTIVE}"
    ],
    "art16_in_force_has_period": [  # the period moved into the future, the agency left ACTIVE
        f"UPDATE filing SET valid_from = '2099-01-01', valid_until = '2102-01-01' "
        f"WHERE id = {INITIAL}"
    ],
    "art16_validity_three_years": [
        f"UPDATE filing SET valid_until = '2099-01-01' WHERE id = {INITIAL}"
    ],
    "art13_one_open_filing_per_kind": [
        "INSERT INTO filing (agency_id, kind, status, authority_id, submitted_at, imported) "
        f"SELECT id, 'SCOPE_CHANGE', 'SUBMITTED', filing_region_id, {AT}, FALSE FROM agency "
        f"WHERE id = {ACTIVE}"
    ]
    * 2,
    "art13_changes_announced": [
        "UPDATE announcement SET reported_to_ministry_at = NULL "
        f"WHERE agency_id = {_agency('putian_terminated')} AND kind = 'TERMINATION'"
    ],
    "art20_draws_reproducible": [
        "UPDATE draw SET seed = 'chosen-afterwards' WHERE id = (SELECT min(id) FROM draw)"
    ],
    "art22_sanction_ladder": [  # a second interview in the period, not escalated
        "INSERT INTO sanction (agency_id, article, clause, grade, status, facts, serious, "
        "certificates_invalidated, authority_id, decided_at, published, created_at) "
        "SELECT agency_id, 21, 2, 'INTERVIEW', 'EFFECTIVE', '再次违规。', FALSE, 'NONE', "
        f"authority_id, decided_at, FALSE, {AT} FROM sanction "
        f"WHERE agency_id = {ACTIVE} AND grade = 'INTERVIEW'"
    ],
    "art22_state_follows_sanctions": [  # suspended with no rectification open
        f"UPDATE agency SET state = 'SUSPENDED' WHERE id = {ACTIVE}"
    ],
    "art23_revocation_ban": [
        f"UPDATE agency SET banned_until = NULL WHERE id = {_agency('xiamen_revoked')}"
    ],
    "art22_sanctions_published": [
        "UPDATE sanction SET published = FALSE WHERE article = 22 "
        f"AND agency_id = {_agency('quanzhou_suspended')}"
    ],
    "art23_unqualified_thrice_proposed": [  # three failures, but no 23(11) raised
        "UPDATE sanction SET clause = 10 WHERE article = 23 AND clause = 11 "
        f"AND agency_id = {_agency('longyan_employer')}"
    ],
}


class _Undo(Exception):
    pass


def test_every_invariant_has_a_plant() -> None:
    assert list(PLANTS) and set(PLANTS) == set(BY_NAME)
    assert len({i.name for i in INVARIANTS}) == len(INVARIANTS)
    for invariant in INVARIANTS:  # named after the article it cites
        assert invariant.name.startswith("art") and invariant.article.startswith("第")


@pytest.mark.parametrize("name", list(PLANTS))
async def test_a_planted_violation_is_reported(database: str, name: str) -> None:
    day: date = today()
    before: set[str] = set()
    after: set[str] = set()
    with pytest.raises(_Undo):
        async with in_transaction() as conn:
            before = {v.line() for v in await check_invariants(day, only=[name])}
            for statement in PLANTS[name]:
                await conn.execute_query(statement)
            after = {v.line() for v in await check_invariants(day, only=[name])}
            raise _Undo  # roll the plant back
    new = after - before
    assert new, f"{name} did not report the planted violation"
    assert all(line.startswith(f"[{BY_NAME[name].article}] {name}") for line in new), new
    # Rolled back: nothing new remains.
    assert {v.line() for v in await check_invariants(day, only=[name])} == before
