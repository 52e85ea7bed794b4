"""The demo agencies' lives as dated events, before anything is written.

One `random.Random(2023)` draws every name, phone number, address, tenure and time of day, in
a fixed order, so the same `today` always gives the same lives. All dates are relative to
`today`, so the EXPIRED agencies stay expired and the renewal-window agency stays within its 90
days whenever the demo is loaded. `server/demo/seeding.py` then runs the events through the
domain operations, which decide what each of them does to the rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.address import address_key
from models.enums import FilingKind, FilingStatus, SiteTenure, SkillLevel
from models.periods import PERIOD_YEARS, add_years
from server.clock import TIMEZONE
from server.demo.tables import (
    AGENCIES,
    AREA_CODES,
    BORROWED_VENUES,
    CITY_NAMES,
    COLLEGE,
    EMPLOYER,
    EXTRA_FILINGS,
    GIVEN,
    MAX_ITEMS,
    MEASURES_IN_FORCE,
    OCCUPATIONS,
    PROVINCE,
    REJECTION_REASONS,
    SANCTIONS,
    SHARED_VENUE,
    SPECIAL_SITES,
    STREETS,
    SUFFIXES,
    SURNAMES,
    AgencySeed,
    ExtraFiling,
    SanctionSeed,
)

SiteRef = tuple[str, int]  # (key of the agency that registered the venue, its index there)


@dataclass
class SitePlan:
    ref: SiteRef
    region: str
    name: str
    address: str
    tenure: SiteTenure
    video: bool
    registered: dt.date
    acknowledged: dt.datetime | None  # Art. 4: 报备 with the city, for provincial agencies


@dataclass(frozen=True)
class ItemPlan:
    site: SiteRef
    occupation: str  # a key of OCCUPATIONS
    level: SkillLevel


@dataclass
class FilingPlan:
    kind: FilingKind
    status: FilingStatus  # the outcome: SUBMITTED (still open), APPROVED or REJECTED
    submitted: dt.datetime
    decided: dt.datetime | None
    items: list[ItemPlan]  # empty for a RENEWAL: it carries the scope in force over
    reason: str | None = None  # the agency's (TERMINATION) or the rejection's
    new_name: str | None = None
    new_legal_representative: str | None = None
    # An INITIAL approval from before the measures came into force, imported by the province
    # with its original dates.
    imported: bool = False


@dataclass
class SanctionPlan:
    seed: SanctionSeed
    day: dt.date  # decided, or raised (PROPOSED)
    at: dt.datetime  # the moment on `day` the authority acts

    @property
    def rectified(self) -> dt.date | None:
        if self.seed.rectified_days is None:
            return None
        return workday(self.day + dt.timedelta(days=self.seed.rectified_days))


@dataclass
class AgencyPlan:
    seed: AgencySeed
    registered: dt.date
    legal_representative: str
    contact_name: str
    contact_phone: str
    sites: list[SitePlan] = field(default_factory=list)  # in registration order
    filings: list[FilingPlan] = field(default_factory=list)  # in submission order
    sanctions: list[SanctionPlan] = field(default_factory=list)  # in date order


def workday(day: dt.date) -> dt.date:
    """Back to the Friday before if `day` falls on a weekend (offices decide on weekdays)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def scope(sites: Sequence[SiteRef], occupations: Sequence[str]) -> list[ItemPlan]:
    """Every site and every occupation at least once, then a second level, at most 8 items."""
    n = max(len(sites), len(occupations))
    pairs = [(sites[i % len(sites)], occupations[i % len(occupations)]) for i in range(n)]
    items = [ItemPlan(site, occ, OCCUPATIONS[occ][1][0]) for site, occ in pairs]
    items += [
        ItemPlan(site, occ, level) for site, occ in pairs for level in OCCUPATIONS[occ][1][1:2]
    ]
    return items[:MAX_ITEMS]


def _short(district: str) -> str:
    for suffix in ("片区", "区", "县", "市", "镇"):
        if district.endswith(suffix) and len(district) > len(suffix) + 1:
            return district[: -len(suffix)]
    return district


