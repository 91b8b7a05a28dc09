"""Re-screening throughput after a list update: monitored customers per second against a delta.

Run: `.venv/bin/python -m bench screening --mode=rescreen [--customers=20000] [--delta=500]
[--planted=50] [--runs=3] [--real-delta]`.

- Lists: the shipped catalog over ../shared/data/watchlists (what `warden lists load` loads) is
  the new version. The old version is derived from it: `--delta` entries removed (so the new
  version adds them) and a fifth as many with their aliases cut (so it changes them), sampled
  with a fixed seed. `--real-delta` also runs the real OFAC SDN change 2021-07-07 -> 2024-05-03
  (every other list the same), some 13,700 entries.
- Customers: `--customers` monitored parties, stored encrypted in SQLite through the real
  `SqlCustomerStore`: `--planted` of them carry the primary name of a sampled added or changed
  entry, the rest are people from the shared yente negative sets (global, then US).
- Work: what the task does — read the old version from a snapshot store and diff it against
  the live one (`delta_to_rescreen`), then the real `rescreen_delta` handler (delta index,
  decryption, screening, suppression look-ups, alerts into a counting sink instead of case
  intake) — as one partition in this process, and as 2 partitions in 2 forked processes
  sharing nothing but the lists (each opens its own database connection and snapshot store):
  what two `warden worker -Q screening` processes do, without the broker. Checks: every
  planted (customer, entry) alert is raised, exactly once across the partitions, and both
  splits raise the same alerts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench.screening.evalsets import load_people
from services.common.alerts import Alert
from services.common.crypto import KeyRing, generate_key_spec
from services.common.db import Database
from services.common.migrate import upgrade
from services.screening.adapters.stores import SqlCustomerStore, SqlSuppressionStore
from services.screening.adapters.tables import screening_customers
from services.screening.core.index import CandidateIndex
from services.screening.handlers import RescreenReport, ScreeningDeps, rescreen_delta
from services.screening.ports import WHOLE, Partition, StaticLists
from services.screening.rescreen import delta_to_rescreen
from watchlists.catalog import DEFAULT_CATALOG, catalog_from_entries, load_catalog
from watchlists.model import Name, Party, Schema
from watchlists.snapshot import Delta, Snapshot, build_snapshot, diff
from watchlists.store import SnapshotStore

NOW = datetime(2026, 11, 29, tzinfo=UTC)
SEED = 20261129
Pair = tuple[str, str]  # (customer reference, entry reference) of one raised alert
Sizes = dict[str, int]  # customers, delta, planted, runs
PLANTED = "planted:"


class CountingSink:
    """Every alert raised, duplicates included (the real sink is idempotent by key)."""

    def __init__(self) -> None:
        self.raised: list[Pair] = []

    def raise_alert(self, alert: Alert) -> None:
        self.raised.append((alert.subject_id, alert.related_subjects[0]))


@dataclass(frozen=True, slots=True)
class Setup:
    delta: Delta
    customers: int
    planted: dict[Pair, str]  # planted (customer, entry) -> the entry's name
    url: str
    key_ring: KeyRing
    lists: StaticLists
    versions: Path  # a snapshot store holding the old and the new version
    live: Snapshot  # the new version as a worker holds it (read from the store)


_SETUP: Setup | None = None  # handed to forked partition processes by copy-on-write


def _clock() -> datetime:
    return NOW


def derived_old_version(new: Snapshot, size: int) -> Snapshot:
    """`new` without `size` entries and with `size // 5` others' aliases cut (fixed seed)."""
    rng = random.Random(SEED)
    chosen = rng.sample(range(len(new.parties)), size + size // 5)
    removed = set(chosen[:size])
    with_aliases = [i for i in chosen[size:] if len(new.parties[i].names) > 1]
    cut = {i: replace(new.parties[i], names=new.parties[i].names[:1]) for i in with_aliases}
    parties = tuple(cut.get(i, p) for i, p in enumerate(new.parties) if i not in removed)
    return Snapshot(f"{new.version}-minus-{size}", NOW, new.sources, parties)


def sdn_2021_version(data: Path) -> Snapshot:
    """The shipped catalog with OFAC SDN read from its 2021-07-07 files (with alt/add/comments)."""
    document = yaml.safe_load(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    for entry in document["sources"]:
        if entry["id"] == "ofac_sdn":
            folder = "ofac_sdn/2021-07-07"
            entry["files"] = {
                "primary": f"{folder}/sdn.csv",
                "alt": f"{folder}/alt.csv",
                "addresses": f"{folder}/add.csv",
                "comments": f"{folder}/sdn_comments.csv",
            }
            entry["as_of"] = "2021-07-07"
    return build_snapshot(catalog_from_entries(data / "watchlists", document["sources"]))


def planted_customers(delta: Delta, planted: int) -> tuple[list[Party], dict[Pair, str]]:
    """`planted` customers named after sampled added or changed entries (no vessels), and the
    (customer, entry) alert each must raise."""
    rng = random.Random(SEED)
    entries = [*delta.added, *(new for _, new in delta.changed)]
    targets = rng.sample([e for e in entries if e.schema is not Schema.VESSEL], planted)
    plants = [
        Party(f"{PLANTED}{n:04d}", e.schema, (Name(e.primary_name.full),))
        for n, e in enumerate(targets)
    ]
    expected = {(p.id, e.id): e.primary_name.full for p, e in zip(plants, targets, strict=True)}
    return plants, expected


def negative_customers(data: Path, count: int) -> list[Party]:
    """The first `count` people of the yente negative sets (global, then US)."""
    folder = data / "watchlists" / "eval" / "yente_candidate_generation"
    negatives = load_people(folder / "negatives_global.csv", count)
    return negatives + load_people(folder / "negatives_us.csv", count - len(negatives))


def store_customers(url: str, key_ring: KeyRing, parties: list[Party]) -> None:
    """Enrol `parties` as monitored customers (encrypted), as Screen(monitor=true) does."""
    database = Database.from_url(url)
    store = SqlCustomerStore(database, key_ring)
    for party in parties:
        store.upsert(party, NOW)
    database.dispose()


def remove_planted(url: str) -> None:
    """Take the previous scenario's planted customers out (the store has no delete)."""
    database = Database.from_url(url)
    with database.begin() as conn:
        conn.execute(
            screening_customers.delete().where(screening_customers.c.reference.startswith(PLANTED))
        )
    database.dispose()


def _run_partition(partition: Partition) -> tuple[RescreenReport, list[Pair], float, float]:
    """One partition with its own database connection: (report, alerts, wall s, CPU s)."""
    assert _SETUP is not None
    database = Database.from_url(_SETUP.url)
    sink = CountingSink()
    deps = ScreeningDeps(
        lists=_SETUP.lists,
        customers=SqlCustomerStore(database, _SETUP.key_ring),
        suppressions=SqlSuppressionStore(database),
        alerts=sink,
        clock=_clock,
    )
    started, started_cpu = time.perf_counter(), time.process_time()
    # What the task does first: read the old version, diff it against the live one.
    delta = delta_to_rescreen(SnapshotStore(_SETUP.versions), _SETUP.delta.old_version, _SETUP.live)
    report = rescreen_delta(delta, _SETUP.delta.new_version, deps, partition)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    database.dispose()
    return report, sink.raised, wall, cpu


@dataclass
class Measured:
    one: list[float]  # customers/s, 1 partition in this process
    one_cpu: list[float]  # customers per CPU-second, same runs
    two: list[float]  # customers/s, 2 partitions in 2 processes (wall, dispatch to both done)
    two_cpu: list[float]  # customers per CPU-second of the two processes together
    alerts: list[Pair]
    checks: list[str]


def measure(setup: Setup, runs: int) -> Measured:
    """`runs` timings of each split, and the checks on the alerts they raised."""
    global _SETUP
    _SETUP = setup
    result = Measured([], [], [], [], [], [])
    # As a worker does once a list version is installed (`freeze_long_lived`): forked children
    # then do not copy every page of the lists while the cyclic collector walks them.
    gc.collect()
    gc.freeze()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for _ in range(runs):
            report, raised, wall, cpu = _run_partition(WHOLE)
            result.one.append(report.customers / wall)
            result.one_cpu.append(report.customers / cpu)
            started = time.perf_counter()
            halves = pool.map(_run_partition, [Partition(0, 2), Partition(1, 2)])
            result.two.append(setup.customers / (time.perf_counter() - started))
            result.two_cpu.append(setup.customers / sum(cpu for *_, cpu in halves))
            result.alerts = raised
            result.checks = check(setup, report, raised, halves)
    return result


def check(
    setup: Setup,
    whole: RescreenReport,
    raised: list[Pair],
    halves: list[tuple[RescreenReport, list[Pair], float, float]],
) -> list[str]:
    """What is wrong with the alerts (empty: planted hits found once, splits agree)."""
    problems = []
    split = [pair for _, pairs, _, _ in halves for pair in pairs]
    counts = Counter(split)
    for pair, name in setup.planted.items():
        if counts[pair] != 1 or pair not in raised:
            problems.append(f"planted {pair} ({name}): raised {counts[pair]}x over 2 partitions")
    if sorted(split) != sorted(raised):
        problems.append("2 partitions raised other alerts than 1 partition")
    if sum(r.customers for r, _, _, _ in halves) != whole.customers != setup.customers:
        problems.append("the partitions did not cover every customer exactly once")
    if min(r.customers for r, _, _, _ in halves) == 0:
        problems.append("a partition was empty")
    return problems


def fixed_costs(setup: Setup) -> tuple[float, float]:
    """What every partition pays before its first customer, in seconds: reading the old
    version and diffing it against the live one; indexing the delta's entries."""
    started = time.perf_counter()
    delta_to_rescreen(SnapshotStore(setup.versions), setup.delta.old_version, setup.live)
    diffed = time.perf_counter()
    entries = [*setup.delta.added, *(new for _, new in setup.delta.changed)]
    CandidateIndex(entries, setup.lists.current[1].index.stats)
    return diffed - started, time.perf_counter() - diffed


def run_scenario(title: str, setup: Setup, runs: int) -> list[str]:
    """Measure and print one delta's table; returns the failed checks."""
    load_before = os.getloadavg()[0]
    diff_s, index_s = fixed_costs(setup)
    got = measure(setup, runs)
    load_after = os.getloadavg()[0]
    median = statistics.median
    added, changed = len(setup.delta.added), len(setup.delta.changed)
    planted_pairs = set(setup.planted)
    found = sum(1 for pair in planted_pairs if pair in set(got.alerts))
    others = len({p for p in got.alerts if p not in planted_pairs})
    one, two = median(got.one), median(got.two)
    print(f"\nRe-screening: {title} (medians of {runs} runs)")
    print(f"  delta entries (added / changed)  {added + changed:7,} ({added:,} / {changed:,})")
    print(f"  monitored customers              {setup.customers:7,}")
    print(f"  planted hits found once          {found:7,} / {len(planted_pairs)}")
    print(f"  other alerts (negatives)         {others:7,}")
    print(f"  read old version + diff, per partition {diff_s:5.2f} s")
    print(f"  delta index build, per partition {index_s:7.2f} s")
    print(f"  1 partition, 1 process           {one:7,.0f} customers/s  (runs {_span(got.one)})")
    print(f"  1 partition, per CPU-second      {median(got.one_cpu):7,.0f} customers/s")
    print(f"  2 partitions, 2 processes        {two:7,.0f} customers/s  (runs {_span(got.two)})")
    print(f"  2 partitions, per CPU-second     {median(got.two_cpu):7,.0f} customers/s")
    print(f"  2 processes / 1 process          {two / one:7.2f}x")
    print(f"  load average before / after      {load_before:7.1f} / {load_after:.1f}  (2 cores)")
    for problem in got.checks:
        print(f"  CHECK FAILED: {problem}")
    return got.checks


def _span(values: list[float]) -> str:
    return f"{min(values):,.0f}-{max(values):,.0f}"


def _setup(url: str, key_ring: KeyRing, old: Snapshot, new: Snapshot, sizes: Sizes) -> Setup:
    delta = diff(old, new)
    remove_planted(url)
    plants, expected = planted_customers(delta, sizes["planted"])
    store_customers(url, key_ring, plants)
    versions = Path(url.removeprefix("sqlite:///")).parent / f"versions-{old.version}"
    store = SnapshotStore(versions)
    store.save(old, make_current=False)
    store.save(new)
    lists = StaticLists(new.parties, _clock)
    live = store.load(new.version)
    return Setup(delta, sizes["customers"], expected, url, key_ring, lists, versions, live)


def rescreen_bench(data: Path, sizes: Sizes, real_delta: bool) -> int:
    """Print the derived-delta table (and the real OFAC SDN one); 1 if a check failed."""
    started = time.perf_counter()
    new = build_snapshot(load_catalog(None, data_root=data / "watchlists"))
    took = time.perf_counter() - started
    print(f"{len(new.parties):,} parties in the new version (parsed in {took:.1f} s)")
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rescreen-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'rescreen.db'}"
        upgrade(url)
        key_ring = KeyRing.parse(generate_key_spec())
        started = time.perf_counter()
        store_customers(
            url, key_ring, negative_customers(data, sizes["customers"] - sizes["planted"])
        )
        took = time.perf_counter() - started
        print(f"  enrolled {sizes['customers']:,} customers in {took:.1f} s")
        setup = _setup(url, key_ring, derived_old_version(new, sizes["delta"]), new, sizes)
        failed += run_scenario(f"derived delta of {sizes['delta']:,}", setup, sizes["runs"])
        if real_delta:
            setup = _setup(url, key_ring, sdn_2021_version(data), new, sizes)
            title = "real OFAC SDN 2021-07-07 -> 2024-05-03"
            failed += run_scenario(title, setup, sizes["runs"])
    return 1 if failed else 0
