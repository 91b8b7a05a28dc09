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
from functools import partial
from pathlib import Path
from typing import TypeVar

from watchlists.catalog import Catalog, load_catalog
from watchlists.snapshot import Snapshot, build_snapshot, diff, parse_source
from watchlists.store import SnapshotStore

T = TypeVar("T")


def _timed(action: Callable[[], T], runs: int) -> tuple[float, T]:
    """Median wall time over `runs` runs, and the last result."""
    times: list[float] = []
    results: list[T] = []
    for _ in range(max(runs, 1)):
        gc.collect()
        started = time.perf_counter()
        results.append(action())
        times.append(time.perf_counter() - started)
    return statistics.median(times), results[-1]


def _rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def _row(label: str, seconds: float | None, detail: str) -> None:
    shown = f"{seconds:8.3f}" if seconds is not None else " " * 8
    print(f"| {label:<34} | {shown} | {detail:<36} |")


def _per_source(catalog: Catalog, runs: int) -> None:
    for spec in catalog.active:
        seconds, (_, info) = _timed(partial(parse_source, spec), runs)
        _row(f"parse {spec.id} ({spec.format})", seconds, f"{info.party_count:,} parties")


def _store_figures(snapshot: Snapshot, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as folder:
        store = SnapshotStore(Path(folder))
        save_seconds, _ = _timed(lambda: _fresh_save(store, snapshot), runs)
        size = (store.versions_dir / f"{snapshot.version}.msgpack").stat().st_size
        _row("store save (msgpack + fsync)", save_seconds, f"{size / 1e6:.1f} MB file")
        before = _rss_mb()
        load_seconds, loaded = _timed(lambda: store.load(snapshot.version), runs)
        _row("store load (verify + decode)", load_seconds, f"{len(loaded):,} parties")
        hash_seconds, _ = _timed(lambda: {p.id: p.content_hash() for p in loaded.parties}, runs)
        _row("content hashes (all parties)", hash_seconds, "computed once per snapshot")
        diff_seconds, delta = _timed(lambda: diff(snapshot, loaded), runs)
        _row("diff (hashes cached)", diff_seconds, f"delta {delta.summary()}")
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
    print(f"data root: {catalog.root}; runs: {args.runs}; medians in seconds; load avg {load}")
    print(f"| {'step':<34} | {'seconds':>8} | {'detail':<36} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 38}|")
    _per_source(catalog, args.runs)
    total, snapshot = _timed(lambda: build_snapshot(catalog), args.runs)
    _row("build snapshot (all sources)", total, f"{len(snapshot):,} parties, v {snapshot.version}")
    _store_figures(snapshot, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    _row("peak RSS of this process", None, f"{peak:.0f} MB")
    return 0