class _Planner:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(2023)
        self.plans: dict[str, AgencyPlan] = {}
        # (region, address key) of every venue so far; the fixed ones are reserved up front.
        self.addresses: set[tuple[str, str]] = set()
        for seed in AGENCIES:
            for index, region in enumerate(seed.sites):
                if (seed.key, index) in SPECIAL_SITES:
                    address = SPECIAL_SITES[seed.key, index].address
                    self.addresses.add((region, address_key(address)))

    def days_ago(self, days: int) -> dt.date:
        return workday(self.today - dt.timedelta(days=days))

    def lag(self, day: dt.date, low: int, high: int) -> dt.date:
        return workday(day + dt.timedelta(days=self.rng.randint(low, high)))

    def at(self, day: dt.date) -> dt.datetime:
        """A time during office hours on `day`, in Fujian."""
        clock = dt.time(self.rng.randint(9, 16), self.rng.choice((0, 10, 15, 20, 30, 40, 45)))
        return dt.datetime.combine(day, clock, tzinfo=TIMEZONE)

    def person(self) -> str:
        given = "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def phone(self, region: str) -> str:
        if self.rng.random() < 0.5:
            return "1" + self.rng.choice("3589") + "".join(self.rng.choices("0123456789", k=9))
        digits = "".join(self.rng.choices("0123456789", k=7))
        return f"{AREA_CODES[region]}-{self.rng.randint(2, 8)}{digits}"

    # --- venues ---------------------------------------------------------------------------

    def tenure(self, seed: AgencySeed, index: int) -> SiteTenure:
        if seed.kind == COLLEGE and index < 2:
            return SiteTenure.COLLEGE_CAMPUS
        owned_share = 0.75 if seed.kind == EMPLOYER else 0.35
        if self.rng.random() < owned_share:
            return SiteTenure.OWNED
        return SiteTenure.LONG_TERM_LEASE

    def address(self, region: str) -> tuple[str, str]:
        """(district, address), unique in the region by its normalized key."""
        while True:
            district, road = self.rng.choice(STREETS[region])
            address = f"{CITY_NAMES[region]}{district}{road}{self.rng.randint(1, 999)}号"
            if (region, address_key(address)) not in self.addresses:
                self.addresses.add((region, address_key(address)))
                return district, address

    def site_name(
        self, plan: AgencyPlan, name: str, tenure: SiteTenure, index: int, district: str
    ) -> str:
        place = _short(district)
        if tenure is SiteTenure.COLLEGE_CAMPUS:
            base = f"{name}（{'主校区' if index == 0 else place + '校区'}）"
        elif plan.seed.kind == EMPLOYER:
            base = f"{name}{place}实训基地"
        else:
            base = f"{name}{place}教学点"
        taken = {s.name for s in plan.sites}
        for suffix in ("", *SUFFIXES):
            candidate = f"{base}{suffix}部" if suffix else base
            if candidate not in taken:
                return candidate
        raise ValueError(f"demo data: too many sites named {base}")

    def add_site(self, plan: AgencyPlan, name: str, index: int, day: dt.date) -> SiteRef:
        seed = plan.seed
        region = seed.sites[index]
        tenure = self.tenure(seed, index)
        video = self.rng.random() < 0.9
        special = SPECIAL_SITES.get((seed.key, index))
        if special is not None:
            site_name, address, video = special
        else:
            district, address = self.address(region)
            site_name = self.site_name(plan, name, tenure, index, district)
        # The moment the venue was registered: the operations stamp rows with the real clock
        # now, but the draw stays so that every later random value is the one it always was.
        self.at(day)
        acknowledged = None
        if seed.filing_region == PROVINCE and seed.story not in ("new", "submitted"):
            ack_day = self.lag(day, 3, 12)
            if self.rng.random() < 0.65 and ack_day <= self.today:
                acknowledged = self.at(ack_day)
        ref = (seed.key, index)
        plan.sites.append(
            SitePlan(ref, region, site_name, address, tenure, video, day, acknowledged)
        )
        return ref

    # --- filings --------------------------------------------------------------------------

    def filing(
        self,
        plan: AgencyPlan,
        kind: FilingKind,
        status: FilingStatus,
        submitted: dt.date,
        decided: dt.date | None = None,
        items: Sequence[ItemPlan] = (),
        reason: str | None = None,
        new_name: str | None = None,
        new_legal_representative: str | None = None,
    ) -> FilingPlan:
        submitted_at = self.at(submitted)
        decided_at = self.at(decided) if decided else None
        imported = (
            kind is FilingKind.INITIAL
            and decided is not None
            and status is FilingStatus.APPROVED
            and decided < MEASURES_IN_FORCE
        )
        filing = FilingPlan(
            kind,
            status,
            submitted_at,
            decided_at,
            list(items),
            reason,
            new_name,
            new_legal_representative,
            imported,
        )
        plan.filings.append(filing)
        return filing

    def timeline(self, seed: AgencySeed) -> tuple[dt.date, dt.date | None, dt.date | None]:
        """(registered, INITIAL submitted, INITIAL decided) for the agency's story."""
        if seed.story == "new":
            return self.days_ago(seed.age), None, None
        decided = None if seed.story == "submitted" else self.days_ago(seed.age)
        submitted = self.lag(decided, -20, -7) if decided else self.days_ago(seed.age)
        return self.lag(submitted, -12, -5), submitted, decided

    def first_filings(self, plan: AgencyPlan, submitted: dt.date, decided: dt.date | None) -> None:
        """The INITIAL filing, and the RENEWAL of the renewed and renewing agencies."""
        seed = plan.seed
        items = scope([s.ref for s in plan.sites], seed.occupations)
        if seed.key == SHARED_VENUE.user:
            shared = (SHARED_VENUE.owner, SHARED_VENUE.site_index)
            items = [
                *items[: MAX_ITEMS - 1],
                ItemPlan(shared, SHARED_VENUE.occupation, SHARED_VENUE.level),
            ]
        if decided is None:
            self.filing(plan, FilingKind.INITIAL, FilingStatus.SUBMITTED, submitted, items=items)
            return
        if seed.story == "rejected":
            self.filing(
                plan,
                FilingKind.INITIAL,
                FilingStatus.REJECTED,
                submitted,
                decided,
                items=items,
                reason=REJECTION_REASONS[seed.key],
            )
            return
        self.filing(plan, FilingKind.INITIAL, FilingStatus.APPROVED, submitted, decided, items)
        expiry = add_years(decided, PERIOD_YEARS)
        if seed.story == "renewed":  # applied for in the 90 days before expiry (Art. 16)
            renewal_decided = workday(expiry - dt.timedelta(days=30))
            self.filing(
                plan,
                FilingKind.RENEWAL,
                FilingStatus.APPROVED,
                self.lag(renewal_decided, -20, -7),
                renewal_decided,
            )
        elif seed.story == "renewing":
            self.filing(plan, FilingKind.RENEWAL, FilingStatus.SUBMITTED, self.days_ago(10))

    def extra(self, plan: AgencyPlan, extra: ExtraFiling, name: str) -> None:
        """A filing after the INITIAL one. A SCOPE_CHANGE puts the agency's last venue,
        registered a few days before, on the filing with the agency's occupations (Art. 13)."""
        submitted = self.days_ago(extra.days_ago)
        decided = None
        if extra.status is not FilingStatus.SUBMITTED:
            decided = self.lag(submitted, 7, 20)
        items: list[ItemPlan] = []
        if extra.kind is FilingKind.SCOPE_CHANGE:
            site = self.add_site(plan, name, len(plan.seed.sites) - 1, self.lag(submitted, -10, -3))
            items = [ItemPlan(site, occ, OCCUPATIONS[occ][1][0]) for occ in plan.seed.occupations]
        self.filing(
            plan,
            extra.kind,
            extra.status,
            submitted,
            decided,
            items,
            reason=extra.reason,
            new_name=extra.new_name,
            new_legal_representative=extra.new_legal_representative,
        )

    # --- one agency -----------------------------------------------------------------------

    def agency(self, seed: AgencySeed) -> AgencyPlan:
        registered, submitted, decided = self.timeline(seed)
        plan = AgencyPlan(
            seed,
            registered,
            legal_representative=self.person(),
            contact_name=self.person(),
            contact_phone=self.phone(seed.filing_region),
        )
        self.at(registered)  # the registration's moment, drawn as for the venues
        extras = sorted((e for e in EXTRA_FILINGS if e.key == seed.key), key=lambda e: -e.days_ago)
        # A SCOPE_CHANGE registers the agency's last site shortly before it is submitted.
        later_site = any(e.kind is FilingKind.SCOPE_CHANGE for e in extras)
        for i in range(len(seed.sites) - later_site):
            self.add_site(plan, seed.name, i, self.lag(registered, 1, 3))
        if submitted is not None:
            self.first_filings(plan, submitted, decided)
        name = seed.name
        for extra in extras:
            self.extra(plan, extra, name)
            if extra.status is FilingStatus.APPROVED and extra.new_name:
                name = extra.new_name  # the venues registered later carry the new name
        for s in sorted((s for s in SANCTIONS if s.key == seed.key), key=lambda s: -s.days_ago):
            day = self.days_ago(s.days_ago)
            plan.sanctions.append(SanctionPlan(s, day, self.at(day)))
        return plan


def borrow(plans: dict[str, AgencyPlan]) -> None:
    """Put the borrowed venues (`BORROWED_VENUES`) on the filings that propose them."""
    for user, kind, owner, occupation, level in BORROWED_VENUES:
        venue = next(s for s in plans[owner].sites if s.tenure is not SiteTenure.COLLEGE_CAMPUS)
        filing = next(f for f in plans[user].filings if f.kind is kind)
        filing.items.append(ItemPlan(venue.ref, occupation, level))


def plan(today: dt.date) -> list[AgencyPlan]:
    """Every demo agency's life as of `today`, in `AGENCIES` order."""
    planner = _Planner(today)
    plans = {seed.key: planner.agency(seed) for seed in AGENCIES}
    borrow(plans)
    return list(plans.values())
