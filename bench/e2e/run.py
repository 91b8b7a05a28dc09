"""Run a workload against a stack, several times, and print its table."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from bench.e2e import cpu
from bench.e2e.loadgen import Bounds, LoadPlan, RunResult, step_load
from bench.e2e.report import format_cpu, format_table, summarise
from bench.e2e.stacks import Stack, WorkerSpec, embedded_stack, production_stack
from bench.e2e.workloads import (
    Evidence,
    OnboardingFlow,
    ScreeningFlow,
)
from watchlists.model import Party

# Identity work is CPU-bound; decisions, case intake and maintenance get one process each.
SUPPORT_WORKERS = (WorkerSpec(("screening",)), WorkerSpec(("cases", "default")))
MAX_MESSAGE = 32 * 1024 * 1024
StackFactory = Callable[[Path], AbstractAsyncContextManager[Stack]]


@dataclass(frozen=True, slots=True)
class Trial:
    """One table: a workload on one stack, `runs` times."""

    title: str
    plan: LoadPlan
    runs: int


def plan(
    levels: Sequence[int], seconds: float, max_flows: int, bounds: Bounds, warmup: int
) -> LoadPlan:
    return LoadPlan(tuple(levels), seconds, max_flows, bounds, warmup)


def channel(stack: Stack) -> grpc.aio.Channel:
    options = [
        ("grpc.max_send_message_length", MAX_MESSAGE),
        ("grpc.max_receive_message_length", MAX_MESSAGE),
    ]
    return grpc.aio.insecure_channel(stack.address, options=options)


@dataclass(slots=True)
class Measured:
    """The runs of one trial, and the CPU each process role spent per flow in each run."""

    runs: list[RunResult] = field(default_factory=list)
    cpu: list[dict[str, float]] = field(default_factory=list)


async def _measured_run(
    stack: Stack, flow: ScreeningFlow | OnboardingFlow, trial: Trial, measured: Measured
) -> None:
    before = cpu.snapshot(stack.processes)
    result = await step_load(flow, trial.plan, flow.after_level)
    flows = trial.plan.warmup_flows + sum(lv.completed + lv.error_count for lv in result.levels)
    measured.cpu.append(cpu.per_flow_ms(before, cpu.snapshot(stack.processes), flows))
    measured.runs.append(result)


async def screening_runs(stack: Stack, parties: Sequence[Party], trial: Trial) -> Measured:
    measured = Measured()
    async with channel(stack) as chan:
        flow = ScreeningFlow(chan, stack, parties)
        for _ in range(trial.runs):
            await _measured_run(stack, flow, trial, measured)
    return measured


async def onboarding_runs(stack: Stack, evidence: Evidence, trial: Trial) -> Measured:
    measured = Measured()
    async with channel(stack) as chan:
        for _ in range(trial.runs):
            flow = OnboardingFlow(chan, stack, evidence, uuid.uuid4().hex[:8])
            await _measured_run(stack, flow, trial, measured)
            print(f"  outcomes: {dict(sorted(flow.outcomes.items()))}", flush=True)
    return measured


def print_table(trial: Trial, measured: Measured, stages: Sequence[str]) -> str:
    table = format_table(trial.title, summarise(measured.runs, stages), stages)
    table += "\n" + format_cpu(measured.cpu)
    print(table, flush=True)
    return table


@asynccontextmanager
async def production(
    workdir: Path, serve: Sequence[str], workers: Sequence[WorkerSpec]
) -> AsyncIterator[Stack]:
    with production_stack(workdir, serve=serve, workers=workers) as stack:
        yield stack


def screening_stacks(kind: str) -> StackFactory:
    if kind == "embedded":
        return lambda workdir: embedded_stack(workdir, worker_threads=2)
    return lambda workdir: production(workdir, ("screening",), ())


def onboarding_stacks(kind: str, identity_workers: int) -> StackFactory:
    if kind == "embedded":
        return lambda workdir: embedded_stack(workdir, worker_threads=identity_workers)
    workers = (WorkerSpec(("identity",), identity_workers), *SUPPORT_WORKERS)
    return lambda workdir: production(workdir, ("onboarding", "operations"), workers)


@asynccontextmanager
async def started(factory: StackFactory) -> AsyncIterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="warden-e2e-") as folder:
        async with factory(Path(folder)) as stack:
            yield stack
