"""Import, sweep and AnalyzeAccount at growing sizes, on the embedded SQLite store.

For each size: generate a set (not timed), import it through the same store code the CLI uses
(`add_transactions` in batches), sweep it with 1 and with 2 worker processes (each runs
partition tasks exactly as a Celery worker would: `run_sweep_partition` on the shared
database, with deps built once per process and the sweep's Parquet snapshot, as
`services.graph.deps` builds them), merge, then time AnalyzeAccount on accounts of typical
degree. Peak memory is the largest resident set of this process or of any worker process
(ru_maxrss); with 2 workers the machine holds about twice a worker's peak.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from services.common.alerts import InMemoryAlertSink
from services.common.db import Database
from services.common.migrate import upgrade
from services.graph.adapters.snapshot import ParquetSnapshots
from services.graph.adapters.store import SqlGraphStore
from services.graph.analyze import AnalyzeCommand, analyze_account
from services.graph.handlers import GraphDeps
from services.graph.ports import Booked
from services.graph.settings import GraphSettings
from services.graph.sweeps import merge_sweep, plan, run_sweep_partition
from services.graph.synthetic import START, GeneratedSet, GeneratorConfig, generate

BATCH = 50_000


@dataclass(frozen=True, slots=True)
class ScaleRow:
    size: int
    import_s: float
    sweep_s: dict[int, float]
    rings: int
    analyze_p50_ms: float
    analyze_p95_ms: float
    peak_mb: float


def _deps(url: str, snapshots: Path | None = None) -> GraphDeps:
    database = Database.from_url(url)
    return GraphDeps(
        GraphSettings(),
        SqlGraphStore(database),
        InMemoryAlertSink(),
        snapshots=ParquetSnapshots(database, snapshots) if snapshots else None,
    )


# One GraphDeps per worker process, as a Celery worker builds them (services.graph.deps).
_WORKER_DEPS: dict[tuple[str, Path], GraphDeps] = {}


def _worker_deps(url: str, snapshots: Path) -> GraphDeps:
    if (url, snapshots) not in _WORKER_DEPS:
        _WORKER_DEPS[(url, snapshots)] = _deps(url, snapshots)
    return _WORKER_DEPS[(url, snapshots)]


def _import(data: GeneratedSet, deps: GraphDeps) -> float:
    frame = data.frame
    started = time.perf_counter()
    for lo in range(0, len(frame), BATCH):
        rows = [
            Booked(_tx(frame, i), float(frame.amount[i]))
            for i in range(lo, min(lo + BATCH, len(frame)))
        ]
        deps.store.add_transactions(rows)
    return time.perf_counter() - started


def _tx(frame: object, i: int):  # type: ignore[no-untyped-def]
    from services.graph.core.model import Transaction

    f = frame
    return Transaction(
        str(f.tx_ids[i]),  # type: ignore[attr-defined]
        str(f.accounts[f.src[i]]),  # type: ignore[attr-defined]
        str(f.accounts[f.dst[i]]),  # type: ignore[attr-defined]
        int(f.ts[i]),  # type: ignore[attr-defined]
        float(f.amount[i]),  # type: ignore[attr-defined]
    )


def _partition_worker(args: tuple[str, Path, str, str]) -> int:
    url, snapshots, sweep_id, key = args
    run_sweep_partition(sweep_id, key, _worker_deps(url, snapshots))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _sweep(url: str, workers: int, partitions: int, days: int) -> tuple[float, int, int]:
    snapshots = Path(url.removeprefix("sqlite:///")).parent / "snapshots"
    deps = _deps(url, snapshots)
    started = time.perf_counter()
    record = plan(
        f"bench-{workers}-{time.time_ns()}", (START, START + days * 86_400), partitions, deps
    )
    jobs = [(url, snapshots, record.id, p["key"]) for p in record.partitions]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        peaks = list(pool.map(_partition_worker, jobs))
    outcome = merge_sweep(record.id, deps)
    return time.perf_counter() - started, len(outcome.rings), max(peaks)


def _typical_accounts(url: str, samples: int = 100) -> list[str]:
    """Accounts of typical degree (40th-60th percentile), the ones officers mostly open."""
    query = sa.text(
        "SELECT account, count(*) FROM (SELECT source AS account FROM graph_transactions "
        "UNION ALL SELECT target FROM graph_transactions) GROUP BY account ORDER BY account"
    )
    with Database.from_url(url).read() as conn:
        rows = conn.execute(query).all()
    degree = np.array([r[1] for r in rows])
    typical = np.flatnonzero(
        (degree >= np.percentile(degree, 40)) & (degree <= np.percentile(degree, 60))
    )
    rng = np.random.default_rng(3)
    chosen = rng.choice(typical, min(samples, typical.shape[0]), replace=False).tolist()
    return [str(rows[a][0]) for a in chosen]


def _analyze(url: str, accounts: list[str]) -> list[float]:
    deps = _deps(url)
    timings = []
    for account in accounts:
        started = time.perf_counter()
        analyze_account(AnalyzeCommand(account), deps)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure(size: int, workers: tuple[int, ...], partitions: int, keep: Path | None) -> ScaleRow:
    """One row of the table. With `keep`, the database is kept in `keep/db-<size>` and a later
    run reuses it (import time then reads 0): a 10M import takes longer than the sweeps."""
    folder = keep / f"db-{size}" if keep else Path(tempfile.mkdtemp(prefix="graph-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'graph.db'}"
    config = GeneratorConfig(seed=1, background=size, accounts=max(size // 10, 2_000))
    import_s = 0.0
    if not (folder / "imported").exists():
        upgrade(url)
        data = generate(config)
        import_s = _import(data, _deps(url))
        del data  # the sweeps read the database, as in production; ~GBs at 10M
        (folder / "imported").touch()
    sample = _typical_accounts(url)
    with Database.from_url(url).read() as conn:
        size = int(conn.execute(sa.text("SELECT count(*) FROM graph_transactions")).scalar_one())
    sweeps: dict[int, float] = {}
    rings, peak = 0, 0
    for count in workers:
        seconds, rings, child_peak = _sweep(url, count, partitions, config.days)
        sweeps[count], peak = seconds, max(peak, child_peak)
    timings = _analyze(url, sample)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return ScaleRow(
        size=size,
        import_s=import_s,
        sweep_s=sweeps,
        rings=rings,
        analyze_p50_ms=statistics.median(timings),
        analyze_p95_ms=float(np.percentile(timings, 95)),
        peak_mb=max(peak, own) / 1024,
    )


def print_rows(rows: list[ScaleRow], workers: tuple[int, ...]) -> None:
    sweep_cols = "".join(f"{f'sweep {w}w s':>13}" for w in workers)
    print(
        f"\n{'transactions':>13}{'import s':>10}{sweep_cols}{'rings':>7}"
        f"{'analyze p50 ms':>16}{'p95 ms':>8}{'peak MB':>9}"
    )
    for r in rows:
        sweeps = "".join(f"{r.sweep_s[w]:>13.1f}" for w in workers)
        imported = f"{r.import_s:>10.1f}" if r.import_s else f"{'reused':>10}"
        print(
            f"{r.size:>13,}{imported}{sweeps}{r.rings:>7}"
            f"{r.analyze_p50_ms:>16.1f}{r.analyze_p95_ms:>8.1f}{r.peak_mb:>9.0f}"
        )
