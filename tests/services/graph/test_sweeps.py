"""Sweeps on the in-memory store: idempotent re-runs, retried partitions, the coordinator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.common.alerts import InMemoryAlertSink
from services.common.errors import FailedPrecondition, TransientError
from services.common.operations import Operation, OperationState
from services.graph.core.model import DAY, Finding, Transaction, Typology
from services.graph.handlers import GraphDeps, ingest_transactions
from services.graph.ports import InMemoryGraphStore
from services.graph.settings import GraphSettings
from services.graph.sweeps import (
    SweepCommand,
    coordinate_sweep,
    merge_sweep,
    nightly_command,
    plan,
    run_sweep_partition,
    sweep_inline,
)
from tests.services.graph.core.graphs import T0, background, chain, tx

NOW = datetime(2024, 3, 1, tzinfo=UTC)


def deps_with(*groups: list[Transaction], store: InMemoryGraphStore | None = None) -> GraphDeps:
    deps = GraphDeps(
        GraphSettings(partitions=3, sweep_poll_s=0.01, sweep_redispatch_s=0.05),
        store or InMemoryGraphStore(),
        InMemoryAlertSink(),
    )
    ingest_transactions(groups, deps)
    return deps


def cycle(prefix: str = "c", start: float = 100) -> list[Transaction]:
    return chain(prefix, ["A", "B", "C", "D", "A"], start, 4, 9_000, 0.98)


def test_a_sweep_turns_findings_into_rings_and_alerts() -> None:
    deps = deps_with(cycle(), background(21, days=20))
    outcome = sweep_inline(SweepCommand("r1", since=T0), deps)
    assert outcome.partitions == 3
    ring = next(r for r in outcome.rings if r.typology is Typology.CYCLE)
    assert set(ring.accounts) == {"A", "B", "C", "D"}
    sink = deps.alerts
    assert isinstance(sink, InMemoryAlertSink)
    assert f"graph:ring:{ring.fingerprint}" in sink.alerts
    assert outcome.new_rings == len(outcome.rings) == outcome.alerts


def test_sweeping_again_creates_no_new_ring_or_alert() -> None:
    deps = deps_with(cycle(), background(22, days=20))
    first = sweep_inline(SweepCommand("r1", since=T0), deps)
    sink = deps.alerts
    assert isinstance(sink, InMemoryAlertSink)
    alerts_before = dict(sink.alerts)
    again = sweep_inline(SweepCommand("r2", since=T0), deps)
    assert again.new_rings == 0
    assert {r.fingerprint for r in again.rings} == {r.fingerprint for r in first.rings}
    assert sink.alerts == alerts_before
    assert len(deps.store.rings(1_000, 0.0)) == len(first.rings)


def test_a_ring_that_grows_on_a_later_night_keeps_its_fingerprint() -> None:
    deps = deps_with(cycle(), background(23, days=20))
    first = sweep_inline(SweepCommand("n1", since=T0, until=T0 + 10 * DAY), deps)
    original = next(r for r in first.rings if r.typology is Typology.CYCLE)
    # Later, A structures payments to a new account: the ring grows by a second typology.
    ingest_transactions(
        [[tx(f"s{i}", "A", "NEPHEW", 300 + 10 * i, 9_600 + i) for i in range(4)]], deps
    )
    later = sweep_inline(SweepCommand("n2", since=T0, until=T0 + 20 * DAY), deps)
    grown = next(r for r in later.rings if "A" in r.accounts)
    assert grown.fingerprint == original.fingerprint
    assert {Typology.CYCLE, Typology.STRUCTURING} <= set(grown.typologies)
    assert "NEPHEW" in grown.accounts


class FlakyStore(InMemoryGraphStore):
    """Fails the first save of each partition, as a worker killed before its commit would."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: set[str] = set()

    def save_partition(
        self, sweep_id: str, key: str, findings: Sequence[Finding], notes: Sequence[str]
    ) -> bool:
        if key not in self.failed:
            self.failed.add(key)
            raise TransientError("connection lost")
        return super().save_partition(sweep_id, key, findings, notes)


