"""The load generator against a tiny in-process stack: it stops by itself and its table is
well formed. Nothing here asserts speed (that is what `python -m bench e2e` is for)."""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bench.e2e import cpu
from bench.e2e.loadgen import (
    END_TO_END,
    Bounds,
    LevelResult,
    LoadPlan,
    RunResult,
    passed_bounds,
    percentile,
    step_load,
)
from bench.e2e.report import format_cpu, format_table, knee, summarise
from bench.e2e.run import channel
from bench.e2e.stacks import embedded_stack
from bench.e2e.workloads import SCREENING_STAGES, ScreeningFlow
from tests.services.screening.support import BASE_LIST, person

QUERIES = (person("q:1", "Vladimir PUTIN"), person("q:2", "Anna Maria ERIKSSON"))


@asynccontextmanager
async def screening_flow(tmp_path: Path) -> AsyncIterator[ScreeningFlow]:
    """Screen through the real server and interceptors, against four listed people."""
    async with (
        embedded_stack(tmp_path, worker_threads=1, lists=BASE_LIST) as stack,
        channel(stack) as chan,
    ):
        yield ScreeningFlow(chan, stack, QUERIES)


def _level(concurrency: int, latencies: list[float], errors: int = 0) -> LevelResult:
    level = LevelResult(concurrency, elapsed_s=1.0)
    for value in latencies:
        level.record({END_TO_END: value})
    if errors:
        level.errors["UNAVAILABLE"] = errors
    return level


def _check_table(table: str, stages: tuple[str, ...], levels: int) -> None:
    lines = table.splitlines()
    header, rule, *rows = [line for line in lines if line.startswith("|")]
    columns = header.count("|") - 1
    assert columns == 3 + len(stages) + 1 + 1  # conc, runs, flows/s, stages, e2e, errors
    assert rule.count("|") - 1 == columns
    assert len(rows) == levels
    assert all(row.count("|") - 1 == columns for row in rows)
    assert sum("← knee" in row for row in rows) == 1


async def test_a_tiny_load_on_an_in_process_stack_stops_at_the_bound(tmp_path: Path) -> None:
    plan = LoadPlan((1, 2, 4, 8), 30.0, 6, Bounds(p95_ms=1e-6), warmup_flows=2)
    async with screening_flow(tmp_path) as flow:
        result = await step_load(flow, plan, flow.after_level)
    assert [level.concurrency for level in result.levels] == [1]
    assert "p95" in (result.stopped_because or "")
    assert result.levels[0].completed == 6  # the flow budget ended the level, not the 30 s
    assert result.levels[0].error_count == 0
    _check_table(
        format_table("t", summarise([result], SCREENING_STAGES), SCREENING_STAGES),
        SCREENING_STAGES,
        1,
    )


async def test_within_bounds_every_level_runs_and_the_table_has_a_row_each(
    tmp_path: Path,
) -> None:
    plan = LoadPlan((1, 3), 30.0, 9, Bounds(p95_ms=math.inf), warmup_flows=1)
    async with screening_flow(tmp_path) as flow:
        runs = [await step_load(flow, plan) for _ in range(2)]
    assert all(run.stopped_because is None for run in runs)
    assert [[lv.completed for lv in run.levels] for run in runs] == [[9, 9], [9, 9]]
    rows = summarise(runs, SCREENING_STAGES)
    assert [(row.concurrency, row.runs) for row in rows] == [(1, 2), (3, 2)]
    _check_table(format_table("t", rows, SCREENING_STAGES), SCREENING_STAGES, 2)


async def test_failing_flows_count_as_errors_and_stop_the_stepping() -> None:
    async def failing(sequence: int) -> Mapping[str, float]:
        if sequence >= 0 and sequence % 2:
            raise RuntimeError("boom")
        return {}

    plan = LoadPlan((1, 2), 30.0, 10, Bounds(p95_ms=math.inf, error_rate=0.1), warmup_flows=1)
    result = await step_load(failing, plan)
    assert len(result.levels) == 1
    assert result.levels[0].errors == {"RuntimeError": 5}
    assert result.stopped_because == "error rate 50.0% > 10.0% at concurrency 1"


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile(list(map(float, range(1, 101))), 0.95) == 95.0
    assert percentile([7.0], 0.99) == 7.0
    assert math.isnan(percentile([], 0.5))


def test_bounds_judge_p95_and_errors() -> None:
    bounds = Bounds(p95_ms=100.0, error_rate=0.05)
    assert passed_bounds(_level(1, [10.0] * 20), bounds) is None
    assert passed_bounds(_level(1, [10.0] * 18 + [500.0] * 2), bounds) == "p95 500 ms > 100 ms"
    assert passed_bounds(_level(1, [10.0] * 9, errors=1), bounds) == "error rate 10.0% > 5.0%"
    assert passed_bounds(_level(1, []), bounds) == "no flow completed"


def test_the_knee_is_the_first_level_near_the_best_throughput() -> None:
    def run(*throughputs: float) -> RunResult:
        levels = [_level(2**i, [1.0] * int(t)) for i, t in enumerate(throughputs)]
        return RunResult(levels, None)

    rows = summarise([run(100, 180, 390, 400, 380)], ())
    assert knee(rows) == 4  # 390 >= 0.9 * 400
    assert knee([]) is None


@pytest.mark.parametrize("runs", [1, 3])
def test_rows_are_medians_over_runs(runs: int) -> None:
    results = [RunResult([_level(1, [float(10 * (r + 1))] * 10)], None) for r in range(runs)]
    (row,) = summarise(results, ())
    assert row.stages[END_TO_END][0] == 10.0 * (runs + 1) / 2


def test_cpu_per_flow_adds_up_the_processes_of_a_role() -> None:
    assert cpu.role("worker-identity-3") == cpu.role("worker-identity-4") == "worker-identity"
    spent = cpu.snapshot({"client": os.getpid(), "gone": 2**22 + 1})
    assert set(spent) == {"client"}  # a process that is gone is left out, not an error
    per_flow = cpu.per_flow_ms({"client": 1.0}, {"client": 3.0, "server": 4.0}, flows=1000)
    assert per_flow == {"client": 2.0, "server": 4.0}
    line = format_cpu([per_flow, {"client": 4.0}])
    assert line == "CPU per flow, ms (median of runs): client 3.00, server 4.00"
