"""The load table: one row per concurrency, medians over runs, the knee marked.

The knee is the lowest concurrency that already reaches 90 % of the best throughput: beyond
it, more concurrent flows only queue (latency grows, throughput does not). A row whose level
passed the bounds in a run is marked with the reason the generator stopped.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.e2e.loadgen import END_TO_END, RunResult

KNEE_SHARE = 0.9
SHARES = (0.50, 0.95, 0.99)


@dataclass(frozen=True, slots=True)
class Row:
    concurrency: int
    runs: int
    throughput: float
    stages: dict[str, tuple[float, float, float]]
    errors: int
    stopped: str


def _median(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


def summarise(runs: Sequence[RunResult], stages: Sequence[str]) -> list[Row]:
    """Median over runs of each level's throughput and per-stage p50/p95/p99."""
    concurrencies = sorted({level.concurrency for run in runs for level in run.levels})
    rows = []
    for concurrency in concurrencies:
        levels = [lv for run in runs for lv in run.levels if lv.concurrency == concurrency]
        stopped = [
            run.stopped_because or ""
            for run in runs
            if run.levels and run.levels[-1].concurrency == concurrency and run.stopped_because
        ]
        rows.append(
            Row(
                concurrency=concurrency,
                runs=len(levels),
                throughput=_median([lv.throughput for lv in levels]),
                stages={
                    stage: tuple(  # type: ignore[misc]  # always three shares
                        _median([lv.percentile(stage, share) for lv in levels]) for share in SHARES
                    )
                    for stage in (*stages, END_TO_END)
                },
                errors=sum(lv.error_count for lv in levels),
                stopped="; ".join(stopped),
            )
        )
    return rows


def knee(rows: Sequence[Row]) -> int | None:
    """The concurrency of the knee (None for an empty table)."""
    if not rows:
        return None
    best = max(row.throughput for row in rows)
    return next(row.concurrency for row in rows if row.throughput >= KNEE_SHARE * best)


def _cell(values: tuple[float, float, float]) -> str:
    return "/".join("-" if math.isnan(v) else f"{v:.0f}" if v >= 10 else f"{v:.1f}" for v in values)


def format_table(title: str, rows: Sequence[Row], stages: Sequence[str]) -> str:
    """A Markdown table (pastes into docs as it is); latencies as p50/p95/p99 in ms."""
    columns = (*stages, END_TO_END)
    header = ["conc", "runs", "flows/s", *[f"{c} p50/p95/p99 ms" for c in columns], "errors"]
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    knee_at = knee(rows)
    for row in rows:
        mark = " ← knee" if row.concurrency == knee_at else ""
        cells = [
            f"{row.concurrency}{mark}",
            str(row.runs),
            f"{row.throughput:.1f}",
            *[_cell(row.stages[c]) for c in columns],
            str(row.errors),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.extend(f"stopped at {row.concurrency}: {row.stopped}" for row in rows if row.stopped)
    return "\n".join(lines)


def format_cpu(per_run: Sequence[Mapping[str, float]]) -> str:
    """One line: median over runs of the CPU milliseconds per flow of each process role."""
    roles = sorted({role for run in per_run for role in run})
    cells = [
        f"{role} {_median([run[role] for run in per_run if role in run]):.2f}" for role in roles
    ]
    return "CPU per flow, ms (median of runs): " + ", ".join(cells)
