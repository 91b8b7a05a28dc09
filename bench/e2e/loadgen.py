"""A bounded, self-stopping, closed-loop load generator (asyncio).

N concurrent flows each run one flow after another for a bounded time (or count); the
concurrency is stepped (1, 2, 4, ...) and stepping stops by itself at the first level whose
end-to-end p95 or error rate passes its bound. Closed loop on purpose: a flow starts only when
the previous one of its lane ended, so an overloaded server slows the generator down instead
of drowning in a queue it can never drain (and the run stays bounded on a shared machine).

A flow is `async (sequence number) -> {stage: milliseconds}`; it raises on failure. The
generator adds the client-side "end_to_end" stage itself.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import grpc

Flow = Callable[[int], Awaitable[Mapping[str, float]]]
# Runs after each level, outside its timing: adds stages read from elsewhere (the database).
AfterLevel = Callable[["LevelResult"], Awaitable[None]]
END_TO_END = "end_to_end"


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where the generator stops stepping: the knee has been passed."""

    p95_ms: float
    error_rate: float = 0.01


@dataclass(frozen=True, slots=True)
class LoadPlan:
    levels: tuple[int, ...]
    seconds_per_level: float
    max_flows_per_level: int
    bounds: Bounds
    warmup_flows: int = 20


@dataclass(slots=True)
class LevelResult:
    """One concurrency level of one run."""

    concurrency: int
    elapsed_s: float = 0.0
    completed: int = 0
    stages: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def throughput(self) -> float:
        return self.completed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def error_rate(self) -> float:
        attempted = self.completed + self.error_count
        return self.error_count / attempted if attempted else 0.0

    def percentile(self, stage: str, share: float) -> float:
        return percentile(self.stages.get(stage, []), share)

    def record(self, timings: Mapping[str, float]) -> None:
        self.completed += 1
        for stage, milliseconds in timings.items():
            self.stages.setdefault(stage, []).append(milliseconds)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (NaN for no values): no interpolation between two samples."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def error_kind(error: BaseException) -> str:
    """A short label: the gRPC status name, else the exception type."""
    if isinstance(error, grpc.aio.AioRpcError):
        return error.code().name
    return type(error).__name__


async def _lane(flow: Flow, result: LevelResult, deadline: float, budget: Counter[str]) -> None:
    while time.perf_counter() < deadline and budget["left"] > 0:
        budget["left"] -= 1
        sequence = budget["next"]
        budget["next"] += 1
        started = time.perf_counter()
        try:
            stages = await flow(sequence)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a failed flow is a data point, not the end of the run
            result.errors[error_kind(error)] += 1
            continue
        result.record({**stages, END_TO_END: (time.perf_counter() - started) * 1000})


async def run_level(
    flow: Flow, concurrency: int, plan: LoadPlan, first_sequence: int = 0
) -> LevelResult:
    """Run `concurrency` lanes until the level's time or flow budget is spent."""
    result = LevelResult(concurrency)
    budget: Counter[str] = Counter(left=plan.max_flows_per_level, next=first_sequence)
    started = time.perf_counter()
    deadline = started + plan.seconds_per_level
    await asyncio.gather(*(_lane(flow, result, deadline, budget) for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - started
    return result


def passed_bounds(level: LevelResult, bounds: Bounds) -> str | None:
    """Why this level is past the knee (None: within bounds)."""
    if level.completed == 0:
        return "no flow completed"
    if level.error_rate > bounds.error_rate:
        return f"error rate {level.error_rate:.1%} > {bounds.error_rate:.1%}"
    p95 = level.percentile(END_TO_END, 0.95)
    if p95 > bounds.p95_ms:
        return f"p95 {p95:.0f} ms > {bounds.p95_ms:.0f} ms"
    return None


@dataclass(slots=True)
class RunResult:
    levels: list[LevelResult]
    stopped_because: str | None


async def _nothing_after(level: LevelResult) -> None:
    return None


async def step_load(
    flow: Flow, plan: LoadPlan, after_level: AfterLevel = _nothing_after
) -> RunResult:
    """Warm up, then step through the levels until one passes the bounds (or none is left)."""
    for sequence in range(plan.warmup_flows):
        await flow(-1 - sequence)
    await after_level(LevelResult(0))  # forget what the warm-up left behind
    levels: list[LevelResult] = []
    sequence = 0
    for concurrency in plan.levels:
        level = await run_level(flow, concurrency, plan, sequence)
        sequence += level.completed + level.error_count
        await after_level(level)
        levels.append(level)
        reason = passed_bounds(level, plan.bounds)
        if reason is not None:
            return RunResult(levels, f"{reason} at concurrency {concurrency}")
    return RunResult(levels, None)
