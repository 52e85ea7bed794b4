"""Loading the demo: every planned event (server/demo/story.py) runs through the domain
operation that makes it happen in the registry, on its historic day (`today=`, `now=`), by the
department or agency that acts. The operations decide what it does to the rows (states,
validity, Art. 12 claims, bans, notices, escalations) and write the audit trail, exactly as for
a request; the demo only checks that each outcome is the one its tables describe.

The order keeps the ids stable: first every agency (in `AGENCIES` order), then every venue,
then each agency's filings and sanctions in date order, then the supervision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.agency import Agency, status_q
from models.audit import Actor
from models.enums import (
    AgencyKind,
    AgencyLevel,
    AgencyStatus,
    FilingKind,
    FilingStatus,
    InspectionKind,
    InspectionMode,
    InspectionResult,
    SanctionStatus,
)
from models.filing import Filing
from models.operations.accept_rectification import accept_rectification
from models.operations.acknowledge_site import acknowledge_site
from models.operations.add_site import NewSite, add_site
from models.operations.decide_filing import decide_filing
from models.operations.draw_inspections import DrawRequest, draw_inspections
from models.operations.import_filing import import_filing
from models.operations.issue_sanction import NewSanction, issue_sanction
from models.operations.items import NewItem
from models.operations.record_inspection import NewInspection, record_inspection
from models.operations.register_agency import NewAgency, register_agency, validate_new_agency
from models.operations.register_inspector import register_inspector
from models.operations.set_working_calendar import set_working_calendar
from models.operations.submit_filing import NewFiling, submit_filing
from models.region import PROVINCE_CODE, ensure_jurisdictions
from models.sanction import Sanction
from models.site import Site
from models.working_days import CalendarMissing, working_day_span
from server.clock import TIMEZONE
from server.clock import today as current_day
from server.demo.calendar import stand_in_holidays
from server.demo.story import AgencyPlan, FilingPlan, ItemPlan, SanctionPlan, plan, workday
from server.demo.tables import (
    COLLEGE,
    CONFLICTED_INSPECTOR,
    CROSS_JURISDICTION_INSPECTIONS,
    EMPLOYER,
    INSPECTORS,
    OCCUPATIONS,
    PROVINCE_DRAW_SEED,
    UNQUALIFIED_RUN,
    XIAMEN_DRAW_SEED,
)

REQUEST_ID = "registry seed --demo"
XIAMEN = "350200"


def authority(region: str) -> Actor:
    """The department of a region, acting."""
    if region == PROVINCE_CODE:
        return Actor("PROVINCE", f"province:{region}", REQUEST_ID)
    return Actor("CITY", f"city:{region}", REQUEST_ID)


def on_behalf_of(agency: Agency) -> Actor:
    return Actor("AGENCY", f"agency:{agency.credit_code}", REQUEST_ID)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TIMEZONE)


class DemoMismatch(RuntimeError):
    """An operation made something else of an event than the demo's tables say."""


def expect(holds: bool, what: str) -> None:
    if not holds:
        raise DemoMismatch(f"demo data: {what}")


