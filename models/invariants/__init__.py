"""The invariants of the measures, checked against a whole database.

Each invariant is a named rule citing its article, with a check that returns the rows breaking
it (empty when it holds). The operations keep them; this suite says whether a database does,
however its rows came to be: the demo data, a generated `--scale` dataset, a concurrent load,
a restore, a hand-made fix. `registry check` runs it against `DATABASE_URL`.

Status is read as the registry reads it (`models.agency.status_q`, `derive_status`), so
"in force" means what the API shows as ACTIVE or SUSPENDED on the day checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.invariants import claims, lifecycle, sanctions, trail
from models.invariants.base import Facts, Invariant, Row, Violation

INVARIANTS: list[Invariant] = [
    *trail.INVARIANTS[:1],  # Art. 4
    *trail.INVARIANTS[1:3],  # Art. 11
    *claims.INVARIANTS,  # Art. 12
    *lifecycle.INVARIANTS,  # Art. 13, 15, 16, 17
    *trail.INVARIANTS[3:],  # Art. 20
    *sanctions.INVARIANTS,  # Art. 21-23
]
BY_NAME = {i.name: i for i in INVARIANTS}


async def check_invariants(
    today: date, *, agencies: Iterable[int] | None = None, only: Iterable[str] | None = None
) -> list[Violation]:
    """Every violation of the invariants (or of those named in `only`) as of `today`, in the
    database tortoise is connected to; limited to the rows of `agencies` when given (checks
    of things that belong to no agency, such as draws, are then left out)."""
    facts = Facts(today, agencies)
    chosen = INVARIANTS if only is None else [BY_NAME[name] for name in only]
    found: list[Violation] = []
    for invariant in chosen:
        for row in await invariant.check(facts):
            if "agency_id" in row:  # named as people know it
                row.setdefault("agency", await facts.label(row["agency_id"]))
            found.append(Violation(invariant, row))
    return found


__all__ = ["BY_NAME", "INVARIANTS", "Invariant", "Row", "Violation", "check_invariants"]
