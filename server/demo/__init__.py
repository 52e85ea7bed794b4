"""The demo dataset: 48 agencies in the 11 jurisdictions, in every lifecycle state (DESIGN §3-6),
with their venues, filings, sanctions, notices, inspections, inspectors and draws.

It is made the way real data is: every event of every agency's life runs through the domain
operation that makes it happen (`models/operations/`), on its historic day, by the department
or agency that acts, so states, validity, Art. 12 claims, bans, notices and the audit trail are
whatever the operations make of them. `tables` holds the cast, `story` plans their lives as
dated events (deterministic for a given `today`), `seeding` runs them.

Stable handles for tests and the README: `DEMO_CREDIT_CODES` (key -> 统一社会信用代码; the keys
are explained next to `AGENCIES`) and `SHARED_VENUE`.
"""

from server.demo.seeding import seed_demo
from server.demo.tables import (
    AGENCIES,
    DEMO_CREDIT_CODES,
    MEASURES_IN_FORCE,
    OCCUPATIONS,
    SHARED_VENUE,
)

__all__ = [
    "AGENCIES",
    "DEMO_CREDIT_CODES",
    "MEASURES_IN_FORCE",
    "OCCUPATIONS",
    "SHARED_VENUE",
    "seed_demo",
]
