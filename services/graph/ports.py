"""What the graph handlers need from storage, and the in-memory fakes tests use.

`GraphStore` is one port because its parts move together in a sweep (transactions in, partition
results, rings out); the SQL adapter is `adapters.store.SqlGraphStore`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from services.common.errors import NotFound
from services.graph.core.frame import TransactionFrame, frame_from_columns
from services.graph.core.model import Finding, Transaction
from services.graph.core.rings import Ring


@dataclass(frozen=True, slots=True)
class Booked:
    """A validated transaction with its amount in the reporting currency."""

    tx: Transaction
    amount_usd: float


@dataclass(frozen=True, slots=True)
class SweepRecord:
    id: str
    since: int
    until: int
    partitions: tuple[dict[str, Any], ...]
    state: str
    result: dict[str, Any] | None = None


class GraphStore(Protocol):
    # transactions
    def existing_ids(self, tx_ids: Sequence[str]) -> set[str]: ...
    def add_transactions(self, rows: Sequence[Booked]) -> int: ...
    def load_frame(self, start: int, end: int) -> TransactionFrame: ...
    def time_range(self) -> tuple[int, int] | None: ...
    def latest_of(self, account: str) -> int | None: ...
    def neighbourhood(
        self, account: str, depth: int, span: tuple[int, int], max_edges: int
    ) -> tuple[list[Booked], bool]: ...

    # sweeps
    def create_sweep(self, record: SweepRecord) -> SweepRecord: ...
    def get_sweep(self, sweep_id: str) -> SweepRecord: ...
    def save_partition(
        self, sweep_id: str, key: str, findings: Sequence[Finding], notes: Sequence[str]
    ) -> bool: ...
    def finished_partitions(self, sweep_id: str) -> set[str]: ...
    def partition_findings(self, sweep_id: str) -> list[list[Finding]]: ...
    def claim_merge(self, sweep_id: str) -> bool: ...
    def finish_sweep(self, sweep_id: str, result: dict[str, Any]) -> None: ...
    def last_finished_until(self) -> int | None: ...

    # rings
    def fingerprints_for(self, finding_keys: Sequence[str]) -> dict[str, str]: ...
    def upsert_ring(self, ring: Ring, sweep_id: str) -> bool: ...
    def rings(self, limit: int, min_score: float) -> list[Ring]: ...
    def rings_of(self, account: str) -> list[Ring]: ...
    def known_bad(self) -> set[str]: ...
    def add_known_bad(self, account: str, reason: str) -> None: ...


@dataclass
class InMemoryGraphStore:
    """Dicts behind a lock: the fake for tests and pure benchmarks."""

    transactions: dict[str, Booked] = field(default_factory=dict)
    sweeps: dict[str, SweepRecord] = field(default_factory=dict)
    partitions: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    ring_by_fp: dict[str, Ring] = field(default_factory=dict)
    fp_by_finding: dict[str, str] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def existing_ids(self, tx_ids: Sequence[str]) -> set[str]:
        return {t for t in tx_ids if t in self.transactions}

    def add_transactions(self, rows: Sequence[Booked]) -> int:
        with self.lock:
            new = [r for r in rows if r.tx.tx_id not in self.transactions]
            self.transactions.update((r.tx.tx_id, r) for r in new)
            return len(new)

    def load_frame(self, start: int, end: int) -> TransactionFrame:
        rows = [r for r in self.transactions.values() if start <= r.tx.timestamp < end]
        return frame_of(rows)

    def time_range(self) -> tuple[int, int] | None:
        times = [r.tx.timestamp for r in self.transactions.values()]
        return (min(times), max(times)) if times else None

    def latest_of(self, account: str) -> int | None:
        times = [
            r.tx.timestamp
            for r in self.transactions.values()
            if account in (r.tx.source, r.tx.target)
        ]
        return max(times) if times else None

    def neighbourhood(
        self, account: str, depth: int, span: tuple[int, int], max_edges: int
    ) -> tuple[list[Booked], bool]:
        inside = [r for r in self.transactions.values() if span[0] <= r.tx.timestamp < span[1]]
        frontier, seen, edges = {account}, {account}, dict[str, Booked]()
        for _ in range(depth):
            touching = [r for r in inside if r.tx.source in frontier or r.tx.target in frontier]
            edges.update((r.tx.tx_id, r) for r in touching)
            frontier = {a for r in touching for a in (r.tx.source, r.tx.target)} - seen
            seen |= frontier
        ordered = sorted(edges.values(), key=lambda r: (r.tx.timestamp, r.tx.tx_id))
        return ordered[:max_edges], len(ordered) > max_edges

    def create_sweep(self, record: SweepRecord) -> SweepRecord:
        with self.lock:
            return self.sweeps.setdefault(record.id, record)

    def get_sweep(self, sweep_id: str) -> SweepRecord:
        if sweep_id not in self.sweeps:
            raise NotFound("sweep", sweep_id)
        return self.sweeps[sweep_id]

    def save_partition(
        self, sweep_id: str, key: str, findings: Sequence[Finding], notes: Sequence[str]
    ) -> bool:
        with self.lock:
            if (sweep_id, key) in self.partitions:
                return False
            self.partitions[(sweep_id, key)] = list(findings)
            return True

    def finished_partitions(self, sweep_id: str) -> set[str]:
        return {k for s, k in self.partitions if s == sweep_id}

    def partition_findings(self, sweep_id: str) -> list[list[Finding]]:
        return [f for (s, _), f in sorted(self.partitions.items()) if s == sweep_id]

    def claim_merge(self, sweep_id: str) -> bool:
        with self.lock:
            record = self.sweeps[sweep_id]
            if record.state == "done":
                return False
            self.sweeps[sweep_id] = replace(record, state="merging")
            return True

    def finish_sweep(self, sweep_id: str, result: dict[str, Any]) -> None:
        self.sweeps[sweep_id] = replace(self.sweeps[sweep_id], state="done", result=result)

    def last_finished_until(self) -> int | None:
        done = [s.until for s in self.sweeps.values() if s.state == "done"]
        return max(done) if done else None

    def fingerprints_for(self, finding_keys: Sequence[str]) -> dict[str, str]:
        return {k: self.fp_by_finding[k] for k in finding_keys if k in self.fp_by_finding}

    def upsert_ring(self, ring: Ring, sweep_id: str) -> bool:
        with self.lock:
            new = ring.fingerprint not in self.ring_by_fp
            self.ring_by_fp[ring.fingerprint] = ring
            for f in ring.findings:
                self.fp_by_finding.setdefault(f.key, ring.fingerprint)
            return new

    def rings(self, limit: int, min_score: float) -> list[Ring]:
        chosen = [r for r in self.ring_by_fp.values() if r.score >= min_score]
        return sorted(chosen, key=lambda r: (-r.score, r.fingerprint))[:limit]

    def rings_of(self, account: str) -> list[Ring]:
        return [r for r in self.ring_by_fp.values() if account in r.accounts]

    def known_bad(self) -> set[str]:
        return set(self.bad)

    def add_known_bad(self, account: str, reason: str) -> None:
        self.bad[account] = reason


def frame_of(rows: Iterable[Booked]) -> TransactionFrame:
    """A frame of stored transactions (amounts already in USD)."""
    listed = list(rows)
    return frame_from_columns(
        [r.tx.tx_id for r in listed],
        [r.tx.source for r in listed],
        [r.tx.target for r in listed],
        np.array([r.tx.timestamp for r in listed], dtype=np.int64),
        np.array([r.amount_usd for r in listed], dtype=np.float64),
    )
