"""Random registry contents for the differential authorization test, written with raw SQL.

A `Dataset` is a handful of agencies across cities and levels, their sites (also in other
cities, and the same address text in several regions), filings of every kind and status whose
items put venues of one agency on the filings of others (shared venues), sanctions published or
not (some escalated from earlier ones), and inspections. Rows are inserted straight into the
tables, as the demo loader does, so an example costs a few statements instead of a dozen API
calls, and the stored state agrees with the filings the way the domain operations leave it
(PENDING exactly until a filing is approved; a closed agency has no open filing).

Everything an example adds, directly or through the mutations it runs, has a primary key above
the `Watermarks` taken before the first example, and `cleanup` deletes exactly those rows, so
the demo data the other test modules rely on is never touched and nothing is left behind.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from hypothesis import strategies as st
from tortoise import BaseDBAsyncClient, connections
from tortoise.transactions import in_transaction

PROVINCE_CODE = "350000"
CITIES = (
    "350100",
    "350200",
    "350300",
    "350400",
    "350500",
    "350600",
    "350700",
    "350800",
    "350900",
    "350128",
)

# Deleted children first; `sanction.escalated_from_id` is cleared before its rows go.
TABLES = (
    "audit_event",
    "announcement",
    "item_claim",
    "inspector_conflict",
    "inspection",
    "filing_item",
    "sanction",
    "filing",
    "site",
    "inspector",
    "draw",
    "agency",
)

OCCUPATIONS = (
    ("6-31-01-03", "电工"),
    ("6-18-02-04", "焊工"),
    ("4-10-01-05", "养老护理员"),
    ("4-03-02-07", "茶艺师"),
)
LEVELS = ("LEVEL_5", "LEVEL_4", "LEVEL_3", "LEVEL_2", "LEVEL_1")
GRADES = {"INTERVIEW": 21, "RECTIFICATION": 22, "REVOCATION": 23}

T = TypeVar("T")

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(region: str) -> str:
    """A random 统一社会信用代码 with its GB 32100-2015 check character."""
    body = f"91{region}" + "".join(secrets.choice(_ALPHABET) for _ in range(9))
    total = sum(_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + _ALPHABET[(31 - total % 31) % 31]


# ============================================================================================
# Specifications (what hypothesis draws; indices point into the same dataset)


@dataclass(frozen=True)
class AgencySpec:
    level: str  # CITY | PROVINCIAL
    city: str  # where a CITY agency is filed
    kind: str
    is_college: bool
    closure: str  # its state once a filing is approved
    valid_days: int  # validUntil - today, once approved
    contact: bool

    @property
    def filing_region(self) -> str:
        return self.city if self.level == "CITY" else PROVINCE_CODE


@dataclass(frozen=True)
class SiteSpec:
    agency: int
    region: str
    address: int  # into a pool of three: the same text recurs in other regions
    tenure: str
    video: bool
    acknowledged: bool


@dataclass(frozen=True)
class ItemSpec:
    site: int
    occupation: int
    level: str


@dataclass(frozen=True)
class FilingSpec:
    agency: int
    kind: str
    status: str
    authority: str | None  # None: the agency's filing region (else an upgrade's history)
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class SanctionSpec:
    agency: int
    grade: str
    status: str
    authority: str | None
    published: bool
    escalated_from: int | None  # an earlier sanction of the same agency


@dataclass(frozen=True)
class InspectionSpec:
    agency: int
    site: int | None
    authority: str | None
    published: bool
    kind: str
    result: str


@dataclass(frozen=True)
class Dataset:
    agencies: tuple[AgencySpec, ...]
    sites: tuple[SiteSpec, ...]
    filings: tuple[FilingSpec, ...]
    sanctions: tuple[SanctionSpec, ...]
    inspections: tuple[InspectionSpec, ...]
    cities: tuple[str, ...]  # the cities it happens in, where actors are most interesting

    def state(self, agency: int) -> str:
        approved = any(f.agency == agency and f.status == "APPROVED" for f in self.filings)
        return self.agencies[agency].closure if approved else "PENDING"

    def authority(self, agency: int, chosen: str | None) -> str:
        return chosen or self.agencies[agency].filing_region


# ============================================================================================
# Strategies


_LEVEL = ("CITY", "PROVINCIAL")
_KIND = ("EMPLOYER", "SOCIAL_ORG")
_CLOSURE = ("ACTIVE", "ACTIVE", "SUSPENDED", "TERMINATED", "REVOKED")
_VALID_DAYS = (-400, -30, -1, 0, 1, 45, 90, 91, 120, 400, 1095)  # EXPIRED, renewal window
_TENURE = ("OWNED", "LONG_TERM_LEASE", "COLLEGE_CAMPUS")
_FILING_KIND = ("INITIAL", "INITIAL", "RENEWAL", "SCOPE_CHANGE", "INFO_CHANGE", "TERMINATION")
_FILING_STATUS = ("SUBMITTED", "APPROVED", "APPROVED", "REJECTED", "WITHDRAWN")
_SANCTION_STATUS = ("EFFECTIVE", "EFFECTIVE", "PROPOSED", "WITHDRAWN")
_INSPECTION_KIND = ("EXTERNAL", "INTERNAL")
_RESULT = ("QUALIFIED", "UNQUALIFIED")

WIDE = st.integers(0, 2**48 - 1)


def _mix(value: int) -> int:
    """A bijection of [0, 2**48) that spreads small numbers over the whole range (0 stays 0)."""
    for multiplier in (0x9E3779B97F4B, 0xBF58476D1CE5):  # odd: invertible modulo 2**48
        value = (value * multiplier) % 2**48
        value ^= value >> 24
    return value


class Choices:
    """Many small choices from few hypothesis draws: each wide integer is spent as digits in
    the bases asked for. A hypothesis draw per choice is most of the cost of generating an
    example, and a small bounded integer comes out as its lower bound about a third of the
    time, so the first option of every choice would dominate. Hypothesis also favours small
    wide integers, whose high digits would all be 0: the digits are taken from the integer
    mixed. 0, where shrinking heads, still means the first option of every choice."""

    def __init__(
        self, draw: Callable[[st.SearchStrategy[int]], int], drawn: Sequence[int] = ()
    ) -> None:
        self._draw = draw
        self._drawn = list(drawn)  # spent first
        self._value = 0
        self._room = 1

    def below(self, n: int) -> int:
        if self._room < n:
            wide = self._drawn.pop(0) if self._drawn else self._draw(WIDE)
            self._value, self._room = _mix(wide), 2**48
        self._value, digit = divmod(self._value, n)
        self._room //= n
        return digit

    def pick(self, options: Sequence[T]) -> T:
        return options[self.below(len(options))]

    def flag(self) -> bool:
        return self.below(2) == 1


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    c = Choices(draw)
    index, pick, flag = c.below, c.pick, c.flag

    # Most rows fall in one to three cities, so that an actor's city usually matters.
    cities = list(dict.fromkeys(pick(CITIES) for _ in range(1 + index(3))))

    def region() -> str:
        return cities[index(len(cities))] if index(3) else pick(CITIES)

    def authority() -> str | None:  # mostly the filing region; else an upgrade's history
        k = index(4)
        return None if k < 2 else PROVINCE_CODE if k == 2 else region()

    agencies = tuple(
        AgencySpec(
            level=pick(_LEVEL),
            city=region(),
            kind=pick(_KIND),
            is_college=flag(),
            closure=pick(_CLOSURE),
            valid_days=pick(_VALID_DAYS),
            contact=index(5) > 0,
        )
        for _ in range(1 + index(5))
    )
    n = len(agencies)

    sites: list[SiteSpec] = []
    for _ in range(index(8)):
        site = SiteSpec(
            agency=index(n),
            region=region(),
            address=index(3),
            tenure=pick(_TENURE),
            video=flag(),
            acknowledged=flag(),
        )
        # A venue is registered once per region (the same text elsewhere is another venue).
        if all((s.region, s.address) != (site.region, site.address) for s in sites):
            sites.append(site)

    filings = []
    for _ in range(index(8)):
        agency, kind, status = index(n), pick(_FILING_KIND), pick(_FILING_STATUS)
        chosen = authority()
        items: list[ItemSpec] = []
        for _ in range(index(4) if sites and kind not in ("INFO_CHANGE", "TERMINATION") else 0):
            item = ItemSpec(
                site=index(len(sites)), occupation=index(len(OCCUPATIONS)), level=pick(LEVELS)
            )
            if item not in items:
                items.append(item)
        filings.append(FilingSpec(agency, kind, status, chosen, tuple(items)))

    sanctions: list[SanctionSpec] = []
    for _ in range(index(5)):
        agency = index(n)
        earlier = [k for k, s in enumerate(sanctions) if s.agency == agency]
        escalated = earlier[index(len(earlier))] if earlier and flag() else None
        sanctions.append(
            SanctionSpec(
                agency, pick(tuple(GRADES)), pick(_SANCTION_STATUS), authority(), flag(), escalated
            )
        )

    inspections = tuple(
        InspectionSpec(
            agency=index(n),
            site=index(len(sites)) if sites and flag() else None,
            authority=authority(),
            published=flag(),
            kind=pick(_INSPECTION_KIND),
            result=pick(_RESULT),
        )
        for _ in range(index(4))
    )

    dataset = Dataset(
        agencies, tuple(sites), tuple(filings), tuple(sanctions), inspections, tuple(cities)
    )
    # A closed agency's open filings were withdrawn when it closed (Art. 17, 23).
    closed = {i for i in range(n) if dataset.state(i) in ("TERMINATED", "REVOKED")}
    return Dataset(
        agencies,
        dataset.sites,
        tuple(
            FilingSpec(f.agency, f.kind, "WITHDRAWN", f.authority, f.items)
            if f.agency in closed and f.status == "SUBMITTED"
            else f
            for f in filings
        ),
        dataset.sanctions,
        inspections,
        dataset.cities,
    )


# ============================================================================================
# Writing and removing rows


@dataclass
class Inserted:
    """Primary keys of one example's rows, in the order of the dataset's lists."""

    tag: str
    agencies: list[int] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sites: list[int] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    filings: list[int] = field(default_factory=list)
    sanctions: list[int] = field(default_factory=list)
    inspections: list[int] = field(default_factory=list)


def _lit(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


NOW = object()  # CURRENT_TIMESTAMP


async def _insert(conn: BaseDBAsyncClient, table: str, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    columns = list(rows[0])
    values = ", ".join(
        "(" + ", ".join("CURRENT_TIMESTAMP" if r[c] is NOW else _lit(r[c]) for c in columns) + ")"
        for r in rows
    )
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} RETURNING id"
    result = await conn.execute_query_dict(sql)
    ids = sorted(int(r["id"]) for r in result)  # keys are handed out in VALUES order
    assert len(ids) == len(rows), (table, ids)
    return ids


_serial = itertools.count(1)


def address_text(tag: str, k: int) -> str:
    # CJK and digits only: the registry's address key (NFKC, case and punctuation folded) of
    # such a text is the text itself.
    return f"福建省差分{tag}路{k}号"


async def insert(ds: Dataset, today: date) -> Inserted:
    """The dataset's rows, in one transaction (one commit: most of the cost on PostgreSQL)."""
    async with in_transaction() as conn:
        return await _insert_all(conn, ds, today)


