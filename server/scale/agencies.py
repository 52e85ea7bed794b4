"""One generated agency's life, written as the operations would have left it.

An agency gets a story (a lifecycle state and how it got there), and its life is planned as
dated events: registration, venues, filings and their decisions, sanctions, closing. The events
then run in date order, each changing the agency's row as the operation would and recording the
same audit events, so the stored state, validity, claims and trail agree with the filings and
sanctions (DESIGN §4, §5; Art. 12, 13, 16, 17, 21-24).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.enums import (
    AgencyKind,
    AgencyLevel,
    AgencyState,
    AnnouncementKind,
    CertificateInvalidation,
    FilingKind,
    FilingStatus,
    InspectionKind,
    InspectionMode,
    InspectionResult,
    SanctionGrade,
    SanctionStatus,
    SiteTenure,
    SkillLevel,
    TerminationReason,
)
from models.periods import PERIOD_YEARS, add_years
from models.region import PROVINCE_CODE
from models.working_days import CalendarMissing, WorkingDays
from server.clock import TIMEZONE
from server.demo.calendar import stand_in_holidays
from server.demo.tables import MEASURES_IN_FORCE, OCCUPATIONS
from server.scale.identity import (
    CITIES,
    CITY_WEIGHTS,
    Addresses,
    Names,
    credit_code,
    person,
    phone,
    site_name,
    tenure,
)
from server.scale.tables import Row, Tables

# Share of agencies in each story. Sanctioned: suspended, rectified, revoked, plus the
# interviews and proposed revocations laid over active agencies below, about 10 % in all.
STORIES: dict[str, float] = {
    "new": 0.02,
    "submitted": 0.04,
    "rejected": 0.02,
    "active": 0.62,
    "renewing": 0.03,
    "renewed": 0.15,
    "expired": 0.04,
    "terminated": 0.03,
    "suspended": 0.02,
    "rectified": 0.01,
    "revoked": 0.02,
}
INTERVIEWED = 0.05  # of all agencies, an Art. 21 interview in an otherwise clean life
PROPOSED = 0.005  # three unqualified external inspections this year: a proposed 23.11
# Days between the INITIAL approval and today, per story.
AGES: dict[str, tuple[int, int]] = {
    "active": (20, 990),
    "renewing": (1010, 1085),
    "renewed": (1130, 2150),
    "expired": (1110, 1500),
    "terminated": (200, 1000),
    "suspended": (60, 1000),
    "rectified": (200, 1000),
    "revoked": (200, 1000),
}
IN_FORCE_NOW = ("active", "renewing", "renewed", "suspended", "rectified")
CLOSED = ("terminated", "revoked")
SITES_PER_AGENCY = {1: 6, 2: 14, 3: 22, 4: 22, 5: 16, 6: 10, 7: 6, 8: 4}
OCCUPATIONS_PER_AGENCY = {1: 20, 2: 35, 3: 30, 4: 15}
MAX_ITEMS = 8
BORROWS = 0.06  # employers and colleges evaluating at another college's campus (Art. 12)

FACTS = {
    21: "考务组织不规范：考核时间临时调整未提前公告，部分考场监控录像缺失。",
    22: "约谈后仍存在参评资格审核不严问题，部分考生工作年限证明不实。",
    23: "经核查，该机构篡改证书数据并违规出具证书。",
}
FINDINGS = {
    InspectionResult.QUALIFIED: "考务规范，资料齐全。",
    InspectionResult.UNQUALIFIED: "考场视频监控存在盲区，监考人员配备不足。",
}

Item = tuple[Row, str, SkillLevel]  # (site, occupation name, level)
Actor = tuple[str, str]  # (role, subject) as the audit trail records them


@dataclass
class World:
    """What every agency's generation shares."""

    today: dt.date
    rng: random.Random
    tables: Tables = field(default_factory=Tables)
    names: Names = field(init=False)
    addresses: Addresses = field(init=False)
    # (site id, occupation code) on any filing -> the agency filing it (Art. 12)
    pairs: dict[tuple[int, str], int] = field(default_factory=dict)
    # Campus venues on an approved filing, which other agencies may see and file on.
    campuses: list[Row] = field(default_factory=list)
    campus_ids: set[int] = field(default_factory=set)
    calendar: WorkingDays = field(default_factory=lambda: WorkingDays({}))

    def __post_init__(self) -> None:
        self.names = Names(self.rng)
        self.addresses = Addresses(self.rng)

    def days_ago(self, days: int) -> dt.date:
        return workday(self.today - dt.timedelta(days=days))

    def enter_calendar(self, year: int, at: dt.datetime) -> None:
        """The province enters the stand-in calendar of a year the packaged data lacks
        (setWorkingCalendar)."""
        holidays = stand_in_holidays(year)
        self.calendar.entered[year] = dict.fromkeys(holidays, False)
        entry = self.tables.add(
            "working_calendar_year", year=year, entered_at=at, entered_by="province:350000"
        )
        for day in holidays:
            self.tables.add("working_calendar_day", day=day, is_working_day=False)
        self.tables.audit(
            at,
            ("PROVINCE", "province:350000"),
            "setWorkingCalendar",
            "working_calendar_year",
            entry,
            agency_id=None,
            region_id=None,
            after={"holidays": [d.isoformat() for d in holidays], "makeupWorkingDays": []},
        )

    def lag(self, day: dt.date, low: int, high: int) -> dt.date:
        return workday(day + dt.timedelta(days=self.rng.randint(low, high)))

    def between(self, low: dt.date, high: dt.date) -> dt.date | None:
        """A working day in [low, high], or None when the span is empty."""
        if high < low:
            return None
        day = workday(low + dt.timedelta(days=self.rng.randint(0, (high - low).days)))
        return day if day >= low else low

    def at(self, day: dt.date) -> dt.datetime:
        """A time during office hours on `day`, in Fujian."""
        clock = dt.time(self.rng.randint(9, 16), self.rng.choice((0, 10, 15, 20, 30, 40, 45)))
        return dt.datetime.combine(day, clock, tzinfo=TIMEZONE)

    def pick(self, weights: dict[int, int]) -> int:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def workday(day: dt.date) -> dt.date:
    """Back to the Friday before when `day` is a weekend (offices decide on weekdays)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def levels(occupation: str) -> tuple[SkillLevel, ...]:
    return OCCUPATIONS[occupation][1]


class Life:
    """One agency, from registration to today."""

    def __init__(
        self,
        world: World,
        index: int,
        story: str,
        kind: str,
        region: str,
        interviewed: bool = False,
        proposed: bool = False,
    ) -> None:
        self.w, self.t, self.story = world, world.tables, story
        self.interviewed, self.proposed = interviewed, proposed
        rng = world.rng
        name, kind = world.names.new(kind, region)
        self.kind = kind
        code = credit_code(index, kind, region, rng)
        self.agency = self.t.add(
            "agency",
            name=name,
            credit_code=code,
            kind=AgencyKind.EMPLOYER if kind == "employer" else AgencyKind.SOCIAL_ORG,
            is_college=kind == "college",
            level=AgencyLevel.PROVINCIAL if region == PROVINCE_CODE else AgencyLevel.CITY,
            filing_region_id=region,
            state=AgencyState.PENDING,
            legal_representative=person(rng),
            contact_name=person(rng),
            contact_phone=phone(rng, region),
        )
        self.id: int = self.agency["id"]
        self.authority: Actor = (
            ("PROVINCE", "province:350000")
            if region == PROVINCE_CODE
            else ("CITY", f"city:{region}")
        )
        self.own: Actor = ("AGENCY", f"agency:{code}")
        self.occupations = rng.sample(list(OCCUPATIONS), world.pick(OCCUPATIONS_PER_AGENCY))
        self.sites: list[Row] = []
        self.scope: list[Item] = []  # the items in force (latest approved INITIAL/SCOPE_CHANGE)
        self.claims: list[Row] = []
        self.sanctions: list[Row] = []
        self.open: list[Row] = []  # filings awaiting a decision
        self.items: dict[int, list[Row]] = {}  # filing id -> its item rows
        self.events: list[tuple[dt.date, int, Callable[[], None]]] = []  # a heap
        self.planned = 0
        self.first: dt.date | None = None  # the INITIAL approval

    # --- planning --------------------------------------------------------------------------

    def on(self, day: dt.date, action: Callable[[], None]) -> None:
        self.planned += 1
        heapq.heappush(self.events, (day, self.planned, action))

    def site_regions(self, count: int) -> list[str]:
        region, rng = self.agency["filing_region_id"], self.w.rng
        if region != PROVINCE_CODE:  # a few city agencies also run a venue in another city
            return [region] + [
                rng.choices(CITIES, list(CITY_WEIGHTS.values()))[0]
                if rng.random() < 0.08
                else region
                for _ in range(count - 1)
            ]
        regions = [rng.choices(CITIES, list(CITY_WEIGHTS.values()))[0]]
        for _ in range(count - 1):
            regions.append(
                rng.choice(regions)
                if rng.random() < 0.5
                else rng.choices(CITIES, list(CITY_WEIGHTS.values()))[0]
            )
        return regions

    def plan(self) -> None:
        w, story = self.w, self.story
        count = w.pick(SITES_PER_AGENCY)
        if story == "new":
            registered = w.days_ago(w.rng.randint(3, 60))
            self.on(registered, lambda: self.register(registered, self.site_regions(count)))
            return
        if story in ("submitted", "rejected"):
            self.plan_pending(count)
            return
        low, high = AGES[story]
        if story == "renewed":  # renewed after the registry began (older periods are imported)
            high = min(high, (w.today - add_years(MEASURES_IN_FORCE, -PERIOD_YEARS)).days - 90)
        self.plan_filed(w.days_ago(w.rng.randint(low, max(low, high))), count)

    def plan_pending(self, count: int) -> None:
        w = self.w
        if self.story == "submitted":
            submitted, decided = w.days_ago(w.rng.randint(2, 40)), None
        else:
            decided = w.days_ago(w.rng.randint(10, 300))
            submitted = w.lag(decided, -20, -7)
        registered = w.lag(submitted, -12, -5)
        self.on(registered, lambda: self.register(registered, self.site_regions(count)))

        def submit() -> None:
            filing = self.submit(FilingKind.INITIAL, submitted, self.initial_scope(self.sites))
            if decided is not None:
                self.on_decided(
                    filing,
                    decided,
                    approve=False,
                    reason="评价场所未配备视频监控设备，专职考务人员不足，不符合"
                    "《管理办法》第五条第（二）、（三）项。",
                )

        self.on(submitted, submit)

    def plan_filed(self, decided: dt.date, count: int) -> None:
        """An INITIAL approval `decided`, then the story's renewals, changes and sanctions."""
        w, story = self.w, self.story
        imported = decided < MEASURES_IN_FORCE
        # Approvals before the measures came into force were imported when the registry began.
        entered = w.lag(MEASURES_IN_FORCE, 0, 60) if imported else decided
        submitted = entered if imported else w.lag(decided, -20, -7)
        registered = w.lag(submitted, -12, -5)
        expiry = add_years(decided, PERIOD_YEARS)
        self.first = decided
        sanction_day, end = self.plan_closing(decided, entered, expiry)
        # Art. 24: no new site or occupation after a rectification or revocation in the period.
        changes_until = min(end, sanction_day) if sanction_day else end
        scope_change = self.choose_scope_change(entered, changes_until)
        regions = self.site_regions(count + (1 if scope_change and count == 1 else 0))
        later = regions.pop() if scope_change else None
        self.on(registered, lambda: self.register(registered, regions))
        self.on(submitted, lambda: self.initial(submitted, decided, imported))
        if story == "renewed":
            renewal = workday(expiry - dt.timedelta(days=30))
            self.plan_renewal(w.lag(renewal, -20, -7), renewal)
        elif story == "renewing":
            opens = expiry - dt.timedelta(days=90)
            self.plan_renewal(w.between(max(opens, entered), w.today) or w.today, None)
        if scope_change and later:
            self.plan_scope_change(scope_change, later)
        self.plan_info_change(entered, end)
        if self.interviewed:
            self.plan_interview(entered, end)

    def plan_closing(
        self, decided: dt.date, entered: dt.date, expiry: dt.date
    ) -> tuple[dt.date | None, dt.date]:
        """(first rectification or revocation day, last day in force) for the story."""
        w, story, rng = self.w, self.story, self.w.rng
        start = max(decided, entered)
        if story == "expired":
            return None, expiry
        if story == "terminated":
            close = w.between(start + dt.timedelta(days=90), w.today - dt.timedelta(days=3))
            close = close or w.today
            notified = w.lag(close, -20, -7)
            self.on(notified, lambda: self.terminate(notified, close))
            return None, close
        if story == "suspended":
            day = w.between(max(start, w.today - dt.timedelta(days=50)), w.today) or w.today
            self.plan_rectification(
                day, accepted=None, after_interview=rng.random() < 0.3, since=start
            )
            return day, w.today
        if story == "rectified":
            day = w.between(start + dt.timedelta(days=30), w.today - dt.timedelta(days=60)) or start
            self.plan_rectification(
                day, accepted=w.lag(day, 20, 45), after_interview=False, since=start
            )
            return day, w.today
        if story == "revoked":
            day = w.between(start + dt.timedelta(days=60), w.today - dt.timedelta(days=10)) or start
            notice = None
            if rng.random() < 0.3:  # 23.1: a second Art. 22 violation after a written notice
                notice = w.between(start + dt.timedelta(days=20), day - dt.timedelta(days=40))
            if notice is not None:
                self.plan_rectification(notice, accepted=None, after_interview=False, since=start)
            self.on(day, lambda: self.revoke(day, escalated=notice is not None))
            return notice or day, day
        return None, w.today

    def choose_scope_change(
        self, entered: dt.date, until: dt.date
    ) -> tuple[FilingStatus, dt.date] | None:
        """(outcome, submission day) of a SCOPE_CHANGE adding a venue, after the first year
        (Art. 13); SUBMITTED ones are still open, or were withdrawn when the agency closed."""
        w, rng = self.w, self.w.rng
        assert self.first is not None
        roll = rng.random()
        if roll >= 0.65:
            return None
        outcome = (
            FilingStatus.APPROVED
            if roll < 0.5
            else FilingStatus.REJECTED
            if roll < 0.58
            else FilingStatus.SUBMITTED
        )
        low = max(add_years(self.first, 1), entered + dt.timedelta(days=5))
        if outcome is not FilingStatus.SUBMITTED:
            day = w.between(low, until - dt.timedelta(days=25))
        elif self.story in ("active", "renewing", "renewed"):
            day = w.between(max(low, w.today - dt.timedelta(days=30)), w.today)
        elif self.story in CLOSED:
            day = w.between(max(low, until - dt.timedelta(days=40)), until - dt.timedelta(days=3))
        else:
            day = None
        return (outcome, day) if day else None

    def plan_renewal(self, submitted: dt.date, decided: dt.date | None) -> None:
        def submit() -> None:
            filing = self.submit(FilingKind.RENEWAL, submitted, list(self.scope))
            if decided is not None:
                self.on_decided(filing, decided, approve=True)

        self.on(submitted, submit)

    def plan_scope_change(self, change: tuple[FilingStatus, dt.date], region: str) -> None:
        outcome, submitted = change
        w = self.w
        registered = w.lag(submitted, -10, -3)
        self.on(registered, lambda: self.add_site(registered, region))

        def submit() -> None:
            venue = self.sites[-1]
            added = [(venue, o, levels(o)[0]) for o in self.occupations]
            filing = self.submit(
                FilingKind.SCOPE_CHANGE, submitted, (self.scope + added)[: MAX_ITEMS + 2]
            )
            if outcome is not FilingStatus.SUBMITTED:
                self.on_decided(
                    filing,
                    w.lag(submitted, 7, 20),
                    approve=outcome is FilingStatus.APPROVED,
                    reason=None
                    if outcome is FilingStatus.APPROVED
                    else "新增考点未配备视频监控设备，不符合《管理办法》第五条第（三）项。",
                )

        self.on(submitted, submit)

    def plan_info_change(self, entered: dt.date, end: dt.date) -> None:
        w, rng = self.w, self.w.rng
        roll = rng.random()
        if roll >= 0.36:
            return
        if roll < 0.30:
            submitted = w.between(entered + dt.timedelta(days=30), end - dt.timedelta(days=25))
            decided = w.lag(submitted, 7, 20) if submitted else None
        elif self.story in IN_FORCE_NOW:
            submitted = w.between(max(entered, w.today - dt.timedelta(days=20)), w.today)
            decided = None
        elif self.story in CLOSED:
            submitted = w.between(
                max(entered, end - dt.timedelta(days=40)), end - dt.timedelta(days=3)
            )
            decided = None
        else:
            return
        if submitted is None:
            return
        renamed = rng.random() < 0.5
        when = submitted

        def submit() -> None:
            name = w.names.new(self.kind, self.agency["filing_region_id"])[0] if renamed else None
            filing = self.submit(
                FilingKind.INFO_CHANGE,
                when,
                [],
                new_name=name,
                new_legal_representative=None if renamed else person(rng),
            )
            if decided is not None:
                self.on_decided(filing, decided, approve=True)

        self.on(submitted, submit)

    def plan_interview(self, entered: dt.date, end: dt.date) -> None:
        w = self.w
        day = w.between(entered + dt.timedelta(days=30), end - dt.timedelta(days=5))
        if day is None:
            return
        interview_day = day

        def interview() -> None:
            self.issue(interview_day, 21, w.rng.randint(1, 9), published=w.rng.random() < 0.4)

        self.on(day, interview)

    def plan_rectification(
        self, day: dt.date, accepted: dt.date | None, after_interview: bool, since: dt.date
    ) -> None:
        """A rectification notice (Art. 22), escalated from an interview in the period
        (22.1) when there was one, accepted on `accepted` or still open."""
        w = self.w
        interview = None
        if after_interview:
            interview = w.between(
                max(since, day - dt.timedelta(days=200)), day - dt.timedelta(days=30)
            )
        earlier: list[Row] = []
        if interview is not None:
            self.on(interview, lambda: earlier.append(self.issue(interview, 21, 8, False)))

        def rectify() -> None:
            source = earlier[0] if earlier else None
            notice = self.issue(
                day,
                22,
                1 if source else w.rng.randint(2, 9),
                True,
                escalated_from=source,
                deadline=day + dt.timedelta(days=w.rng.randint(30, 60)),
            )
            if accepted is not None:
                self.on(accepted, lambda: self.accept(accepted, notice))

        self.on(day, rectify)

    def initial_scope(self, sites: list[Row]) -> list[Item]:
        """Every venue and every occupation at least once, lowest level first, then a higher
        level for some, at most 8 items; an employer or college may add another college's
        campus for an occupation no one else files there (Art. 12)."""
        rng = self.w.rng
        n = max(len(sites), len(self.occupations))
        pairs = [
            (sites[i % len(sites)], self.occupations[i % len(self.occupations)]) for i in range(n)
        ]
        items: list[Item] = [(s, o, levels(o)[0]) for s, o in pairs]
        items += [
            (s, o, levels(o)[1]) for s, o in pairs if len(levels(o)) > 1 and rng.random() < 0.3
        ]
        items = items[:MAX_ITEMS]
        if self.kind in ("employer", "college") and self.w.campuses and rng.random() < BORROWS:
            borrowed = self.borrow()
            if borrowed:
                items = [*items[: MAX_ITEMS - 1], borrowed]
        return items

    def borrow(self) -> Item | None:
        w = self.w
        campus = w.rng.choice(w.campuses)
        if campus["agency_id"] == self.id:
            return None
        free = [o for o in OCCUPATIONS if (campus["id"], OCCUPATIONS[o][0]) not in w.pairs]
        if not free:
            return None
        occupation = w.rng.choice(free)
        w.pairs[campus["id"], OCCUPATIONS[occupation][0]] = self.id
        return campus, occupation, levels(occupation)[0]

    # --- the operations ------------------------------------------------------------------

    def run(self) -> None:
        """Run the planned events in date order; an event may plan later ones."""
        while self.events:
            heapq.heappop(self.events)[2]()

    def changed(self, at: dt.datetime, action: str, before: dict[str, Any]) -> None:
        if before != Tables.snapshot(self.agency):
            self.t.audit(
                at,
                self.authority,
                action,
                "agency",
                self.agency,
                agency_id=self.id,
                region_id=self.agency["filing_region_id"],
                before=before,
            )

    def register(self, day: dt.date, regions: list[str]) -> None:
        at = self.w.at(day)
        self.agency["created_at"] = at
        self.t.audit(
            at,
            self.authority,
            "registerAgency",
            "agency",
            self.agency,
            agency_id=self.id,
            region_id=self.agency["filing_region_id"],
        )
        for region in regions:
            self.add_site(self.w.lag(day, 1, 3), region)

    def add_site(self, day: dt.date, region: str) -> None:
        w, index = self.w, len(self.sites)
        district, address, key = w.addresses.new(region)
        kind = tenure(w.rng, self.kind, index)
        site = self.t.add(
            "site",
            agency_id=self.id,
            address=address,
            address_key=key,
            region_id=region,
            name=site_name(self.agency["name"], self.agency["kind"], kind, index, district),
            tenure=kind,
            has_video_surveillance=w.rng.random() < 0.9,
            created_at=w.at(day),
        )
        self.sites.append(site)
        self.t.audit(
            site["created_at"],
            self.own,
            "addSite",
            "site",
            site,
            agency_id=self.id,
            region_id=region,
        )
        if self.agency["level"] is AgencyLevel.PROVINCIAL and self.story not in (
            "new",
            "submitted",
            "rejected",
        ):
            acknowledged = w.lag(day, 3, 12)
            if w.rng.random() < 0.65 and acknowledged <= w.today:  # Art. 4: 报备 to the city
                before = Tables.snapshot(site)
                site["acknowledged_at"] = w.at(acknowledged)
                self.t.audit(
                    site["acknowledged_at"],
                    ("CITY", f"city:{region}"),
                    "acknowledgeSite",
                    "site",
                    site,
                    agency_id=self.id,
                    region_id=region,
                    before=before,
                )

    def submit(
        self, kind: FilingKind, day: dt.date, items: list[Item], **changes: str | None
    ) -> Row:
        filing = self.t.add(
            "filing",
            agency_id=self.id,
            kind=kind,
            status=FilingStatus.SUBMITTED,
            authority_id=self.agency["filing_region_id"],
            submitted_at=self.w.at(day),
            imported=False,
            **changes,
        )
        self.items[filing["id"]] = self.add_items(filing, items)
        self.open.append(filing)
        self.t.audit(
            filing["submitted_at"],
            self.own,
            "submitFiling",
            "filing",
            filing,
            agency_id=self.id,
            region_id=filing["authority_id"],
        )
        return filing

    def add_items(self, filing: Row, items: list[Item]) -> list[Row]:
        rows = []
        for site, occupation, level in items:
            code = OCCUPATIONS[occupation][0]
            self.w.pairs.setdefault((site["id"], code), self.id)
            rows.append(
                self.t.add(
                    "filing_item",
                    filing_id=filing["id"],
                    occupation_code=code,
                    occupation_name=occupation,
                    level=level,
                    site_id=site["id"],
                )
            )
        return rows

    def initial(self, submitted: dt.date, decided: dt.date, imported: bool) -> None:
        items = self.initial_scope(self.sites)
        if not imported:
            self.on_decided(self.submit(FilingKind.INITIAL, submitted, items), decided, True)
            return
        at = self.w.at(submitted)
        province: Actor = ("PROVINCE", "province:350000")
        before = Tables.snapshot(self.agency)
        filing = self.t.add(
            "filing",
            agency_id=self.id,
            kind=FilingKind.INITIAL,
            status=FilingStatus.APPROVED,
            authority_id=self.agency["filing_region_id"],
            submitted_at=at,
            decided_at=at,
            valid_from=decided,
            valid_until=add_years(decided, PERIOD_YEARS),
            imported=True,
            reason="imported: approved before the registry",
        )
        rows = self.add_items(filing, items)
        self.put_in_force(items, rows, at)
        self.agency.update(
            state=AgencyState.ACTIVE, first_approved_on=decided, valid_until=filing["valid_until"]
        )
        self.t.audit(
            at,
            province,
            "importFiling",
            "filing",
            filing,
            agency_id=self.id,
            region_id=filing["authority_id"],
        )
        self.t.audit(
            at,
            province,
            "importFiling:agency",
            "agency",
            self.agency,
            agency_id=self.id,
            region_id=filing["authority_id"],
            before=before,
        )

    def on_decided(
        self, filing: Row, day: dt.date, approve: bool, reason: str | None = None
    ) -> None:
        self.on(day, lambda: self.decide(filing, day, approve, reason))

    def decide(self, filing: Row, day: dt.date, approve: bool, reason: str | None) -> None:
        if filing["status"] is not FilingStatus.SUBMITTED:
            return  # withdrawn when the agency closed
        at = self.w.at(day)
        before = Tables.snapshot(filing)
        agency_before = Tables.snapshot(self.agency)
        self.open.remove(filing)
        filing.update(
            status=FilingStatus.APPROVED if approve else FilingStatus.REJECTED, decided_at=at
        )
        if reason:
            filing["reason"] = reason
        if approve:
            self.apply(filing, day, at)
            self.changed(at, "approveFiling:agency", agency_before)
        self.t.audit(
            at,
            self.authority,
            "decideFiling",
            "filing",
            filing,
            agency_id=self.id,
            region_id=filing["authority_id"],
            before=before,
        )

    def apply(self, filing: Row, day: dt.date, at: dt.datetime) -> None:
        """What an approval does (models/operations/decide_filing.py, `_apply`)."""
        a, kind = self.agency, filing["kind"]
        if kind is FilingKind.INITIAL:
            filing.update(valid_from=day, valid_until=add_years(day, PERIOD_YEARS))
            a.update(
                state=AgencyState.ACTIVE,
                first_approved_on=a.get("first_approved_on") or day,
                valid_until=filing["valid_until"],
            )
        elif kind is FilingKind.RENEWAL:
            filing.update(
                valid_from=a["valid_until"] + dt.timedelta(days=1),
                valid_until=add_years(a["valid_until"], PERIOD_YEARS),
            )
            a["valid_until"] = filing["valid_until"]
        elif kind is FilingKind.SCOPE_CHANGE:
            filing.update(valid_from=day, valid_until=a["valid_until"])
        if kind in (FilingKind.INITIAL, FilingKind.SCOPE_CHANGE):
            items = [
                (self.site(r["site_id"]), r["occupation_name"], r["level"])
                for r in self.items[filing["id"]]
            ]
            self.put_in_force(items, self.items[filing["id"]], at)
        elif kind is FilingKind.INFO_CHANGE:
            changes = []
            if filing.get("new_name"):
                changes.append(f"名称由「{a['name']}」变更为「{filing['new_name']}」")
                a["name"] = filing["new_name"]
            if filing.get("new_legal_representative"):
                changes.append(f"法定代表人变更为{filing['new_legal_representative']}")
                a["legal_representative"] = filing["new_legal_representative"]
            self.announce(
                AnnouncementKind.INFO_CHANGE,
                filing,
                day,
                at,
                f"{a['credit_code']}：" + "；".join(changes) + "（第十三条）",
            )
        elif kind is FilingKind.TERMINATION:
            self.close(AgencyState.TERMINATED, at)
            self.announce(
                AnnouncementKind.TERMINATION,
                filing,
                day,
                at,
                f"{a['name']}（{a['credit_code']}）自愿终止评价工作，终止备案"
                "（第十七条），已报备人社部。",
            )

    def site(self, site_id: int) -> Row:
        for s in self.sites:
            if s["id"] == site_id:
                return s
        return self.t.rows["site"][site_id - 1]  # a borrowed campus

    def put_in_force(self, items: list[Item], rows: list[Row], at: dt.datetime) -> None:
        """Art. 12: the agency's claims become these items' (site, occupation) pairs."""
        for claim in self.claims:
            claim["released_at"] = claim["released_at"] or at
        seen: set[tuple[int, str]] = set()
        for (site, _, _), row in zip(items, rows, strict=True):
            pair = (site["id"], row["occupation_code"])
            if pair not in seen:
                seen.add(pair)
                self.claims.append(
                    self.t.add(
                        "item_claim",
                        site_id=pair[0],
                        occupation_code=pair[1],
                        agency_id=self.id,
                        item_id=row["id"],
                        claimed_at=at,
                    )
                )
        self.scope = items
        for site, _, _ in items:  # now public, so other agencies may file on it (Art. 12)
            if (
                site["tenure"] is SiteTenure.COLLEGE_CAMPUS
                and site["agency_id"] == self.id
                and site["id"] not in self.w.campus_ids
            ):
                self.w.campus_ids.add(site["id"])
                self.w.campuses.append(site)

    def announce(
        self, kind: AnnouncementKind, filing: Row, day: dt.date, at: dt.datetime, body: str
    ) -> None:
        """Published for 5 working days (Art. 13, 15, 17). Where the packaged holiday data ends,
        the province has entered the year's calendar first, as the demo does
        (server/demo/calendar.py)."""
        while True:
            try:
                start, end = self.w.calendar.span(day, 5)
                break
            except CalendarMissing as missing:
                self.w.enter_calendar(missing.year, at)
        termination = kind is AnnouncementKind.TERMINATION
        authority = PROVINCE_CODE if termination else filing["authority_id"]
        notice = self.t.add(
            "announcement",
            kind=kind,
            agency_id=self.id,
            filing_id=filing["id"],
            authority_id=authority,
            start_date=start,
            end_date=end,
            body=body,
            published=True,
            termination_reason=TerminationReason.VOLUNTARY if termination else None,
            reported_to_ministry_at=at if termination else None,
            created_at=at,
        )
        self.t.audit(
            at,
            self.authority,
            "announce",
            "announcement",
            notice,
            agency_id=self.id,
            region_id=authority,
        )

    def close(self, state: AgencyState, at: dt.datetime) -> None:
        """Terminated or revoked: claims released, open applications withdrawn."""
        self.agency["state"] = state
        for claim in self.claims:
            claim["released_at"] = claim["released_at"] or at
        for filing in [f for f in self.open if f["kind"] is not FilingKind.TERMINATION]:
            before = Tables.snapshot(filing)
            filing.update(
                status=FilingStatus.WITHDRAWN, decided_at=at, reason=f"agency {state.value.lower()}"
            )
            self.open.remove(filing)
            self.t.audit(
                at,
                self.authority,
                "withdrawFiling",
                "filing",
                filing,
                agency_id=self.id,
                region_id=filing["authority_id"],
                before=before,
            )

    def terminate(self, submitted: dt.date, decided: dt.date) -> None:
        filing = self.submit(
            FilingKind.TERMINATION,
            submitted,
            [],
            reason="自愿终止：机构业务调整，不再开展职业技能等级评价工作（第十七条）。",
        )
        self.on_decided(filing, decided, approve=True)

    def issue(
        self,
        day: dt.date,
        article: int,
        clause: int,
        published: bool,
        *,
        escalated_from: Row | None = None,
        deadline: dt.date | None = None,
        status: SanctionStatus = SanctionStatus.EFFECTIVE,
    ) -> Row:
        at, w = self.w.at(day), self.w
        grade = {
            21: SanctionGrade.INTERVIEW,
            22: SanctionGrade.RECTIFICATION,
            23: SanctionGrade.REVOCATION,
        }[article]
        effective = status is SanctionStatus.EFFECTIVE
        sanction = self.t.add(
            "sanction",
            agency_id=self.id,
            article=article,
            clause=clause,
            grade=grade,
            status=status,
            facts=FACTS[article],
            serious=False,
            certificates_invalidated=(
                CertificateInvalidation.PARTIAL
                if article == 21 and w.rng.random() < 0.2
                else CertificateInvalidation.NONE
            ),
            authority_id=self.agency["filing_region_id"],
            decided_at=day if effective else None,
            published=published,
            escalated_from_id=escalated_from["id"] if escalated_from else None,
            rectification_deadline=deadline,
            created_at=at,
        )
        self.sanctions.append(sanction)
        before = Tables.snapshot(self.agency)
        action = "issueSanction" if effective else "proposeSanction"
        self.t.audit(
            at,
            self.authority,
            action,
            "sanction",
            sanction,
            agency_id=self.id,
            region_id=self.agency["filing_region_id"],
        )
        if (
            effective
            and grade is SanctionGrade.RECTIFICATION
            and self.agency["state"] is AgencyState.ACTIVE
        ):
            self.agency["state"] = AgencyState.SUSPENDED
        elif effective and grade is SanctionGrade.REVOCATION:
            self.agency["banned_until"] = add_years(day, 3)
            self.close(AgencyState.REVOKED, at)
        self.changed(at, "issueSanction:agency", before)
        return sanction

    def revoke(self, day: dt.date, escalated: bool) -> None:
        notices = [s for s in self.sanctions if s["article"] == 22]
        source = notices[-1] if escalated and notices else None
        self.issue(day, 23, 1 if source else self.w.rng.randint(2, 10), True, escalated_from=source)

    def accept(self, day: dt.date, notice: Row) -> None:
        at = self.w.at(day)
        before, agency_before = Tables.snapshot(notice), Tables.snapshot(self.agency)
        notice["rectified_at"] = day
        if self.agency["state"] is AgencyState.SUSPENDED:
            self.agency["state"] = AgencyState.ACTIVE
            self.changed(at, "acceptRectification:agency", agency_before)
        self.t.audit(
            at,
            self.authority,
            "acceptRectification",
            "sanction",
            notice,
            agency_id=self.id,
            region_id=notice["authority_id"],
            before=before,
        )

    # --- supervision ---------------------------------------------------------------------

    def in_force(self) -> bool:
        a = self.agency
        return (
            a["state"] in (AgencyState.ACTIVE, AgencyState.SUSPENDED)
            and a["valid_until"] is not None
            and a["valid_until"] >= self.w.today
        )

    def inspect(self) -> None:
        """A year of inspection results for an agency in force; an agency chosen for a
        proposed revocation gets its three unqualified external results (Art. 23.11)."""
        w = self.w
        if not self.in_force() or self.first is None:
            return
        start = max(self.first, w.today - dt.timedelta(days=365))
        if self.proposed:
            year = max(start, dt.date(w.today.year, 1, 1))
            days = sorted(w.between(year, w.today) or w.today for _ in range(3))
            for day in days:
                self.inspection(day, InspectionKind.EXTERNAL, InspectionResult.UNQUALIFIED)
            self.issue(days[-1], 23, 11, False, status=SanctionStatus.PROPOSED)
            return
        for _ in range(w.pick({0: 20, 1: 60, 2: 20})):
            day = w.between(start, w.today) or w.today
            self.inspection(
                day,
                InspectionKind.EXTERNAL if w.rng.random() < 0.67 else InspectionKind.INTERNAL,
                InspectionResult.UNQUALIFIED
                if w.rng.random() < 0.08
                else InspectionResult.QUALIFIED,
            )

    def inspection(self, day: dt.date, kind: InspectionKind, result: InspectionResult) -> None:
        w = self.w
        venues = [s for s, _, _ in self.scope] or self.sites
        site = w.rng.choice(venues) if venues and w.rng.random() < 0.9 else None
        authority = self.agency["filing_region_id"]
        if site is not None and authority == PROVINCE_CODE and w.rng.random() < 0.5:
            authority = site["region_id"]  # Art. 4: the city supervises venues on its territory
        mode = w.rng.choices(
            [InspectionMode.EVERY_EXAM, InspectionMode.RANDOM, InspectionMode.SPECIAL], [6, 3, 1]
        )[0]
        at = w.at(day)
        row = self.t.add(
            "inspection",
            agency_id=self.id,
            site_id=site["id"] if site else None,
            kind=kind,
            mode=mode,
            date=day,
            result=result,
            findings=FINDINGS[result],
            published=w.rng.random() < 0.33,
            authority_id=authority,
            created_at=at,
        )
        actor: Actor = (
            ("PROVINCE", "province:350000")
            if authority == PROVINCE_CODE
            else ("CITY", f"city:{authority}")
        )
        self.t.audit(
            at,
            actor,
            "recordInspection",
            "inspection",
            row,
            agency_id=self.id,
            region_id=site["region_id"] if site else authority,
        )
