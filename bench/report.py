"""The results as a markdown table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.runner import Dataset, Row


@dataclass(frozen=True)
class Context:
    commit: str
    cpus: int
    cpu: str
    postgres: str
    workers: int
    threads: int
    connections: int
    seconds: int
    warmup: int
    rounds: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    total_seconds: float


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.3g}×" if floor else "–"


def _row(row: Row, floor: Row | None) -> str:
    m = row.measured
    rps = _ratio(m.rps, floor.measured.rps) if floor else "–"
    p50 = _ratio(m.p50_ms, floor.measured.p50_ms) if floor else "–"
    p99 = _ratio(m.p99_ms, floor.measured.p99_ms) if floor else "–"
    return (
        f"| {row.n:,} | {row.case.label} | {row.case.actor} | {m.rps:,.1f} | "
        f"{m.p50_ms:,.1f} | {m.p99_ms:,.1f} | {rps} | {p50} | {p99} | {m.failures} |"
    )


def markdown(context: Context, datasets: list[Dataset]) -> str:
    c = context
    lines = [
        "## Benchmark results",
        "",
        f"Commit {c.commit}; {c.cpus} × {c.cpu}; PostgreSQL {c.postgres}; registry and "
        f"floor each on uvicorn with {c.workers} workers (REGISTRY_ENV=production, rate "
        f"limits off); wrk {c.threads} thread(s), {c.connections} connections, "
        f"{c.warmup} s warm-up then {c.seconds} s per measurement, on the same machine; each "
        f"row is the median of {c.rounds} interleaved rounds (Q4: one). Load average before "
        f"{c.load_before[0]:.2f}, after {c.load_after[0]:.2f}.",
        "",
        "| N | query | actor | req/s | p50 ms | p99 ms | req/s ÷ floor | p50 ÷ floor "
        "| p99 ÷ floor | failed |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dataset in datasets:
        floor = next((r for r in dataset.rows if r.case.key == "floor"), None)
        lines += [_row(r, floor) for r in dataset.rows]
    lines += [
        "",
        "Price of the city's authorization (Q2 city req/s ÷ Q2 province req/s): "
        + ", ".join(f"N = {d.n:,}: {_q2_ratio(d)}" for d in datasets)
        + ".",
    ]
    lines += ["", "Resident memory per worker after the load (MiB):"]
    for d in datasets:
        sizes = "; ".join(
            f"{name} " + ", ".join(f"{m:.0f}" for m in mib) for name, mib in d.rss.items()
        )
        lines.append(f"- N = {d.n:,}: {sizes}")
    lines += [
        "",
        "Seeding (create, migrate, `registry seed --scale N`): "
        + ", ".join(
            f"N = {d.n:,} in {d.seed_seconds:.0f} s" if d.seed_seconds else f"N = {d.n:,} reused"
            for d in datasets
        )
        + f". Whole benchmark: {c.total_seconds / 60:.1f} min.",
    ]
    writes = [d for d in datasets if any(r.case.key == "q4_agency" for r in d.rows)]
    for d in writes:
        q4 = next(r for r in d.rows if r.case.key == "q4_agency")
        lines.append(
            f"Q4 at N = {d.n:,}: {q4.measured.expected:,} of "
            f"{q4.measured.requests:,} measured requests were accepted "
            "(SubmitFilingSuccess); everything Q4 wrote was deleted afterwards."
        )
    return "\n".join(lines) + "\n"


def _q2_ratio(dataset: Dataset) -> str:
    rps = {r.case.key: r.measured.rps for r in dataset.rows}
    if "q2_city" in rps and rps.get("q2_province"):
        return f"{rps['q2_city'] / rps['q2_province']:.2f}"
    return "–"