def test_a_partition_that_dies_before_saving_is_retried_with_the_same_result() -> None:
    data = [cycle(), background(24, days=20)]
    clean = deps_with(*data)
    expected = sweep_inline(SweepCommand("x", since=T0), clean)
    flaky_store = FlakyStore()
    deps = deps_with(*data, store=flaky_store)
    record = plan("sweep-flaky", (T0, T0 + 30 * DAY), 3, deps)
    for p in record.partitions:
        with pytest.raises(TransientError):
            run_sweep_partition(record.id, p["key"], deps)
        assert run_sweep_partition(record.id, p["key"], deps)  # the retry saves it
        assert not run_sweep_partition(record.id, p["key"], deps)  # a redelivery does nothing
    outcome = merge_sweep(record.id, deps, NOW)
    assert [sorted(f.key for f in r.findings) for r in outcome.rings] == [
        sorted(f.key for f in r.findings) for r in expected.rings
    ]


def test_merging_before_every_partition_is_done_is_refused() -> None:
    deps = deps_with(cycle())
    record = plan("sweep-early", (T0, T0 + DAY * 30), 2, deps)
    run_sweep_partition(record.id, record.partitions[0]["key"], deps)
    with pytest.raises(FailedPrecondition):
        merge_sweep(record.id, deps, NOW)


def operation(kwargs: dict[str, object]) -> Operation:
    return Operation(
        id="op_test",
        kind="graph.sweep",
        state=OperationState.RUNNING,
        owner="tester",
        request_id="req",
        input_sha256="x",
        task_name="graph.sweep",
        task_queue="default",
        task_kwargs=kwargs,
        created_at=NOW,
        updated_at=NOW,
    )


def test_the_coordinator_fans_out_waits_and_resends_lost_partitions() -> None:
    deps = deps_with(cycle(), background(25, days=20))
    sent: list[list[str]] = []
    progress: list[tuple[int, int]] = []

    def dispatch(sweep_id: str, keys: Sequence[str]) -> None:
        sent.append(list(keys))
        if len(sent) > 1:  # the first group of messages is lost; the resent one is worked
            for key in keys:
                run_sweep_partition(sweep_id, key, deps)

    outcome = coordinate_sweep(
        operation({"since": T0}), deps, dispatch, lambda d, t: progress.append((d, t))
    )
    assert len(sent) == 2
    assert sent[0] == sent[1]
    assert len(sent[0]) == 3
    assert progress[0] == (0, 3)
    assert any(r.typology is Typology.CYCLE for r in outcome.rings)
    # A redelivered coordinator finds the plan done and merges again without new rings.
    again = coordinate_sweep(operation({"since": T0}), deps, dispatch, lambda d, t: None)
    assert again.new_rings == 0
    assert again.sweep_id == outcome.sweep_id


def test_the_coordinator_resends_nothing_while_partitions_make_progress() -> None:
    """Each finished partition used to send every unfinished one again (duplicate work)."""
    deps = deps_with(cycle(), background(25, days=20))
    sent: list[tuple[str, list[str]]] = []

    def dispatch(sweep_id: str, keys: Sequence[str]) -> None:
        sent.append((sweep_id, list(keys)))

    def one_partition_per_poll(done: int, total: int) -> None:
        sweep_id, keys = sent[0]
        run_sweep_partition(sweep_id, keys[done], deps)

    coordinate_sweep(operation({"since": T0}), deps, dispatch, one_partition_per_poll)
    assert len(sent) == 1
    assert len(sent[0][1]) == 3


def test_nightly_sweep_covers_new_transfers_plus_the_look_back() -> None:
    deps = deps_with(cycle())
    first = nightly_command(deps, NOW)
    assert first.request_id == "nightly-2024-03-01"
    assert first.until == T0 + 112 * 3600 + 1
    assert first.since == first.until - 21 * DAY
    store = deps.store
    assert isinstance(store, InMemoryGraphStore)
    store.sweeps["done"] = replace(plan("done", (T0, T0 + 3600), 1, deps), state="done")
    second = nightly_command(deps, NOW)
    assert second.since == T0 + 3600 - 21 * DAY
