"""Re-screening status and resubmission over the operations of a version change's partitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from services.common.operations import InMemoryOperationStore, OperationFailure
from services.screening.convert import rescreen_report, rescreen_result
from services.screening.handlers import RescreenReport
from services.screening.ports import Partition, StaticSnapshot
from services.screening.rescreen import (
    PartitionRun,
    ResubmitCommand,
    StatusQuery,
    delta_to_rescreen,
    rescreen_operation,
    rescreen_status,
    resubmit_rescreen,
    summarise_rescreen,
)
from tests.services.screening.support import BASE_LIST, NOW, person
from watchlists.snapshot import Snapshot


class RecordingQueue:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append(dict(kwargs))


def _run(
    index: int, state: str, *, count: int = 3, attempt: int = 1, customers: int = 0
) -> PartitionRun:
    report = RescreenReport(7, customers, customers // 10, 1, 1) if state == "succeeded" else None
    return PartitionRun(
        "v1", "v2", Partition(index, count), attempt, f"op{index}.{attempt}", state, 1, report
    )


def test_the_summary_sums_done_partitions_and_counts_the_others() -> None:
    status = summarise_rescreen(
        [
            _run(0, "succeeded", customers=100),
            _run(1, "running"),
            _run(2, "succeeded", customers=50),
        ]
    )
    assert (status.partitions, status.done, status.running, status.failed) == (3, 2, 1, 0)
    assert (status.entries, status.customers, status.alerts, status.suppressed) == (7, 150, 15, 2)
    assert status.refused == 2
    assert not status.complete
    assert status.state == "running"
    assert [r.partition.index for r in status.unfinished] == [1]


def test_every_partition_done_is_complete() -> None:
    status = summarise_rescreen([_run(i, "succeeded", customers=10) for i in range(3)])
    assert status.complete
    assert status.state == "complete"
    assert status.unfinished == ()


def test_a_failed_partition_shows_and_the_latest_attempt_counts() -> None:
    failed = PartitionRun("v1", "v2", Partition(1, 2), 1, "op1", "failed", 1, failure="INTERNAL: x")
    status = summarise_rescreen([_run(0, "succeeded", count=2, customers=5), failed])
    assert status.state == "failed"
    assert status.unfinished == (failed,)
    retried = _run(1, "succeeded", count=2, attempt=2, customers=6)
    status = summarise_rescreen([retried, _run(0, "succeeded", count=2, customers=5), failed])
    assert status.complete
    assert status.customers == 11


def test_partitions_never_submitted_are_missing() -> None:
    status = summarise_rescreen([_run(2, "succeeded", customers=1)])
    assert status.missing == (0, 1)
    assert status.state == "incomplete"


def _succeed(store: InMemoryOperationStore, op_id: str, customers: int, index: int) -> None:
    store.start_attempt(op_id)
    report = RescreenReport(4, customers, 1, 0)
    result = rescreen_result(report, "v1", "v2", Partition(index, 2))
    store.succeed(op_id, result.DESCRIPTOR.full_name, result.SerializeToString())


def test_status_reads_the_partition_operations_of_each_version_pair() -> None:
    store, queue = InMemoryOperationStore(), RecordingQueue()
    command = ResubmitCommand("v1", "v2", partitions=2)
    first = resubmit_rescreen(command, store, queue, rescreen_report)
    assert (first.partitions, first.pending, first.done) == (2, 2, 0)
    ops = store.with_request_prefix("system:screening", "screening.rescreen", "rescreen:", 10)
    for op in ops:
        _succeed(
            store, op.id, 10 + int(op.task_kwargs["partition"]), int(op.task_kwargs["partition"])
        )
    resubmit_rescreen(ResubmitCommand("v2", "v3", partitions=1), store, queue, rescreen_report)

    newest, older = rescreen_status(StatusQuery(), store, rescreen_report)
    assert (newest.old_version, newest.new_version, newest.state) == ("v2", "v3", "running")
    assert (older.new_version, older.state, older.customers, older.alerts) == (
        "v2",
        "complete",
        21,
        2,
    )
    only = rescreen_status(StatusQuery(new_version="v2"), store, rescreen_report)
    assert [s.old_version for s in only] == ["v1"]
    assert rescreen_status(StatusQuery("v1", "v9"), store, rescreen_report) == []


def test_resubmitting_is_idempotent_and_keeps_the_partition_count() -> None:
    store, queue = InMemoryOperationStore(), RecordingQueue()
    resubmit_rescreen(ResubmitCommand("v1", "v2", partitions=2), store, queue, rescreen_report)
    again = resubmit_rescreen(
        ResubmitCommand("v1", "v2", partitions=4), store, queue, rescreen_report
    )
    assert again.partitions == 2
    assert len(queue.sent) == 2


def test_resubmitting_fills_in_a_partition_that_was_never_submitted() -> None:
    store, queue = InMemoryOperationStore(), RecordingQueue()
    store.create_or_get(rescreen_operation("v1", "v2", Partition(1, 2)))
    status = resubmit_rescreen(ResubmitCommand("v1", "v2", 2), store, queue, rescreen_report)
    assert status.missing == ()
    assert [k["partition"] for k in queue.sent] == [0]


def test_a_failed_partition_is_retried_only_when_asked() -> None:
    store, queue = InMemoryOperationStore(), RecordingQueue()
    op, _ = store.create_or_get(rescreen_operation("v1", "v2"))
    store.start_attempt(op.id)
    store.fail(op.id, OperationFailure("INTERNAL", "internal error"))
    status = resubmit_rescreen(ResubmitCommand("v1", "v2", 1), store, queue, rescreen_report)
    assert status.state == "failed"
    assert status.unfinished[0].failure == "INTERNAL: internal error"
    assert queue.sent == []

    retry = ResubmitCommand("v1", "v2", 1, retry_failed=True)
    status = resubmit_rescreen(retry, store, queue, rescreen_report)
    assert (status.state, status.unfinished[0].attempt) == ("running", 2)
    assert len(queue.sent) == 1
    resubmit_rescreen(retry, store, queue, rescreen_report)
    assert len(queue.sent) == 1  # attempt 2 is pending, not failed: nothing more to send


def test_request_ids_keep_their_form_for_attempt_one() -> None:
    assert rescreen_operation(None, "v2").request_id == "rescreen::v2"
    assert rescreen_operation("v1", "v2", Partition(1, 2)).request_id == "rescreen:v1:v2:1/2"
    retry = rescreen_operation("v1", "v2", Partition(1, 2), attempt=3)
    assert retry.request_id == "rescreen:v1:v2:1/2~3"
    assert retry.input_sha256 != rescreen_operation("v1", "v2", Partition(1, 2)).input_sha256


def test_an_empty_summary_is_refused() -> None:
    with pytest.raises(ValueError, match="no runs"):
        summarise_rescreen([])


class RecordingVersions:
    def __init__(self, *snapshots: Snapshot) -> None:
        self.snapshots = {s.version: s for s in snapshots}
        self.loaded: list[str] = []

    def load(self, version: str) -> Snapshot:
        self.loaded.append(version)
        return self.snapshots[version]


def test_a_partition_reads_only_the_old_version_when_the_live_one_is_in_memory() -> None:
    old = Snapshot("v1", NOW, (), BASE_LIST)
    new = Snapshot("v2", NOW, (), (*BASE_LIST, person("ofac:petrov", "PETROV, Ivan")))
    store = RecordingVersions(old, new)
    delta = delta_to_rescreen(store, "v1", new)
    assert ([p.id for p in delta.added], store.loaded) == (["ofac:petrov"], ["v1"])
    # A live snapshot of another kind (StaticLists in tests and the demo) is read by version.
    live = StaticSnapshot("v2", new.parties, {p.id: p for p in new.parties})
    assert [p.id for p in delta_to_rescreen(store, None, live).added] == sorted(
        p.id for p in new.parties
    )
    assert store.loaded == ["v1", "v2"]
