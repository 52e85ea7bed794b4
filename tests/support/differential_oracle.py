"""DESIGN §6 for the differential authorization test: what each actor may read and which
writes it may attempt, in plain Python over rows read with raw SQL.

It extends tests/support/oracle.py (the read scope of every resource) with the rest of what the
test compares: the queues (filingQueue, acknowledgementQueue, renewalsDue, as the README
describes them), the list filters, derived agency status and the write table. Like the oracle
it imports nothing from `policies`, `models` or `schema`: where it and the product disagree,
the differential test names the rows.

Writes (DESIGN §6): an object outside the actor's read scope is indistinguishable from one that
does not exist, so a mutation naming one answers NotFound; a visible object the actor may not
change is a RuleViolation; an actor the table allows gets past authorization (the measures may
still refuse with a RuleViolation or InvalidInput, which is not for this oracle to predict).

  register an agency           PROVINCE any; CITY only CITY-level agencies filed with itself
  add a site, submit a filing  the AGENCY itself (and every site on the items must be visible)
  decide a filing, terminate,  the agency's filing authority (CITY: agency filed with c);
  sanction, confirm a sanction,  PROVINCE any
  accept rectification
  import a filing              PROVINCE
  acknowledge a site           CITY where the site is located
  record an inspection         PROVINCE any; CITY for sites in c or agencies filed with c
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.support.oracle import (
    AGENCY,
    CITY,
    PROVINCE,
    Actor,
    Oracle,
    Snapshot,
    load_snapshot,
)

NOT_FOUND = "NotFound"
REFUSED = "RuleViolation"
ALLOWED = "allowed"  # past authorization: success, or a rule of the measures refuses

RENEWAL_WINDOW_DAYS = 90  # Art. 16


async def load_world(
    above: Mapping[str, int] | None = None, base: Snapshot | None = None
) -> Snapshot:
    """All rows; or `base` (an earlier load of the rows up to `above`) plus the rows above."""
    snap = await load_snapshot(above)
    return snap if base is None else base.merged(snap)


@dataclass(frozen=True)
class Attempt:
    """A mutation and the rows it names (primary keys; one that does not exist is fine)."""

    mutation: str
    agency: int | None = None
    site: int | None = None
    filing: int | None = None
    sanction: int | None = None
    item_sites: tuple[int, ...] = ()
    level: str | None = None  # registerAgency
    filing_region: str | None = None  # registerAgency


class DifferentialOracle(Oracle):
    def __init__(self, snap: Snapshot, today: date) -> None:
        super().__init__(snap)
        self.today = today.isoformat()

    # derived status (Art. 16: past validUntil without renewal reads EXPIRED) ----------------

    def status(self, agency_id: int) -> str:
        a = self.snap.agencies[agency_id]
        if a.state in ("ACTIVE", "SUSPENDED") and a.valid_until and a.valid_until < self.today:
            return "EXPIRED"
        return a.state

    def table(self, type_name: str) -> dict[int, Any]:
        tables: dict[str, dict[int, Any]] = {
            "Agency": self.snap.agencies,
            "Site": self.snap.sites,
            "Filing": self.snap.filings,
            "Sanction": self.snap.sanctions,
            "Inspection": self.snap.inspections,
        }
        return tables[type_name]

    def exists(self, type_name: str, pk: int) -> bool:
        return pk in self.table(type_name)

    def keys(self, type_name: str, at_most: int | None = None) -> list[int]:
        """The keys of a table in order; with `at_most`, those up to it."""
        return sorted(k for k in self.table(type_name) if at_most is None or k <= at_most)

    def visible(self, actor: Actor, type_name: str, pk: int) -> bool:
        """Whether `node(id)` of that type and key answers an object."""
        if not self.exists(type_name, pk):
            return False
        check = {
            "Agency": self.agency_visible,
            "Site": self.site_visible,
            "Filing": self.filing_visible,
            "Sanction": self.sanction_visible,
            "Inspection": self.inspection_visible,
        }[type_name]
        return check(actor, pk)

    def all_visible(self, actor: Actor, type_name: str) -> set[int]:
        return {pk for pk in self.table(type_name) if self.visible(actor, type_name, pk)}

    def sanctions_of_agency(self, agency_id: int) -> set[int]:
        return {s.id for s in self.snap.sanctions.values() if s.agency_id == agency_id}

    def users_of_site(self, site_id: int) -> set[int]:
        """Agencies with the site on one of their filings."""
        return {
            self.snap.filings[i.filing_id].agency_id
            for i in self.snap.items.values()
            if i.site_id == site_id
        }

    # filters (they narrow the scope, never widen it) ----------------------------------------

    def matches(self, type_name: str, pk: int, f: dict[str, Any] | None) -> bool:
        if not f:
            return True
        snap = self.snap
        if type_name == "Agency":
            a = snap.agencies[pk]
            return all(
                (
                    f.get("status") in (None, self.status(pk)),
                    f.get("kind") in (None, a.kind),
                    f.get("level") in (None, a.level),
                    f.get("filingRegionCode") in (None, a.filing_region),
                    not f.get("nameContains") or f["nameContains"].casefold() in a.name.casefold(),
                )
            )
        if type_name == "Site":
            s = snap.sites[pk]
            return all(
                (
                    f.get("regionCode") in (None, s.region),
                    f.get("acknowledged") in (None, s.acknowledged),
                    f.get("agencyId") is None or pk in self.sites_of_agency(f["agencyId"]),
                )
            )
        if type_name == "Filing":
            fi = snap.filings[pk]
            return all(
                (
                    f.get("status") in (None, fi.status),
                    f.get("kind") in (None, fi.kind),
                    f.get("agencyId") in (None, fi.agency_id),
                )
            )
        if type_name == "Sanction":
            sn = snap.sanctions[pk]
            return all(
                (
                    f.get("grade") in (None, sn.grade),
                    f.get("agencyId") in (None, sn.agency_id),
                    f.get("published") in (None, sn.published),
                )
            )
        i = snap.inspections[pk]
        return all(
            (
                f.get("agencyId") in (None, i.agency_id),
                f.get("kind") in (None, i.kind),
                f.get("result") in (None, i.result),
            )
        )

    # queues ---------------------------------------------------------------------------------

    def may_manage(self, actor: Actor, agency_id: int) -> bool:
        """The agency's filing authority, or the province (decide, terminate, sanction)."""
        if actor.role == PROVINCE:
            return True
        return actor.role == CITY and self.filed_with(agency_id, actor.region or "")

    def filing_queue(self, actor: Actor) -> set[int]:
        """SUBMITTED filings the actor may decide."""
        return {
            f.id
            for f in self.snap.filings.values()
            if f.status == "SUBMITTED" and self.may_manage(actor, f.agency_id)
        }

    def acknowledgement_queue(self, actor: Actor) -> set[int]:
        """Unacknowledged sites in the city of provincial agencies still open (Art. 4)."""
        if actor.role != CITY:
            return set()
        snap = self.snap
        return {
            s.id
            for s in snap.sites.values()
            if s.region == actor.region
            and not s.acknowledged
            and snap.agencies[s.agency_id].level == "PROVINCIAL"
            and snap.agencies[s.agency_id].state not in ("TERMINATED", "REVOKED")
        }

    def renewals_due(self, actor: Actor) -> set[int]:
        """Agencies the actor manages inside the 90 days before validUntil (Art. 16)."""
        last = (date.fromisoformat(self.today) + timedelta(days=RENEWAL_WINDOW_DAYS)).isoformat()
        return {
            a.id
            for a in self.snap.agencies.values()
            if self.may_manage(actor, a.id)
            and a.state in ("ACTIVE", "SUSPENDED")
            and a.valid_until is not None
            and self.today <= a.valid_until <= last
        }

    # writes ---------------------------------------------------------------------------------

    def predict(self, actor: Actor, attempt: Attempt) -> str:
        m, snap = attempt.mutation, self.snap
        if m == "registerAgency":
            if actor.role == PROVINCE:
                return ALLOWED
            if (
                actor.role == CITY
                and attempt.level == "CITY"
                and attempt.filing_region == actor.region
            ):
                return ALLOWED
            return REFUSED

        def seen(type_name: str, pk: int | None) -> bool:
            return pk is not None and self.visible(actor, type_name, pk)

        if m in ("addSite", "submitFiling", "importFiling", "terminateAgency", "issueSanction"):
            if not seen("Agency", attempt.agency):
                return NOT_FOUND
            assert attempt.agency is not None
            if m in ("addSite", "submitFiling"):
                allowed = actor.role == AGENCY and actor.agency_id == attempt.agency
            elif m == "importFiling":
                allowed = actor.role == PROVINCE
            else:
                allowed = self.may_manage(actor, attempt.agency)
            if not allowed:
                return REFUSED
            if not all(seen("Site", s) for s in attempt.item_sites):
                return NOT_FOUND
            return ALLOWED
        if m == "decideFiling":
            if not seen("Filing", attempt.filing):
                return NOT_FOUND
            assert attempt.filing is not None
            agency_id = snap.filings[attempt.filing].agency_id
            return ALLOWED if self.may_manage(actor, agency_id) else REFUSED
        if m in ("confirmSanction", "acceptRectification"):
            if not seen("Sanction", attempt.sanction):
                return NOT_FOUND
            assert attempt.sanction is not None
            agency_id = snap.sanctions[attempt.sanction].agency_id
            return ALLOWED if self.may_manage(actor, agency_id) else REFUSED
        if m == "acknowledgeSite":
            if not seen("Site", attempt.site):
                return NOT_FOUND
            assert attempt.site is not None
            located = snap.sites[attempt.site].region
            return ALLOWED if actor.role == CITY and actor.region == located else REFUSED
        if m == "recordInspection":
            if not seen("Agency", attempt.agency) or (
                attempt.site is not None and not seen("Site", attempt.site)
            ):
                return NOT_FOUND
            assert attempt.agency is not None
            if actor.role == PROVINCE:
                return ALLOWED
            if actor.role == CITY and (
                self.filed_with(attempt.agency, actor.region or "")
                or (attempt.site is not None and snap.sites[attempt.site].region == actor.region)
            ):
                return ALLOWED
            return REFUSED
        raise AssertionError(f"no write rule for {m}")


def describe(actor: Actor, snap: Snapshot) -> str:
    if actor.role == AGENCY:
        assert actor.agency_id is not None
        a = snap.agencies.get(actor.agency_id)
        where = f"{a.level} filed with {a.filing_region}, {a.state}" if a else "gone"
        return f"AGENCY {actor.agency_id} ({where})"
    if actor.role == CITY:
        return f"CITY {actor.region}"
    return actor.role
