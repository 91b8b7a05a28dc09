"""Long-running operations: accepted at once, done by a worker, read back by id.

The database row is the source of truth; the queue message only says "work on op_X". That gives:
- idempotent submission: (owner, kind, request_id) is unique, so a retried request returns the
  same operation, and the same request id with different input is refused;
- at-most-once completion: `succeed`/`fail` only move a non-terminal operation, so a redelivered
  task (a worker killed mid-task, `acks_late`) re-does the work but records one result;
- no lost work: the message is sent after the row is committed; if the broker was down, the
  operation stays PENDING and `requeue_stale` sends it again (a beat task).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import orjson
import sqlalchemy as sa

from services.common.db import Database, utcnow
from services.common.errors import AlreadyExists, NotFound, TransientError, WardenError
from services.common.ids import new_id
from services.common.tables import operations

log = logging.getLogger(__name__)


class OperationState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (OperationState.SUCCEEDED, OperationState.FAILED)


@dataclass(frozen=True, slots=True)
class OperationFailure:
    """Why an operation failed: `code` is a WardenError reason ("INVALID_ARGUMENT", "INTERNAL")."""

    code: str
    message: str
    reasons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NewOperation:
    kind: str
    owner: str
    request_id: str
    input_sha256: str
    task_name: str
    task_queue: str
    task_kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Operation:
    id: str
    kind: str
    state: OperationState
    owner: str
    request_id: str
    input_sha256: str
    task_name: str
    task_queue: str
    task_kwargs: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    progress_percent: int = 0
    progress_message: str = ""
    result_type: str | None = None
    result: bytes | None = None
    failure: OperationFailure | None = None
    finished_at: datetime | None = None


def input_digest(*parts: bytes | str) -> str:
    """SHA-256 of a request's meaningful input: detects a request id reused for other input."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class OperationStore(Protocol):
    def create_or_get(self, new: NewOperation) -> tuple[Operation, bool]: ...
    def get(self, operation_id: str) -> Operation: ...
    def start_attempt(self, operation_id: str) -> Operation | None: ...
    def report_progress(self, operation_id: str, percent: int, message: str) -> None: ...
    def succeed(self, operation_id: str, result_type: str, result: bytes) -> bool: ...
    def fail(self, operation_id: str, failure: OperationFailure) -> bool: ...
    def stale(self, older_than: datetime, limit: int) -> list[Operation]: ...
    def touch(self, operation_id: str) -> None: ...
    def with_request_prefix(
        self, owner: str, kind: str, prefix: str, limit: int
    ) -> list[Operation]: ...


class TaskQueue(Protocol):
    """Where handlers send work. Celery in workers and servers; a fake or inline runner in tests."""

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None: ...


def _check_same_input(existing: Operation, new: NewOperation) -> None:
    if existing.input_sha256 != new.input_sha256:
        raise AlreadyExists(
            f"request id {new.request_id!r} was already used for a different {new.kind} request",
            reason="REQUEST_ID_REUSED",
        )


def submit_operation(store: OperationStore, queue: TaskQueue, new: NewOperation) -> Operation:
    """Create the operation (or return the one this request id made) and enqueue its task."""
    operation, created = store.create_or_get(new)
    _check_same_input(operation, new)
    if created:
        _enqueue(queue, operation)
    return operation


def _enqueue(queue: TaskQueue, operation: Operation) -> None:
    try:
        queue.enqueue(
            operation.task_name,
            {"operation_id": operation.id, **operation.task_kwargs},
            queue=operation.task_queue,
        )
    except Exception:
        log.warning(
            "enqueue failed; the stale-operation sweeper will retry",
            extra={"fields": {"operation_id": operation.id}},
            exc_info=True,
        )


def requeue_stale(store: OperationStore, queue: TaskQueue, older_than: timedelta) -> int:
    """Re-send operations that have sat PENDING (or RUNNING without progress) for too long.

    Running the work twice is safe (completion is at-most-once), so erring towards re-sending is
    right: a lost message would otherwise leave a customer waiting forever.
    """
    count = 0
    for operation in store.stale(utcnow() - older_than, limit=500):
        store.touch(operation.id)
        _enqueue(queue, operation)
        count += 1
    return count


Work = Callable[[Operation], tuple[str, bytes]]


