"""Sweep planning: split a sweep into partitions workers run independently, then merge.

A partition owns the patterns whose anchor account hashes into its bucket range AND whose
start time falls in its time slice (`Scope`). To judge those patterns exactly as a single
whole-graph run would, it reads `context` seconds of data either side of its slice: the
longest pattern plus the longest history any feature compares against
(`DetectorConfig.context`). Every finding is owned by exactly one partition, so a ring that
crosses a hash or time boundary is reported once; `merge_partition_results` still
de-duplicates by finding key, which also makes a retried partition harmless.

Incremental nightly runs plan over [since, until) where `since` reaches back a look-back
window (at least `DetectorConfig.lookahead`) before the previous run's end: patterns that
were still growing last night are judged again on complete data, and stable finding keys and
ring fingerprints make the repeats no-ops downstream.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.errors import InvalidArgument
from services.graph.core.detectors import DetectionResult, DetectorConfig, run_detectors
from services.graph.core.frame import TransactionFrame
from services.graph.core.model import Finding
from services.graph.core.scope import BUCKETS, Scope


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """`hash_parts` x time slices of `slice_seconds` (None: one slice for the whole range)."""

    hash_parts: int = 1
    slice_seconds: int | None = None
    context: int = 0


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of sweep work: what it owns (`scope`) and what it must read."""

    index: int
    scope: Scope
    read_from: int
    read_until: int

    @property
    def key(self) -> str:
        """Stable name of the partition's work, used to key its task and its stored result."""
        return (
            f"{self.scope.start}-{self.scope.end}:{self.scope.bucket_lo:08x}-"
            f"{self.scope.bucket_hi:09x}"
        )


def plan_sweep(since: int, until: int, options: PlanOptions) -> tuple[Partition, ...]:
    """Partitions covering anchor times [since, until) and every account bucket."""
    if until <= since:
        raise InvalidArgument.for_field("until", "must be after since")
    if not 1 <= options.hash_parts <= 4096:
        raise InvalidArgument.for_field("hash_parts", "must be between 1 and 4096")
    if options.slice_seconds is not None and options.slice_seconds <= 0:
        raise InvalidArgument.for_field("slice_seconds", "must be positive")
    step = options.slice_seconds or (until - since)
    slices = [(t, min(t + step, until)) for t in range(since, until, step)]
    bounds = [BUCKETS * i // options.hash_parts for i in range(options.hash_parts + 1)]
    partitions: list[Partition] = []
    for start, end in slices:
        for lo, hi in itertools.pairwise(bounds):
            scope = Scope(bucket_lo=lo, bucket_hi=hi, start=start, end=end)
            reads = (start - options.context, end + options.context)
            partitions.append(Partition(len(partitions), scope, *reads))
    return tuple(partitions)


def run_partition(
    frame: TransactionFrame, partition: Partition, config: DetectorConfig | None = None
) -> DetectionResult:
    """Detect the findings `partition` owns, reading only its window of `frame`."""
    window = frame.window(partition.read_from, partition.read_until)
    return run_detectors(window, partition.scope, config)


def merge_partition_results(results: Iterable[Iterable[Finding]]) -> list[Finding]:
    """All partitions' findings, de-duplicated by key, in a deterministic order."""
    merged: dict[str, Finding] = {}
    for findings in results:
        for finding in findings:
            merged.setdefault(finding.key, finding)
    return sorted(merged.values(), key=lambda f: (f.start, f.key))
