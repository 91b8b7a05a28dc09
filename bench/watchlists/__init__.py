"""Benchmark: parse every shared list, build the snapshot, save and load it, diff versions.

Run: `.venv/bin/python -m bench watchlists [--runs N]` (default 3 runs; figures are medians:
the machine is shared). Data: the default catalog over ../shared/data/watchlists (or
$WARDEN_LISTS_DIR); nothing is generated because the point is the real files. Prints one
table: per-source parse time and party count, the whole snapshot build, store save/load,
the snapshot file size, a full diff, and resident memory.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from watchlists.catalog import Catalog, load_catalog
from watchlists.snapshot import Snapshot, build_snapshot, diff, parse_source
from watchlists.store import SnapshotStore

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timing:
    """Medians of wall-clock and CPU time: on a shared machine the CPU figure is the stable one."""

    wall: float
    cpu: float


def _timed(action: Callable[[], T], runs: int) -> tuple[Timing, T]:
    """Median wall and CPU time over `runs` runs, and the last result."""
    walls: list[float] = []
    cpus: list[float] = []
    results: list[T] = []
    for _ in range(max(runs, 1)):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        results.append(action())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus)), results[-1]


def _rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def _row(label: str, timing: Timing | None, detail: str) -> None:
    wall = f"{timing.wall:8.3f}" if timing else " " * 8
    cpu = f"{timing.cpu:8.3f}" if timing else " " * 8
    print(f"| {label:<34} | {wall} | {cpu} | {detail:<36} |")


def _per_source(catalog: Catalog, runs: int) -> None:
    for spec in catalog.active:
        timing, (_, info) = _timed(partial(parse_source, spec), runs)
        _row(f"parse {spec.id} ({spec.format})", timing, f"{info.party_count:,} parties")


def _store_figures(snapshot: Snapshot, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as folder:
        store = SnapshotStore(Path(folder))
        save_timing, _ = _timed(lambda: _fresh_save(store, snapshot), runs)
        size = (store.versions_dir / f"{snapshot.version}.msgpack").stat().st_size
        _row("store save (msgpack + fsync)", save_timing, f"{size / 1e6:.1f} MB file")
        before = _rss_mb()
        load_timing, loaded = _timed(lambda: store.load(snapshot.version), runs)
        _row("store load (verify + decode)", load_timing, f"{len(loaded):,} parties")
        hash_timing, _ = _timed(lambda: {p.id: p.content_hash() for p in loaded.parties}, runs)
        _row("content hashes (all parties)", hash_timing, "computed once per snapshot")
        diff_timing, delta = _timed(lambda: diff(snapshot, loaded), runs)
        _row("diff (hashes cached)", diff_timing, f"delta {delta.summary()}")
        _row("RSS growth of one loaded snapshot", None, f"{_rss_mb() - before:.0f} MB")


def _fresh_save(store: SnapshotStore, snapshot: Snapshot) -> None:
    for leftover in store.versions_dir.glob("*") if store.versions_dir.exists() else ():
        leftover.unlink()
    store.save(snapshot)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench watchlists")
    parser.add_argument("--runs", type=int, default=3)
    args, _ = parser.parse_known_args(argv)
    catalog = load_catalog()
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"data root: {catalog.root}; runs: {args.runs}; medians; load average {load}")
    print(f"| {'step':<34} | {'wall s':>8} | {'cpu s':>8} | {'detail':<36} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 38}|")
    _per_source(catalog, args.runs)
    total, snapshot = _timed(lambda: build_snapshot(catalog), args.runs)
    _row("build snapshot (all sources)", total, f"{len(snapshot):,} parties, v {snapshot.version}")
    _store_figures(snapshot, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    _row("peak RSS of this process", None, f"{peak:.0f} MB")
    return 0