def run_operation(store: OperationStore, operation_id: str, work: Work) -> Operation | None:
    """Worker side: run `work` for a non-terminal operation and record its one outcome.

    `work` returns (result_type, serialized result). A WardenError fails the operation with its
    reason; a TransientError propagates so the task is retried; any other exception is a bug:
    logged and recorded as INTERNAL without details.
    """
    operation = store.start_attempt(operation_id)
    if operation is None:
        return None  # already finished: a redelivered message after completion
    try:
        result_type, result = work(operation)
    except TransientError:
        raise
    except WardenError as error:
        store.fail(operation_id, OperationFailure(error.reason, error.message))
    except Exception:
        log.exception("operation failed", extra={"fields": {"operation_id": operation_id}})
        store.fail(operation_id, OperationFailure("INTERNAL", "internal error"))
    else:
        store.succeed(operation_id, result_type, result)
    return store.get(operation_id)


# ----------------------------------------------------------------------------------------------
class SqlOperationStore:
    """Operations in the `operations` table (PostgreSQL or SQLite)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def create_or_get(self, new: NewOperation) -> tuple[Operation, bool]:
        now = utcnow()
        row = {
            "id": new_id("op"),
            "kind": new.kind,
            "state": OperationState.PENDING.value,
            "owner": new.owner,
            "request_id": new.request_id,
            "input_sha256": new.input_sha256,
            "task_name": new.task_name,
            "task_queue": new.task_queue,
            "task_kwargs": dict(new.task_kwargs),
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self.db.begin() as conn:
                conn.execute(operations.insert().values(**row))
            return self.get(str(row["id"])), True
        except sa.exc.IntegrityError:
            return self._by_request(new), False

    def _by_request(self, new: NewOperation) -> Operation:
        query = operations.select().where(
            operations.c.owner == new.owner,
            operations.c.kind == new.kind,
            operations.c.request_id == new.request_id,
        )
        with self.db.read() as conn:
            row = conn.execute(query).mappings().one()
        return _from_row(row)

    def get(self, operation_id: str) -> Operation:
        with self.db.read() as conn:
            row = (
                conn.execute(operations.select().where(operations.c.id == operation_id))
                .mappings()
                .one_or_none()
            )
        if row is None:
            raise NotFound("operation", operation_id)
        return _from_row(row)

    def start_attempt(self, operation_id: str) -> Operation | None:
        with self.db.begin() as conn:
            moved = conn.execute(
                operations.update()
                .where(operations.c.id == operation_id, operations.c.state.in_(_OPEN))
                .values(state="running", attempts=operations.c.attempts + 1, updated_at=utcnow())
            ).rowcount
        return self.get(operation_id) if moved else None

    def report_progress(self, operation_id: str, percent: int, message: str) -> None:
        with self.db.begin() as conn:
            conn.execute(
                operations.update()
                .where(operations.c.id == operation_id, operations.c.state.in_(_OPEN))
                .values(
                    progress_percent=max(0, min(100, percent)),
                    progress_message=message[:200],
                    updated_at=utcnow(),
                )
            )

    def succeed(self, operation_id: str, result_type: str, result: bytes) -> bool:
        return self._finish(
            operation_id,
            state="succeeded",
            progress_percent=100,
            result_type=result_type,
            result=result,
        )

    def fail(self, operation_id: str, failure: OperationFailure) -> bool:
        return self._finish(
            operation_id,
            state="failed",
            error_code=failure.code,
            error_message=failure.message,
            error_reasons=[list(r) for r in failure.reasons],
        )

    def _finish(self, operation_id: str, **values: Any) -> bool:
        now = utcnow()
        with self.db.begin() as conn:
            moved = conn.execute(
                operations.update()
                .where(operations.c.id == operation_id, operations.c.state.in_(_OPEN))
                .values(updated_at=now, finished_at=now, **values)
            ).rowcount
        return bool(moved)

    def stale(self, older_than: datetime, limit: int) -> list[Operation]:
        query = (
            operations.select()
            .where(operations.c.state.in_(_OPEN), operations.c.updated_at < older_than)
            .order_by(operations.c.updated_at)
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_from_row(r) for r in conn.execute(query).mappings()]

    def touch(self, operation_id: str) -> None:
        with self.db.begin() as conn:
            conn.execute(
                operations.update()
                .where(operations.c.id == operation_id)
                .values(updated_at=utcnow())
            )

    def with_request_prefix(
        self, owner: str, kind: str, prefix: str, limit: int
    ) -> list[Operation]:
        """An owner's operations of one kind whose request id starts with `prefix` (taken
        literally: `%` and `_` are not wildcards), newest first."""
        query = (
            operations.select()
            .where(
                operations.c.owner == owner,
                operations.c.kind == kind,
                operations.c.request_id.startswith(prefix, autoescape=True),
            )
            .order_by(operations.c.created_at.desc(), operations.c.id.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_from_row(r) for r in conn.execute(query).mappings()]


_OPEN = ("pending", "running")


def _from_row(row: sa.RowMapping) -> Operation:
    failure = None
    if row["state"] == "failed":
        reasons = tuple((str(c), str(m)) for c, m in (row["error_reasons"] or []))
        failure = OperationFailure(
            row["error_code"] or "INTERNAL", row["error_message"] or "", reasons
        )
    kwargs = row["task_kwargs"]
    return Operation(
        id=row["id"],
        kind=row["kind"],
        state=OperationState(row["state"]),
        owner=row["owner"],
        request_id=row["request_id"],
        input_sha256=row["input_sha256"],
        task_name=row["task_name"],
        task_queue=row["task_queue"],
        task_kwargs=orjson.loads(kwargs) if isinstance(kwargs, str | bytes) else dict(kwargs),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        attempts=row["attempts"],
        progress_percent=row["progress_percent"],
        progress_message=row["progress_message"],
        result_type=row["result_type"],
        result=row["result"],
        failure=failure,
        finished_at=row["finished_at"],
    )


# ----------------------------------------------------------------------------------------------
class InMemoryOperationStore:
    """The same contract in a dict (thread-safe): for unit tests of handlers."""

    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {}
        self._lock = threading.Lock()

    def create_or_get(self, new: NewOperation) -> tuple[Operation, bool]:
        with self._lock:
            for op in self._ops.values():
                if (op.owner, op.kind, op.request_id) == (new.owner, new.kind, new.request_id):
                    return op, False
            now = utcnow()
            op = Operation(
                id=new_id("op"),
                kind=new.kind,
                state=OperationState.PENDING,
                owner=new.owner,
                request_id=new.request_id,
                input_sha256=new.input_sha256,
                task_name=new.task_name,
                task_queue=new.task_queue,
                task_kwargs=dict(new.task_kwargs),
                created_at=now,
                updated_at=now,
            )
            self._ops[op.id] = op
            return op, True

    def get(self, operation_id: str) -> Operation:
        try:
            return self._ops[operation_id]
        except KeyError:
            raise NotFound("operation", operation_id) from None

    def _move(self, operation_id: str, **changes: Any) -> Operation | None:
        with self._lock:
            op = self.get(operation_id)
            if op.state.terminal:
                return None
            op = replace(op, updated_at=utcnow(), **changes)
            self._ops[operation_id] = op
            return op

    def start_attempt(self, operation_id: str) -> Operation | None:
        attempts = self.get(operation_id).attempts + 1
        return self._move(operation_id, state=OperationState.RUNNING, attempts=attempts)

    def report_progress(self, operation_id: str, percent: int, message: str) -> None:
        self._move(
            operation_id, progress_percent=max(0, min(100, percent)), progress_message=message[:200]
        )

    def succeed(self, operation_id: str, result_type: str, result: bytes) -> bool:
        return (
            self._move(
                operation_id,
                state=OperationState.SUCCEEDED,
                result_type=result_type,
                result=result,
                progress_percent=100,
                finished_at=utcnow(),
            )
            is not None
        )

    def fail(self, operation_id: str, failure: OperationFailure) -> bool:
        return (
            self._move(
                operation_id, state=OperationState.FAILED, failure=failure, finished_at=utcnow()
            )
            is not None
        )

    def stale(self, older_than: datetime, limit: int) -> list[Operation]:
        open_ops = [o for o in self._ops.values() if not o.state.terminal]
        return sorted(
            (o for o in open_ops if o.updated_at < older_than), key=lambda o: o.updated_at
        )[:limit]

    def touch(self, operation_id: str) -> None:
        with self._lock:
            self._ops[operation_id] = replace(self.get(operation_id), updated_at=utcnow())

    def with_request_prefix(
        self, owner: str, kind: str, prefix: str, limit: int
    ) -> list[Operation]:
        found = [
            o
            for o in self._ops.values()
            if (o.owner, o.kind) == (owner, kind) and o.request_id.startswith(prefix)
        ]
        return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)[:limit]
