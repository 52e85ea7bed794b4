"""What every invariant check shares: the rows a check reports, and the facts it reads.

A check reads the database through `Facts`, which loads each kind of row once per run and keeps
it (so the suite reads a table a few times in all, not once per check), limited to some
agencies when the run is. It works alike on PostgreSQL and SQLite: every query goes through
the ORM, and anything dialect-dependent (date arithmetic, JSON) is done in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.agency import Agency, status_q
from models.enums import AgencyStatus, FilingKind, FilingStatus, SanctionStatus
from models.filing import Filing, FilingItem
from models.periods import PERIOD_YEARS, add_years
from models.sanction import Sanction

Row = dict[str, Any]
Pair = tuple[int, str]  # (site id, occupation code): what Art. 12 counts
M = TypeVar("M", bound=Model)

CHUNK = 5000  # ids per IN (...) list: PostgreSQL takes at most 32767 parameters


@dataclass(frozen=True)
class Invariant:
    """A rule of the measures that must hold for every row, whatever happened before."""

    name: str
    article: str  # where the rule comes from, e.g. "第十二条"
    rule: str  # the rule, as the registry's officials would state it
    check: Callable[[Facts], Awaitable[list[Row]]]  # the violating rows
    describe: Callable[[Row], str]  # one violating row, in words


@dataclass(frozen=True)
class Violation:
    invariant: Invariant
    row: Row

    @property
    def message(self) -> str:
        return self.invariant.describe(self.row)

    def line(self) -> str:
        inv = self.invariant
        return f"[{inv.article}] {inv.name}（{inv.rule}）：{self.message}"


def chunks(ids: Iterable[int]) -> list[list[int]]:
    items = sorted(set(ids))
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def plain(value: Any) -> Any:
    """One value as the audit trail's JSON and as a row read back compare alike: enumerations
    by value, dates as ISO text, instants as POSIX seconds (whatever their time zone)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return round(value.timestamp(), 6)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] in "T ":
        try:
            return round(datetime.fromisoformat(value).timestamp(), 6)
        except ValueError:
            return value
    return value


def shown(value: Any) -> str:
    """A stored value in a message; nothing reads as 无."""
    return "无" if value is None else str(value)


def period_of(day: date, periods: Sequence[tuple[date, date]]) -> tuple[date, date] | None:
    for start, end in periods:
        if start <= day <= end:
            return start, end
    return None


def renewal_until(valid_from: date) -> date:
    """Art. 16: an approved renewal runs from the day after the period it extends, through the
    same date three years after that period's end."""
    return add_years(valid_from - timedelta(days=1), PERIOD_YEARS)


class Facts:
    """The rows the checks read, each loaded once per run; limited to `agencies` if given."""

    def __init__(self, today: date, agencies: Iterable[int] | None = None) -> None:
        self.today = today
        self.only: frozenset[int] | None = None if agencies is None else frozenset(agencies)
        self._cache: dict[str, Any] = {}

    @property
    def limited(self) -> bool:
        return self.only is not None

    def of_agencies(self, qs: QuerySet[M], field: str = "agency_id") -> QuerySet[M]:
        if self.only is None:
            return qs
        return qs.filter(**{f"{field}__in": sorted(self.only)})

    def involves(self, agency_ids: Iterable[int]) -> bool:
        return self.only is None or any(a in self.only for a in agency_ids)

    async def once(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self._cache:
            self._cache[key] = await load()
        return self._cache[key]

    # --- agencies ------------------------------------------------------------------------

    async def agencies(self) -> dict[int, Agency]:
        async def load() -> dict[int, Agency]:
            rows = await self.of_agencies(Agency.all(), "id").order_by("id")
            return {a.id: a for a in rows}

        result: dict[int, Agency] = await self.once("agencies", load)
        return result

    async def in_force(self) -> set[int]:
        """Agencies whose derived status is ACTIVE or SUSPENDED today (`status_q`)."""

        async def load() -> set[int]:
            q = status_q(AgencyStatus.ACTIVE, today=self.today) | status_q(
                AgencyStatus.SUSPENDED, today=self.today
            )
            ids: list[Any] = await self.of_agencies(Agency.filter(q), "id").values_list(
                "id", flat=True
            )
            return {int(i) for i in ids}

        result: set[int] = await self.once("in_force", load)
        return result

    async def label(self, agency_id: int) -> str:
        agency = (await self.agencies()).get(agency_id)
        if agency is None:
            return f"机构 {agency_id}"
        return f"机构 {agency_id}「{agency.name}」（{agency.credit_code}）"

    # --- filings -------------------------------------------------------------------------

    async def filings(self) -> list[Filing]:
        async def load() -> list[Filing]:
            return list(await self.of_agencies(Filing.all()).order_by("id"))

        result: list[Filing] = await self.once("filings", load)
        return result

    async def periods(self) -> dict[int, list[tuple[date, date]]]:
        """Each agency's approved filing periods (INITIAL and RENEWAL), earliest first."""

        async def load() -> dict[int, list[tuple[date, date]]]:
            periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
            for f in await self.filings():
                if (
                    f.status is FilingStatus.APPROVED
                    and f.kind in (FilingKind.INITIAL, FilingKind.RENEWAL)
                    and f.valid_from is not None
                    and f.valid_until is not None
                ):
                    periods[f.agency_id].append((f.valid_from, f.valid_until))
            return {a: sorted(p) for a, p in periods.items()}

        result: dict[int, list[tuple[date, date]]] = await self.once("periods", load)
        return result

    async def scope(self) -> dict[int, set[Pair]]:
        """Each agency's scope: the (site, occupation) pairs of its latest approved INITIAL or
        SCOPE_CHANGE filing (each lists the whole scope; a renewal carries it over)."""

        async def load() -> dict[int, set[Pair]]:
            latest: dict[int, Filing] = {}
            for f in await self.filings():
                if (
                    f.status is not FilingStatus.APPROVED
                    or f.kind not in (FilingKind.INITIAL, FilingKind.SCOPE_CHANGE)
                    or f.decided_at is None
                ):
                    continue
                best = latest.get(f.agency_id)
                if best is None or (f.decided_at, f.id) > (best.decided_at, best.id):
                    latest[f.agency_id] = f
            agency_of = {f.id: a for a, f in latest.items()}
            pairs: dict[int, set[Pair]] = defaultdict(set)
            for ids in chunks(agency_of):
                for filing_id, site_id, code in await FilingItem.filter(
                    filing_id__in=ids
                ).values_list("filing_id", "site_id", "occupation_code"):
                    pairs[agency_of[filing_id]].add((site_id, code))
            return dict(pairs)

        result: dict[int, set[Pair]] = await self.once("scope", load)
        return result

    # --- sanctions -----------------------------------------------------------------------

    async def sanctions(self) -> list[Sanction]:
        async def load() -> list[Sanction]:
            return list(await self.of_agencies(Sanction.all()).order_by("id"))

        result: list[Sanction] = await self.once("sanctions", load)
        return result

    async def effective(self) -> list[Sanction]:
        return [s for s in await self.sanctions() if s.status is SanctionStatus.EFFECTIVE]
