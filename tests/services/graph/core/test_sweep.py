from __future__ import annotations

from dataclasses import replace

import pytest

from services.common.errors import InvalidArgument
from services.graph.core.detectors import DetectorConfig, run_detectors
from services.graph.core.detectors.cycles import CycleParams
from services.graph.core.detectors.fan import FanParams
from services.graph.core.detectors.scatter import GatherScatterParams
from services.graph.core.frame import TransactionFrame
from services.graph.core.model import DAY, Finding, Typology
from services.graph.core.scope import BUCKETS, account_bucket
from services.graph.core.sweep import (
    PlanOptions,
    merge_partition_results,
    plan_sweep,
    run_partition,
)
from tests.services.graph.core.graphs import T0, background, chain, frame_of, tx

# Short feature horizons so that time slices really read different windows of the data.
CONFIG = DetectorConfig(
    fan=FanParams(history=5 * DAY),
    gather_scatter=GatherScatterParams(fan=FanParams(min_counterparties=4, history=5 * DAY)),
    cycles=CycleParams(relationship_horizon=5 * DAY),
)


def accounts_in_buckets(parts: int) -> list[str]:
    """One account name per hash partition, so a ring can be made to span them all."""
    names: dict[int, str] = {}
    i = 0
    while len(names) < parts:
        names.setdefault(account_bucket(f"ACC{i}") * parts // BUCKETS, f"ACC{i}")
        i += 1
    return [names[p] for p in range(parts)]


def sweep(frame: TransactionFrame, options: PlanOptions) -> list[tuple[Finding, ...]]:
    partitions = plan_sweep(int(frame.ts[0]), int(frame.ts[-1]) + 1, options)
    return [run_partition(frame, p, CONFIG).findings for p in partitions]


def test_plan_covers_every_bucket_and_time_slice_once() -> None:
    parts = plan_sweep(
        T0, T0 + 10 * DAY, PlanOptions(hash_parts=3, slice_seconds=4 * DAY, context=DAY)
    )
    assert len(parts) == 9
    assert {(p.scope.start, p.scope.end) for p in parts} == {
        (T0, T0 + 4 * DAY),
        (T0 + 4 * DAY, T0 + 8 * DAY),
        (T0 + 8 * DAY, T0 + 10 * DAY),
    }
    assert sorted({(p.scope.bucket_lo, p.scope.bucket_hi) for p in parts})[0][0] == 0
    assert max(p.scope.bucket_hi for p in parts) == BUCKETS
    assert all(p.read_from == (p.scope.start or 0) - DAY for p in parts)
    assert len({p.key for p in parts}) == 9


def test_a_ring_crossing_hash_partitions_is_found_exactly_once() -> None:
    members = accounts_in_buckets(4)
    ring = chain("x", [*members, members[0]], 30, 4, 9_000, 0.98)
    results = sweep(
        frame_of(ring, background(12)), PlanOptions(hash_parts=4, context=CONFIG.context)
    )
    owners = [i for i, found in enumerate(results) for f in found if f.typology is Typology.CYCLE]
    assert len(owners) == 1
    assert owners[0] == account_bucket(members[0]) * 4 // BUCKETS


def test_a_ring_crossing_a_time_slice_is_found_exactly_once() -> None:
    # Starts 2 hours before the 10-day boundary, closes 10 hours after it.
    ring = chain("x", ["A", "B", "C", "D", "A"], 10 * 24 - 2, 4, 9_000, 0.98)
    fan = [tx(f"f{i}", f"S{i}", "HUB", 10 * 24 - 3 + i, 9_500) for i in range(7)]
    frame = frame_of(ring, fan, background(13, days=20))
    options = PlanOptions(hash_parts=2, slice_seconds=10 * DAY, context=CONFIG.context)
    everything = [f for found in sweep(frame, options) for f in found]
    assert sum(f.typology is Typology.CYCLE for f in everything) == 1
    assert sum(f.typology is Typology.FAN_IN for f in everything) == 1


def test_partitioned_sweep_equals_one_whole_graph_run() -> None:
    frame = frame_of(
        chain("c", ["A", "B", "C", "A"], 200, 5, 9_000, 0.98),
        chain("l", ["P", "Q", "R", "S", "T"], 500, 2, 20_000, 0.98),
        [tx(f"f{i}", f"SM{i}", "HUB", 700 + i, 9_300) for i in range(8)],
        background(14, days=40),
    )
    whole = {f.key for f in run_detectors(frame, config=CONFIG).findings}
    options = PlanOptions(hash_parts=3, slice_seconds=7 * DAY, context=CONFIG.context)
    partitioned = sweep(frame, options)
    merged = merge_partition_results(partitioned)
    assert {f.key for f in merged} == whole
    assert sum(len(found) for found in partitioned) == len(merged)  # no overlap to dedupe
    assert len(whole) >= 3


def test_hash_partitions_sharing_one_frame_equal_one_whole_graph_run() -> None:
    # One time slice: every partition reads the whole frame, and what is derived from it (hop
    # pairs, the bipartite search) is computed by the first and reused by the others.
    layer = [
        tx(f"b{s}-{r}", f"SEND{s}", f"RECV{r}", 300 + s * 2 + r, 2_000 + 10 * s)
        for s in range(4)
        for r in range(4)
    ]
    frame = frame_of(
        chain("c", ["A", "B", "C", "A"], 200, 5, 9_000, 0.98),
        [tx(f"f{i}", f"SM{i}", "HUB", 700 + i, 9_300) for i in range(8)],
        layer,
        background(15, days=40),
    )
    whole = {f.key: f.typology for f in run_detectors(frame, config=CONFIG).findings}
    options = PlanOptions(hash_parts=4, context=CONFIG.context)
    merged = merge_partition_results(sweep(frame, options))
    assert {f.key: f.typology for f in merged} == whole
    assert Typology.BIPARTITE in whole.values()


def test_a_retried_partition_changes_nothing() -> None:
    frame = frame_of(chain("c", ["A", "B", "C", "A"], 20, 5, 9_000, 0.98), background(15))
    partitions = plan_sweep(
        int(frame.ts[0]), int(frame.ts[-1]) + 1, PlanOptions(hash_parts=2, context=CONFIG.context)
    )
    first = [run_partition(frame, p, CONFIG).findings for p in partitions]
    retried = [*first, run_partition(frame, partitions[0], CONFIG).findings]
    assert merge_partition_results(retried) == merge_partition_results(first)


def test_bad_plans_are_rejected() -> None:
    with pytest.raises(InvalidArgument):
        plan_sweep(T0, T0, PlanOptions())
    with pytest.raises(InvalidArgument):
        plan_sweep(T0, T0 + DAY, PlanOptions(hash_parts=0))
    with pytest.raises(InvalidArgument):
        plan_sweep(T0, T0 + DAY, replace(PlanOptions(), slice_seconds=-5))
