"""One contract, every implementation: in-memory, SQLite, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from services.common.db import utcnow
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, TransientError
from services.common.operations import (
    InMemoryOperationStore,
    NewOperation,
    Operation,
    OperationFailure,
    OperationState,
    OperationStore,
    SqlOperationStore,
    input_digest,
    requeue_stale,
    run_operation,
    submit_operation,
)
from tests.conftest import BACKENDS, open_database


class RecordingQueue:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []
        self.fail = fail

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((task_name, dict(kwargs), queue))


@pytest.fixture(params=["memory", *BACKENDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OperationStore]:
    if request.param == "memory":
        yield InMemoryOperationStore()
        return
    database = open_database(request.param, request, tmp_path)
    yield SqlOperationStore(database)
    database.dispose()


def _new(request_id: str = "r1", data: bytes = b"x", owner: str = "client-a") -> NewOperation:
    return NewOperation(
        kind="test.kind",
        owner=owner,
        request_id=request_id,
        input_sha256=input_digest(data),
        task_name="test.task",
        task_queue="default",
        task_kwargs={"n": 1},
    )


def test_submission_is_idempotent_by_request_id(store: OperationStore) -> None:
    queue = RecordingQueue()
    first = submit_operation(store, queue, _new())
    again = submit_operation(store, queue, _new())
    assert first.id == again.id
    assert queue.sent == [("test.task", {"operation_id": first.id, "n": 1}, "default")]


def test_same_request_id_for_other_input_is_refused(store: OperationStore) -> None:
    submit_operation(store, RecordingQueue(), _new(data=b"one"))
    with pytest.raises(AlreadyExists) as caught:
        submit_operation(store, RecordingQueue(), _new(data=b"two"))
    assert caught.value.reason == "REQUEST_ID_REUSED"


def test_request_ids_are_scoped_per_owner(store: OperationStore) -> None:
    a = submit_operation(store, RecordingQueue(), _new(owner="a"))
    b = submit_operation(store, RecordingQueue(), _new(owner="b"))
    assert a.id != b.id


def test_completion_is_at_most_once(store: OperationStore) -> None:
    op = submit_operation(store, RecordingQueue(), _new())
    assert store.start_attempt(op.id) is not None
    assert store.succeed(op.id, "t.Result", b"first") is True
    assert store.succeed(op.id, "t.Result", b"second") is False
    assert store.fail(op.id, OperationFailure("INTERNAL", "late")) is False
    assert store.start_attempt(op.id) is None
    done = store.get(op.id)
    assert (done.state, done.result, done.attempts, done.progress_percent) == (
        OperationState.SUCCEEDED,
        b"first",
        1,
        100,
    )
    assert done.finished_at is not None


def test_redelivery_counts_attempts(store: OperationStore) -> None:
    op = submit_operation(store, RecordingQueue(), _new())
    store.start_attempt(op.id)
    second = store.start_attempt(op.id)  # the redelivered message after a killed worker
    assert second is not None
    assert second.attempts == 2


def test_unknown_operation_is_not_found(store: OperationStore) -> None:
    with pytest.raises(NotFound):
        store.get("op_00000000000000000000000000")


def test_broker_down_keeps_the_operation_and_requeue_sends_it(store: OperationStore) -> None:
    op = submit_operation(store, RecordingQueue(fail=True), _new())
    assert store.get(op.id).state is OperationState.PENDING
    queue = RecordingQueue()
    assert requeue_stale(store, queue, older_than=timedelta(seconds=-1)) == 1
    assert [name for name, _, _ in queue.sent] == ["test.task"]
    assert requeue_stale(store, queue, older_than=timedelta(hours=1)) == 0


def test_progress_is_clamped_and_shown(store: OperationStore) -> None:
    op = submit_operation(store, RecordingQueue(), _new())
    store.report_progress(op.id, 250, "matching face")
    assert (store.get(op.id).progress_percent, store.get(op.id).progress_message) == (
        100,
        "matching face",
    )


def test_run_operation_records_outcomes(store: OperationStore) -> None:
    queue = RecordingQueue()
    ok = submit_operation(store, queue, _new("ok"))
    bad = submit_operation(store, queue, _new("bad"))
    bug = submit_operation(store, queue, _new("bug"))

    def invalid(_: Operation) -> tuple[str, bytes]:
        raise InvalidArgument.for_field("image", "not a JPEG")

    def crash(_: Operation) -> tuple[str, bytes]:
        raise KeyError("internal detail")

    run_operation(store, ok.id, lambda _: ("t.R", b"done"))
    run_operation(store, bad.id, invalid)
    run_operation(store, bug.id, crash)
    assert store.get(ok.id).result == b"done"
    assert store.get(bad.id).failure == OperationFailure("INVALID_ARGUMENT", "image: not a JPEG")
    assert store.get(bug.id).failure == OperationFailure("INTERNAL", "internal error")


def test_run_operation_lets_transient_errors_retry(store: OperationStore) -> None:
    op = submit_operation(store, RecordingQueue(), _new())

    def flaky(_: Operation) -> tuple[str, bytes]:
        raise TransientError("db failover")

    with pytest.raises(TransientError):
        run_operation(store, op.id, flaky)
    assert store.get(op.id).state is OperationState.RUNNING
    assert run_operation(store, op.id, lambda _: ("t.R", b"ok")) is not None
    assert store.get(op.id).state is OperationState.SUCCEEDED


def test_stale_lists_only_open_operations(store: OperationStore) -> None:
    queue = RecordingQueue()
    done = submit_operation(store, queue, _new("done"))
    store.start_attempt(done.id)
    store.succeed(done.id, "t", b"")
    waiting = submit_operation(store, queue, _new("waiting"))
    stale_ids = [o.id for o in store.stale(utcnow() + timedelta(seconds=1), limit=10)]
    assert stale_ids == [waiting.id]


def test_operations_are_found_by_request_id_prefix_taken_literally(store: OperationStore) -> None:
    queue = RecordingQueue()
    first = submit_operation(store, queue, _new("rescreen:v1:v2:0/2"))
    second = submit_operation(store, queue, _new("rescreen:v1:v2:1/2"))
    submit_operation(store, queue, _new("rescreen:v1:v3:0/2"))
    submit_operation(store, queue, _new("rescreen:v1_v2", owner="client-a"))
    submit_operation(store, queue, _new("rescreen:v1:v2:0/2", owner="client-b"))

    found = store.with_request_prefix("client-a", "test.kind", "rescreen:v1:v2", limit=10)
    assert {o.id for o in found} == {first.id, second.id}
    assert store.with_request_prefix("client-a", "test.kind", "rescreen:v1%", limit=10) == []
    underscore = store.with_request_prefix("client-a", "test.kind", "rescreen:v1_", limit=10)
    assert [o.request_id for o in underscore] == ["rescreen:v1_v2"]
    assert store.with_request_prefix("client-a", "other.kind", "rescreen:", limit=10) == []
    assert len(store.with_request_prefix("client-a", "test.kind", "rescreen:", limit=2)) == 2
