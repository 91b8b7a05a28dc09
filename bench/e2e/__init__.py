"""End-to-end load through gRPC: concurrent flows, stepped until the knee, per-stage latency.

Run: `.venv/bin/python -m bench e2e [--workload=screening,onboarding]
[--stack=embedded,production] [--runs=3] [--seconds=3] [--onboarding-seconds=10]
[--identity-workers=1,2] ...`
(`--help` lists every option). Data: ../shared/data (WARDEN_SHARED_DATA overrides): the real
lists, the screening eval names as the query mix, a specimen passport and a stand-in selfie.
The production stack needs redis-server and the PostgreSQL at WARDEN_TEST_POSTGRES_URL.
Method, figures and what limits throughput: docs/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.e2e.loadgen import Bounds
from bench.e2e.run import (
    Trial,
    onboarding_runs,
    onboarding_stacks,
    plan,
    print_table,
    screening_runs,
    screening_stacks,
    started,
)
from bench.e2e.stacks import production_unavailable
from bench.e2e.workloads import ONBOARDING_STAGES, SCREENING_STAGES, Evidence
from bench.screening.speed import query_mix
from services.identity.core.images import decode_image
from services.identity.demo import HOLDER_PORTRAIT, HOLDER_SELFIE
from services.identity.specimens import (
    ACCEPT_SPECIMENS_ENV,
    VALID_FOR_YEARS,
    HolderFields,
    specimen_jpeg,
)
from tests.conftest import find_shared_data

WORKLOADS = ("screening", "onboarding")
STACKS = ("embedded", "production")


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def _names(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = [part for part in text.split(",") if part]
        unknown = set(names) - set(allowed)
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {sorted(unknown)}; choose from {allowed}")
        return names

    return parse


def parse(argv: list[str]) -> argparse.Namespace:
    """Options of this bench; others (meant for other bench areas) are ignored."""
    parser = argparse.ArgumentParser(prog="python -m bench e2e")
    parser.add_argument("--workload", type=_names(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--stack", type=_names(STACKS), default=list(STACKS))
    parser.add_argument("--runs", type=int, default=3, help="runs per table (medians)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per screening level")
    parser.add_argument("--onboarding-seconds", type=float, default=10.0, help="per level")
    parser.add_argument("--max-flows", type=int, default=20_000, help="per concurrency level")
    parser.add_argument("--screening-levels", type=_ints, default=[1, 2, 4, 8, 16, 32, 64])
    parser.add_argument("--onboarding-levels", type=_ints, default=[1, 2, 4, 8, 16])
    parser.add_argument("--identity-workers", type=_ints, default=[1, 2])
    parser.add_argument("--screening-p95-ms", type=float, default=100.0)
    parser.add_argument("--onboarding-p95-ms", type=float, default=3000.0)
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    return parser.parse_known_args(argv)[0]


def main(argv: list[str]) -> int:
    options = parse(argv)
    data = find_shared_data()
    if data is None:
        print("../shared/data not found (set WARDEN_SHARED_DATA)", file=sys.stderr)
        return 2
    stacks = list(options.stack)
    if "production" in stacks and (why := production_unavailable()):
        print(f"production stack skipped: {why}", flush=True)
        stacks.remove("production")
    if "screening" in options.workload:
        asyncio.run(_screening(options, stacks, data))
    if "onboarding" in options.workload:
        asyncio.run(_onboarding(options, stacks, data))
    return 0


async def _screening(options: argparse.Namespace, stacks: list[str], data: Path) -> None:
    parties = query_mix(data)
    bounds = Bounds(options.screening_p95_ms, options.max_error_rate)
    load = plan(options.screening_levels, options.seconds, options.max_flows, bounds, 50)
    for kind in stacks:
        trial = Trial(f"screening-only (Screen), {kind}", load, options.runs)
        async with started(screening_stacks(kind)) as stack:
            print_table(trial, await screening_runs(stack, parties, trial), SCREENING_STAGES)


def _evidence(data: Path) -> Evidence:
    """A valid synthetic passport for the workload's applicant (bench.e2e.workloads.applicant)
    with a real face on it, and another photo of that person as the selfie: APPROVED when
    nothing is wrong, so every stage, the decision and its records are exercised."""
    holder = HolderFields(
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="L898902C3",
        birth_date=date(1974, 8, 12),
        expiry_date=VALID_FOR_YEARS,
    )
    portrait = decode_image((data / HOLDER_PORTRAIT).read_bytes()).pixels
    return Evidence(specimen_jpeg(holder, portrait), (data / HOLDER_SELFIE).read_bytes())


async def _onboarding(options: argparse.Namespace, stacks: list[str], data: Path) -> None:
    os.environ.update(ACCEPT_SPECIMENS_ENV)  # the embedded stack reads identity settings from here
    evidence = _evidence(data)
    bounds = Bounds(options.onboarding_p95_ms, options.max_error_rate)
    load = plan(options.onboarding_levels, options.onboarding_seconds, options.max_flows, bounds, 3)
    for kind in stacks:
        for workers in options.identity_workers:
            unit = "worker threads" if kind == "embedded" else "identity worker processes"
            trial = Trial(
                f"document + selfie (Evaluate), {kind}, {workers} {unit}", load, options.runs
            )
            async with started(onboarding_stacks(kind, workers)) as stack:
                print_table(trial, await onboarding_runs(stack, evidence, trial), ONBOARDING_STAGES)