class _Run:
    def __init__(self, today: dt.date, plans: list[AgencyPlan]) -> None:
        self.today = today
        self.plans = plans
        self.ids: dict[str, int] = {}  # agency key -> id
        self.sites: dict[tuple[str, int], Site] = {}
        self.filings: dict[int, Filing] = {}  # id of the FilingPlan -> the filing made
        self.issued: dict[int, Sanction] = {}  # id of the SanctionPlan -> the sanction
        self.latest: Sanction | None = None  # the last sanction of the agency being run

    async def agency(self, key: str) -> Agency:
        """The agency as the previous operation left it."""
        return await Agency.get(id=self.ids[key])

    # --- registration and venues ---------------------------------------------------------

    async def register(self, p: AgencyPlan) -> None:
        seed = p.seed
        provincial = seed.filing_region == PROVINCE_CODE
        agency = await validate_new_agency(
            NewAgency(
                name=seed.name,
                credit_code=seed.credit_code,
                kind=AgencyKind.EMPLOYER if seed.kind == EMPLOYER else AgencyKind.SOCIAL_ORG,
                is_college=seed.kind == COLLEGE,
                level=AgencyLevel.PROVINCIAL if provincial else AgencyLevel.CITY,
                filing_region_code=seed.filing_region,
                contact_name=p.contact_name,
                contact_phone=p.contact_phone,
                legal_representative=p.legal_representative,
            )
        )
        # The province registers provincial agencies, a city its own (DESIGN §6).
        await register_agency(authority(seed.filing_region), agency)
        self.ids[seed.key] = agency.id

    async def add_sites(self, p: AgencyPlan) -> None:
        agency = await self.agency(p.seed.key)
        for s in p.sites:
            site = await add_site(
                on_behalf_of(agency),
                agency,
                NewSite(
                    name=s.name,
                    address=s.address,
                    region_code=s.region,
                    tenure=s.tenure,
                    has_video_surveillance=s.video,
                ),
                today=s.registered,
            )
            if s.acknowledged is not None:  # Art. 4: the city the venue lies in
                site = await acknowledge_site(authority(s.region), site, now=s.acknowledged)
            self.sites[s.ref] = site

    # --- filings and sanctions -----------------------------------------------------------

    async def life(self, p: AgencyPlan) -> None:
        """The agency's filings, decisions and sanctions, in date order."""
        events: list[tuple[dt.datetime, int, Any]] = []
        for f in p.filings:
            events.append((f.submitted, len(events), (self.submit, f)))
            if f.decided is not None and not f.imported:
                events.append((f.decided, len(events), (self.decide, f)))
        for s in p.sanctions:
            events.append((s.at, len(events), (self.sanction, s)))
            if s.rectified is not None:
                events.append((_at(s.rectified), len(events), (self.accept, s)))
        self.latest = None
        for _, _, (step, subject) in sorted(events, key=lambda e: (e[0], e[1])):
            await step(p, subject)

    def items(self, items: list[ItemPlan]) -> list[NewItem]:
        return [
            NewItem(OCCUPATIONS[i.occupation][0], i.occupation, i.level, self.sites[i.site])
            for i in items
        ]

    async def submit(self, p: AgencyPlan, f: FilingPlan) -> None:
        agency = await self.agency(p.seed.key)
        if f.imported and f.decided is not None:
            filing = await import_filing(
                authority(PROVINCE_CODE),
                agency,
                f.decided.date(),
                self.items(f.items),
                today=f.decided.date(),
                now=f.decided,
            )
        else:
            filing = await submit_filing(
                on_behalf_of(agency),
                agency,
                NewFiling(
                    kind=f.kind,
                    items=self.items(f.items),
                    new_name=f.new_name,
                    new_legal_representative=f.new_legal_representative,
                    reason=f.reason if f.status is not FilingStatus.REJECTED else None,
                ),
                today=f.submitted.date(),
                now=f.submitted,
            )
        self.filings[id(f)] = filing

    async def decide(self, p: AgencyPlan, f: FilingPlan) -> None:
        if f.decided is None:
            return
        approve = f.status is FilingStatus.APPROVED
        if approve and f.kind in (FilingKind.INFO_CHANGE, FilingKind.TERMINATION):
            await ensure_calendar(f.decided.date())  # the notice's 5 working days (Art. 15)
        filing = await decide_filing(
            authority(p.seed.filing_region),
            self.filings[id(f)],
            approve,
            None if approve else f.reason,
            today=f.decided.date(),
            now=f.decided,
        )
        expect(
            filing.status is f.status,
            f"{p.seed.key}'s {f.kind.value} filing came out {filing.status.value}",
        )

    async def sanction(self, p: AgencyPlan, s: SanctionPlan) -> None:
        seed = s.seed
        agency = await self.agency(p.seed.key)
        if seed.status is SanctionStatus.PROPOSED:
            sanction = await self.fail_inspections(agency, s)
        else:
            article, clause = seed.article, seed.clause
            if seed.escalates:  # a repeat of the interview's violation; the ladder escalates
                expect(self.latest is not None, f"{seed.key} has no sanction to repeat")
                article, clause = 21, self.latest.clause if self.latest else clause
            deadline = s.day + dt.timedelta(days=seed.deadline_days) if seed.deadline_days else None
            sanction, _ = await issue_sanction(
                authority(p.seed.filing_region),
                agency,
                NewSanction(
                    article=article,
                    clause=clause,
                    facts=seed.facts,
                    certificates_invalidated=seed.certificates,
                    published=seed.published,
                    rectification_deadline=deadline,
                ),
                today=s.day,
                now=s.at,
            )
        got = (
            sanction.article,
            sanction.clause,
            sanction.grade,
            sanction.status,
            sanction.escalated_from_id is not None,
        )
        expect(
            got == (seed.article, seed.clause, seed.grade, seed.status, seed.escalates),
            f"{seed.key}'s sanction came out {got}",
        )
        self.issued[id(s)] = sanction
        self.latest = sanction

    async def fail_inspections(self, agency: Agency, s: SanctionPlan) -> Sanction:
        """Art. 23(十一): three UNQUALIFIED external results in one calendar year; recording
        the third raises the proposed revocation."""
        year = dt.date(s.day.year, 1, 1)
        days = [max(year, workday(s.day - dt.timedelta(days=n))) for n in UNQUALIFIED_RUN]
        venues = await Site.filter(agency_id=agency.id).order_by("id")
        proposal = None
        for n, day in enumerate([*days, s.day]):
            _, proposal = await record_inspection(
                authority(agency.filing_region_id),
                agency,
                NewInspection(
                    site=venues[n % len(venues)],
                    kind=InspectionKind.EXTERNAL,
                    mode=InspectionMode.EVERY_EXAM,
                    date=day,
                    result=InspectionResult.UNQUALIFIED,
                    findings=s.seed.facts,
                    published=False,
                    authority=agency.filing_region_id,
                ),
                today=s.day,
            )
        if proposal is None:
            raise DemoMismatch(f"demo data: no Art. 23(11) proposal for {agency.name}")
        return proposal

    async def accept(self, p: AgencyPlan, s: SanctionPlan) -> None:
        if s.rectified is not None:
            await accept_rectification(
                authority(p.seed.filing_region), self.issued[id(s)], today=s.rectified
            )

    # --- supervision ---------------------------------------------------------------------

    async def supervision(self) -> None:
        """Inspectors, a year of inspection results, a published province-wide draw and an
        unpublished one of 厦门's."""
        today = self.today
        conflicted, tied_to = CONFLICTED_INSPECTOR
        inspectors = [
            await register_inspector(
                authority(region),
                name,
                region,
                [await self.agency(tied_to)] if n == conflicted else [],
            )
            for n, (name, region) in enumerate(INSPECTORS)
        ]
        active = await Agency.filter(status_q(AgencyStatus.ACTIVE, today=today)).order_by("id")
        for n, agency in enumerate(active[:24]):
            site = await Site.filter(agency_id=agency.id).order_by("id").first()
            unqualified = n % 5 == 3
            findings = "考场视频监控存在盲区，监考人员配备不足。" if unqualified else "考务规范。"
            by = agency.filing_region_id if n % 2 or site is None else site.region_id
            await record_inspection(
                authority(by),
                agency,
                NewInspection(
                    site=site,
                    kind=InspectionKind.EXTERNAL if n % 3 else InspectionKind.INTERNAL,
                    mode=InspectionMode.EVERY_EXAM if n % 4 else InspectionMode.RANDOM,
                    date=workday(today - dt.timedelta(days=20 + 9 * n)),
                    result=InspectionResult.UNQUALIFIED
                    if unqualified
                    else InspectionResult.QUALIFIED,
                    findings=findings,
                    published=n % 3 == 0,
                    authority=by,
                ),
                today=today,
            )
        await self.cross_jurisdiction_inspections()
        province_pool = [i for i in inspectors if i.region_id == PROVINCE_CODE]
        await draw_inspections(
            authority(PROVINCE_CODE),
            DrawRequest(
                scope=Q(),
                count=6,
                ratio=None,
                region_code=None,
                kind=None,
                inspectors=province_pool,
                per_agency=2,
                seed=PROVINCE_DRAW_SEED,
                published=True,
                authority=PROVINCE_CODE,
            ),
            today=today,
        )
        if sum(a.filing_region_id == XIAMEN for a in active) >= 2:
            await draw_inspections(
                authority(XIAMEN),
                DrawRequest(
                    scope=Q(filing_region_id=XIAMEN),
                    count=2,
                    ratio=None,
                    region_code=XIAMEN,
                    kind=None,
                    inspectors=[i for i in inspectors if i.region_id == XIAMEN],
                    per_agency=2,
                    seed=XIAMEN_DRAW_SEED,
                    published=False,
                    authority=XIAMEN,
                ),
                today=today,
            )

    async def cross_jurisdiction_inspections(self) -> None:
        day = workday(self.today - dt.timedelta(days=45))
        for key, region, by in CROSS_JURISDICTION_INSPECTIONS:
            agency = await self.agency(key)
            sites = Site.filter(agency_id=agency.id).order_by("id")
            if region is not None:
                sites = sites.filter(region_id=region)
            for site in await sites.limit(3):
                await record_inspection(
                    authority(by),
                    agency,
                    NewInspection(
                        site=site,
                        kind=InspectionKind.EXTERNAL,
                        mode=InspectionMode.RANDOM,
                        date=day,
                        result=InspectionResult.QUALIFIED,
                        findings="双随机抽查：考务组织规范。",
                        published=False,
                        authority=by,
                    ),
                    today=self.today,
                )


async def ensure_calendar(day: dt.date) -> None:
    """A notice starting on `day` needs the working-day calendar of its weeks: for a year the
    packaged holiday data does not cover, the province enters one first (server/demo/calendar.py)
    as it would have to before deciding."""
    while True:
        try:
            await working_day_span(day, 5)
            return
        except CalendarMissing as missing:
            await set_working_calendar(
                authority(PROVINCE_CODE), missing.year, stand_in_holidays(missing.year), []
            )


async def seed_demo(today: dt.date | None = None) -> None:
    """Fill an empty, migrated database with the demo dataset (tortoise already initialised)."""
    await ensure_jurisdictions()
    run = _Run(today or current_day(), plan(today or current_day()))
    # One transaction: the operations' own transactions nest in it as savepoints, and the
    # database never holds half a demo.
    async with in_transaction():
        for p in run.plans:
            await run.register(p)
        for p in run.plans:
            await run.add_sites(p)
        for p in run.plans:
            await run.life(p)
        await run.supervision()