async def _insert_all(conn: BaseDBAsyncClient, ds: Dataset, today: date) -> Inserted:
    tag = f"{next(_serial)}{secrets.randbelow(10**6):06d}"
    out = Inserted(tag)
    agency_rows = []
    for i, a in enumerate(ds.agencies):
        state = ds.state(i)
        approved = state != "PENDING"
        code = credit_code(a.filing_region if a.level == "CITY" else a.city)
        name = f"差分机构{tag}号{i}"
        out.credit_codes.append(code)
        out.names.append(name)
        agency_rows.append(
            {
                "name": name,
                "credit_code": code,
                "kind": a.kind,
                "is_college": a.is_college and a.kind == "SOCIAL_ORG",
                "level": a.level,
                "filing_region_id": a.filing_region,
                "state": state,
                "first_approved_on": today - timedelta(days=800) if approved else None,
                "valid_until": today + timedelta(days=a.valid_days) if approved else None,
                "banned_until": today + timedelta(days=900) if state == "REVOKED" else None,
                "legal_representative": "差分法人",
                "contact_name": f"联系人{i}" if a.contact else None,
                "contact_phone": f"0591-8{tag[-3:]}{i:04d}" if a.contact else None,
                "created_at": NOW,
            }
        )
    out.agencies = await _insert(conn, "agency", agency_rows)

    site_rows = []
    for n, s in enumerate(ds.sites):
        address = address_text(tag, s.address)
        out.addresses.append(address)
        out.site_names.append(f"差分考点{tag}号{n}")
        site_rows.append(
            {
                "agency_id": out.agencies[s.agency],
                "name": out.site_names[-1],
                "address": address,
                "address_key": address,
                "region_id": s.region,
                "tenure": s.tenure,
                "has_video_surveillance": s.video,
                "acknowledged_at": NOW if s.acknowledged else None,
                "created_at": NOW,
            }
        )
    out.sites = await _insert(conn, "site", site_rows)

    filing_rows = []
    for f in ds.filings:
        decided = f.status in ("APPROVED", "REJECTED")
        dated = decided and f.status == "APPROVED" and f.kind in ("INITIAL", "RENEWAL")
        filing_rows.append(
            {
                "agency_id": out.agencies[f.agency],
                "kind": f.kind,
                "status": f.status,
                "authority_id": ds.authority(f.agency, f.authority),
                "submitted_at": NOW,
                "decided_at": NOW if decided else None,
                "valid_from": today - timedelta(days=800) if dated else None,
                "valid_until": today + timedelta(days=300) if dated else None,
                "reason": "差分驳回" if f.status == "REJECTED" else None,
                "new_name": "差分新名称" if f.kind == "INFO_CHANGE" else None,
                "new_legal_representative": None,
                "imported": False,
            }
        )
    out.filings = await _insert(conn, "filing", filing_rows)
    await _insert(
        conn,
        "filing_item",
        [
            {
                "filing_id": out.filings[n],
                "occupation_code": OCCUPATIONS[i.occupation][0],
                "occupation_name": OCCUPATIONS[i.occupation][1],
                "level": i.level,
                "site_id": out.sites[i.site],
            }
            for n, f in enumerate(ds.filings)
            for i in f.items
        ],
    )

    out.sanctions = await _insert(
        conn,
        "sanction",
        [
            {
                "agency_id": out.agencies[s.agency],
                "article": GRADES[s.grade],
                "clause": 1,
                "grade": s.grade,
                "status": s.status,
                "facts": "差分事实",
                "serious": False,
                "certificates_invalidated": "NONE",
                "authority_id": ds.authority(s.agency, s.authority),
                "decided_at": today - timedelta(days=30),
                "published": s.published,
                "escalated_from_id": None,
                "rectification_deadline": today if s.grade == "RECTIFICATION" else None,
                "rectified_at": None,
                "created_at": NOW,
            }
            for s in ds.sanctions
        ],
    )
    escalations = {
        out.sanctions[n]: out.sanctions[s.escalated_from]
        for n, s in enumerate(ds.sanctions)
        if s.escalated_from is not None
    }
    if escalations:
        cases = " ".join(f"WHEN {k} THEN {v}" for k, v in escalations.items())
        await conn.execute_query(
            f"UPDATE sanction SET escalated_from_id = CASE id {cases} END"
            f" WHERE id IN ({', '.join(map(str, escalations))})"
        )

    out.inspections = await _insert(
        conn,
        "inspection",
        [
            {
                "agency_id": out.agencies[i.agency],
                "site_id": None if i.site is None else out.sites[i.site],
                "kind": i.kind,
                "mode": "RANDOM",
                "date": today - timedelta(days=10),
                "result": i.result,
                "findings": None,
                "published": i.published,
                "authority_id": ds.authority(i.agency, i.authority),
                "created_at": NOW,
            }
            for i in ds.inspections
        ],
    )
    return out


Watermarks = dict[str, int]


async def watermarks() -> Watermarks:
    """The highest primary key of every table an example may write to."""
    conn = connections.get("default")
    sql = "SELECT " + ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {t}) AS {t}" for t in TABLES)
    (row,) = await conn.execute_query_dict(sql)
    return {t: int(row[t]) for t in TABLES}


async def cleanup(marks: Watermarks) -> None:
    """Delete every row above the watermarks: what the example inserted and what its
    mutations wrote (audit events, claims, notices, new sites, filings, sanctions...)."""
    await connections.get("default").execute_script(
        ";\n".join(
            [f"UPDATE sanction SET escalated_from_id = NULL WHERE id > {marks['sanction']}"]
            + [f"DELETE FROM {table} WHERE id > {marks[table]}" for table in TABLES]
        )
    )


async def leftovers(marks: Watermarks) -> dict[str, int]:
    conn = connections.get("default")
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM {t} WHERE id > {marks[t]}) AS {t}" for t in TABLES
    )
    (row,) = await conn.execute_query_dict(sql)
    return {t: int(row[t]) for t in TABLES if row[t]}
