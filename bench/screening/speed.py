"""Speed: index build, resident memory, single-query latency, bulk throughput."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench.screening.corpus import load_lists
from bench.screening.evalsets import load_people
from bench.screening.grpc_speed import grpc_latency
from services.screening.core.index import CandidateIndex
from services.screening.core.screen import ScreenOptions, screen_many, screen_party
from watchlists.model import Party

_BULK_INDEX: CandidateIndex | None = None


def resident_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def query_mix(data: Path) -> list[Party]:
    """What screening meets: mostly clean applicants, some listed people with typos."""
    folder = data / "watchlists" / "eval" / "yente_candidate_generation"
    return [
        *load_people(folder / "negatives_global.csv", 1500),
        *load_people(folder / "negatives_us.csv", 1000),
        *load_people(folder / "positives_un_treated.csv"),
    ]


def latencies(
    index: CandidateIndex, queries: Sequence[Party], options: ScreenOptions
) -> tuple[list[float], list[float]]:
    """Per-query (wall-clock, CPU) seconds, each sorted. CPU time is what a query costs on an
    idle core; wall-clock also counts waiting for the CPU on this shared machine."""
    wall, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        screen_party(query, index, options)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return sorted(wall), sorted(cpu)


def _percentile(values: list[float], share: float) -> float:
    return values[min(int(len(values) * share), len(values) - 1)] * 1000


def _bulk_worker(chunk: list[Party]) -> int:
    assert _BULK_INDEX is not None
    return len(screen_many(chunk, _BULK_INDEX, ScreenOptions()))


def cpu_rate(index: CandidateIndex, queries: list[Party]) -> float:
    """Parties per CPU-second of one process through `screen_many`: what one idle core does."""
    started = time.process_time()
    screen_many(queries, index, ScreenOptions())
    return len(queries) / (time.process_time() - started)


def bulk_rate(index: CandidateIndex, queries: list[Party], processes: int) -> float:
    """Parties per second through `screen_many`, split over forked processes sharing the index."""
    global _BULK_INDEX  # handed to forked workers by copy-on-write
    _BULK_INDEX = index
    started = time.perf_counter()
    if processes == 1:
        screen_many(queries, index, ScreenOptions())
    else:
        size = len(queries) // processes + 1
        chunks = [queries[i : i + size] for i in range(0, len(queries), size)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_bulk_worker, chunks)
    return len(queries) / (time.perf_counter() - started)


def speed_tables(data: Path, parties: list[Party], index: CandidateIndex, runs: int) -> None:
    """Print build, memory, latency and throughput figures (medians over `runs`)."""
    builds, build_cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        loaded = load_lists(data)
        parsed = time.perf_counter()
        CandidateIndex(loaded)
        builds.append((parsed - started, time.perf_counter() - parsed))
        build_cpu.append(time.process_time() - started_cpu)
    queries = query_mix(data)
    options = ScreenOptions()
    wall50, wall99, cpu50, cpu99 = [], [], [], []
    for _ in range(runs):
        wall, cpu = latencies(index, queries, options)
        wall50.append(_percentile(wall, 0.5))
        wall99.append(_percentile(wall, 0.99))
        cpu50.append(_percentile(cpu, 0.5))
        cpu99.append(_percentile(cpu, 0.99))
    bulk1 = [bulk_rate(index, queries, 1) for _ in range(runs)]
    bulk_cpu = [cpu_rate(index, queries) for _ in range(runs)]
    bulk2 = [bulk_rate(index, queries, 2) for _ in range(runs)]
    through_grpc = grpc_latency(parties, queries[:1000], runs)
    median = statistics.median
    build = median(b[1] for b in builds)
    print(f"\nSpeed ({len(parties)} parties, {index.name_count} names; medians of {runs} runs)")
    print(f"  parse lists (watchlists)       {median(b[0] for b in builds):7.1f} s")
    print(f"  build index                    {build:7.1f} s   (target: load+build <= 30 s)")
    print(f"  parse + build, CPU time        {median(build_cpu):7.1f} s")
    print(f"  resident memory                {resident_mb():7.0f} MB  (target <= 1500)")
    print(f"  queries                        {len(queries):7d}")
    print(f"  query p50 wall / CPU           {median(wall50):7.2f} / {median(cpu50):.2f} ms (<= 1)")
    print(f"  query p99 wall / CPU           {median(wall99):7.2f} / {median(cpu99):.2f} ms (<= 5)")
    print(f"  through gRPC p50 (wall)        {through_grpc:7.2f} ms  (target <= 3)")
    print(f"  bulk, 1 process                {median(bulk1):7.0f} parties/s")
    print(f"  bulk, per CPU-second           {median(bulk_cpu):7.0f} parties/s (one idle core)")
    print(f"  bulk, 2 processes              {median(bulk2):7.0f} parties/s (target >= 3000)")
    print(f"  machine load average           {os.getloadavg()[0]:7.1f}  (2 cores, shared)")
