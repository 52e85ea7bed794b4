"""The record itself: every change has its audit event and the trail agrees with the rows
(Art. 11); a city acknowledges only provincial agencies' venues (Art. 4); every draw can be
re-run to the same result (Art. 20)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tortoise.functions import Count, Max
from tortoise.models import Model

from models.agency import Agency
from models.announcement import Announcement
from models.audit import AuditEvent
from models.draw import Draw, verify
from models.enums import AgencyLevel, FilingStatus
from models.filing import Filing
from models.inspection import Inspection, Inspector
from models.invariants.base import Facts, Invariant, Row, chunks, plain
from models.sanction import Sanction
from models.site import Site
from models.snapshot import snapshot

# What makes each kind of row (the audit trail's object type and the actions creating it), and
# the columns its last audit event must show as the row holds them.
MADE_BY: dict[type[Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    Agency: (("registerAgency",), ()),  # the whole row: see `_agency_chain`
    Site: (("addSite",), ("name", "address", "acknowledged_at")),
    Filing: (
        ("submitFiling", "importFiling"),
        ("status", "decided_at", "valid_from", "valid_until"),
    ),
    Sanction: (
        ("issueSanction", "proposeSanction"),
        ("status", "decided_at", "published", "rectified_at"),
    ),
    Inspection: (("recordInspection",), ("result", "date", "published")),
    Announcement: (("announce",), ("kind", "start_date", "end_date")),
    Inspector: (("registerInspector",), ("name", "region_id")),
    Draw: (("drawInspections",), ("seed", "published")),
}
_BY_AGENCY = (Agency, Site, Filing, Sanction, Inspection, Announcement)
_DECISIONS = ("decideFiling", "withdrawFiling")
_NAMES = {
    Agency: "机构",
    Site: "场所",
    Filing: "备案",
    Sanction: "违规处理",
    Inspection: "督导",
    Announcement: "公告",
    Inspector: "督导人员",
    Draw: "双随机抽取",
}


def _models(facts: Facts) -> list[type[Model]]:
    """Inspectors and draws belong to no agency: checked only in a run over all agencies."""
    return [m for m in MADE_BY if not facts.limited or m in _BY_AGENCY]


async def _rows(facts: Facts, model: type[Model]) -> list[Row]:
    """The rows of one kind, as plain pictures with the columns the checks compare."""
    rows: list[Row] = await facts.once(f"rows:{model.__name__}", lambda: _load(facts, model))
    return rows


async def _load(facts: Facts, model: type[Model]) -> list[Row]:
    cached: dict[type[Model], list[Any]] = (
        {
            Agency: list((await facts.agencies()).values()),
            Filing: await facts.filings(),
            Sanction: await facts.sanctions(),
        }
        if model in (Agency, Filing, Sanction)
        else {}
    )
    if model in cached:
        return [snapshot(r) for r in cached[model]]
    columns = ("id", *(("agency_id",) if model in _BY_AGENCY else ()), *MADE_BY[model][1])
    qs = model.all()
    if model in _BY_AGENCY:
        qs = facts.of_agencies(qs)
    return list(await qs.order_by("id").values(*columns))


def _events(facts: Facts, model: type[Model]) -> Any:
    events = AuditEvent.filter(object_type=model.__name__)
    return facts.of_agencies(events) if model in _BY_AGENCY else events


async def audit_event_missing(facts: Facts) -> list[Row]:
    """Every row has the one event that made it, every decided filing the event deciding it,
    and every event names a row that exists."""
    found: list[Row] = []
    for model in _models(facts):
        creators, _ = MADE_BY[model]
        made = {
            str(o): n
            for o, n in await _events(facts, model)
            .filter(action__in=creators)
            .annotate(n=Count("id"))
            .group_by("object_id")
            .values_list("object_id", "n")
        }
        rows = await _rows(facts, model)
        ids = {str(r["id"]) for r in rows}
        found.extend(
            {
                "object": _NAMES[model],
                "id": r["id"],
                **_owner(model, r),
                "problem": f"有 {made.get(str(r['id']), 0)} 条创建记录"
                f"（{'/'.join(creators)}），应为 1 条",
            }
            for r in rows
            if made.get(str(r["id"]), 0) != 1
        )
        named = set(await _events(facts, model).distinct().values_list("object_id", flat=True))
        found.extend(
            {"object": _NAMES[model], "id": object_id, "problem": "审计记录所指的对象不存在"}
            for object_id in sorted(named - ids)
        )
        if model is Filing:
            decided = {
                str(o)
                for o in await _events(facts, model)
                .filter(action__in=_DECISIONS)
                .distinct()
                .values_list("object_id", flat=True)
            }
            found.extend(
                {
                    "object": "备案",
                    "id": f["id"],
                    "agency_id": f["agency_id"],
                    "problem": f"状态为 {f['status']}，没有决定记录",
                }
                for f in rows
                if f["status"] != FilingStatus.SUBMITTED.value
                and not f["imported"]
                and str(f["id"]) not in decided
            )
    return found


def _owner(model: type[Model], row: Row) -> dict[str, int]:
    """The agency a row belongs to, for the message."""
    if model is Agency:
        return {"agency_id": row["id"]}
    return {"agency_id": row["agency_id"]} if "agency_id" in row else {}


def _missing(row: Row) -> str:
    whose = f"（{row['agency']}）" if "agency" in row and row["object"] != "机构" else ""
    if row["object"] == "机构" and "agency" in row:
        return f"{row['agency']}：{row['problem']}"
    return f"{row['object']} {row['id']}{whose}：{row['problem']}"


def _differs(
    a: dict[str, Any] | None, b: dict[str, Any] | None, columns: tuple[str, ...] = ()
) -> list[str]:
    a, b = a or {}, b or {}
    if not columns and a == b:
        return []
    keys = columns or tuple(sorted(set(a) | set(b)))
    return [k for k in keys if a.get(k) != b.get(k) and plain(a.get(k)) != plain(b.get(k))]


async def _agency_chain(facts: Facts) -> list[Row]:
    """An agency's events chain: each starts from the picture the one before left, the first
    from nothing, and the last shows the row as it is (a lost update shows as two events
    starting from the same picture)."""
    events: dict[str, list[tuple[int, str, Any, Any]]] = defaultdict(list)
    for event_id, object_id, action, before, after in (
        await _events(facts, Agency)
        .order_by("id")
        .values_list("id", "object_id", "action", "before", "after")
    ):
        events[object_id].append((event_id, action, before, after))
    found: list[Row] = []
    for agency in (await facts.agencies()).values():
        chain = events.get(str(agency.id), [])
        previous: dict[str, Any] | None = None
        for n, (event_id, action, before, after) in enumerate(chain):
            if diff := _differs(previous, before) if n else (["before"] if before else []):
                found.append(
                    {
                        "object": "机构",
                        "id": agency.id,
                        "agency_id": agency.id,
                        "problem": f"审计记录 {event_id}（{action}）的变更前内容与上一条记录的结果"
                        f"不一致：{', '.join(diff)}",
                    }
                )
            previous = after
        if chain and (diff := _differs(previous, snapshot(agency))):
            found.append(
                {
                    "object": "机构",
                    "id": agency.id,
                    "agency_id": agency.id,
                    "problem": f"当前数据与最后一条审计记录不一致：{', '.join(diff)}",
                }
            )
    return found


async def audit_disagrees(facts: Facts) -> list[Row]:
    """The last event about each row shows what the row holds."""
    found = await _agency_chain(facts)
    for model in _models(facts):
        _, columns = MADE_BY[model]
        if not columns:
            continue
        last = {
            str(o): int(i)
            for o, i in await _events(facts, model)
            .annotate(last=Max("id"))
            .group_by("object_id")
            .values_list("object_id", "last")
        }
        after: dict[str, Any] = {}
        for ids in chunks(last.values()):
            after.update(await AuditEvent.filter(id__in=ids).values_list("object_id", "after"))
        for r in await _rows(facts, model):
            picture = after.get(str(r["id"]))
            if picture is None:
                continue  # no event at all: audit_event_missing says so
            if diff := _differs(picture, r, columns):
                found.append(
                    {
                        "object": _NAMES[model],
                        "id": r["id"],
                        **_owner(model, r),
                        "problem": f"当前数据与最后一条审计记录不一致：{', '.join(diff)}",
                    }
                )
    return found


async def acknowledged_provincial(facts: Facts) -> list[Row]:
    """Art. 4: a city registers (报备) the venues of provincial agencies only."""
    sites = facts.of_agencies(
        Site.filter(acknowledged_at__isnull=False, agency__level=AgencyLevel.CITY)
    )
    return [
        {"site_id": site_id, "agency_id": agency_id}
        for site_id, agency_id in await sites.order_by("id").values_list("id", "agency_id")
    ]


def _acknowledged(row: Row) -> str:
    return f"{row['agency']} 为市级机构，其场所 {row['site_id']} 却有报备记录"


async def draws_reproducible(facts: Facts) -> list[Row]:
    """Art. 20: re-running a draw from its stored seed and snapshots gives its assignments."""
    if facts.limited:
        return []
    return [
        {"draw_id": d.id, "authority": d.authority_id}
        for d in await Draw.all().order_by("id")
        if not verify(d)
    ]


def _draw(row: Row) -> str:
    return f"{row['authority']} 的双随机抽取 {row['draw_id']} 按其种子与快照重新抽取，结果不一致"


INVARIANTS = [
    Invariant(
        "art4_acknowledged_provincial",
        "第四条",
        "市级部门报备的只是省级机构设在本市的场所",
        acknowledged_provincial,
        _acknowledged,
    ),
    Invariant(
        "art11_audit_event_missing",
        "第十一条",
        "每项变更都有审计记录，每条审计记录都对应存在的对象",
        audit_event_missing,
        _missing,
    ),
    Invariant(
        "art11_audit_disagrees",
        "第十一条",
        "审计记录前后衔接，最后一条与当前数据一致",
        audit_disagrees,
        _missing,
    ),
    Invariant(
        "art20_draws_reproducible",
        "第二十条",
        "双随机抽取可按种子与快照复核",
        draws_reproducible,
        _draw,
    ),
]
