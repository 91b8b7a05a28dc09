"""Diagnostics use cases: an end-to-end probe of the asynchronous pipeline.

A probe is a real operation: accepted by gRPC, recorded in the database, carried by the queue,
executed by a worker of the chosen queue, completed in the database. Operators run one per queue
after a deploy or from synthetic monitoring; a probe that never completes names the broken hop.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument
from services.common.operations import (
    NewOperation,
    Operation,
    OperationStore,
    TaskQueue,
    input_digest,
    submit_operation,
)
from services.registry import QUEUES

PROBE_KIND = "diagnostics.probe"
PROBE_TASK = "diagnostics.run_probe"
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_HOLD_MS = 60_000


@dataclass(frozen=True, slots=True)
class ProbeCommand:
    request_id: str
    payload: bytes
    hold_ms: int = 0
    queue: str = "default"


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    payload_sha256: str
    payload_size: int
    worker: str
    attempts: int


def validate_request_id(value: str, field: str = "request_id") -> FieldViolation | None:
    if not 1 <= len(value) <= 128 or not value.isascii() or not value.isprintable():
        return FieldViolation(field, "must be 1..128 printable ASCII characters")
    return None


def _violations(command: ProbeCommand) -> list[FieldViolation]:
    found = [v for v in [validate_request_id(command.request_id)] if v]
    if len(command.payload) > MAX_PAYLOAD_BYTES:
        found.append(FieldViolation("payload", f"at most {MAX_PAYLOAD_BYTES} bytes"))
    if not 0 <= command.hold_ms <= MAX_HOLD_MS:
        found.append(FieldViolation("hold_ms", f"must be 0..{MAX_HOLD_MS}"))
    if command.queue not in QUEUES:
        found.append(FieldViolation("queue", f"must be one of {', '.join(QUEUES)}"))
    return found


def start_probe(
    command: ProbeCommand, owner: str, operations: OperationStore, queue: TaskQueue
) -> Operation:
    """Accept a probe: validate, record the operation (idempotent by request id), enqueue."""
    violations = _violations(command)
    if violations:
        raise InvalidArgument("invalid probe request", violations)
    new = NewOperation(
        kind=PROBE_KIND,
        owner=owner,
        request_id=command.request_id,
        input_sha256=input_digest(command.payload, str(command.hold_ms), command.queue),
        task_name=PROBE_TASK,
        task_queue=command.queue,
        task_kwargs={
            "payload_b64": base64.b64encode(command.payload).decode(),
            "hold_ms": command.hold_ms,
        },
    )
    return submit_operation(operations, queue, new)


def execute_probe(
    operation: Operation, sleep: Callable[[float], None] = time.sleep
) -> ProbeOutcome:
    """Worker side: wait `hold_ms` (in small steps, so a killed worker dies mid-probe), hash."""
    payload = base64.b64decode(str(operation.task_kwargs.get("payload_b64", "")))
    deadline = time.monotonic() + int(operation.task_kwargs.get("hold_ms", 0)) / 1000
    while (remaining := deadline - time.monotonic()) > 0:
        sleep(min(remaining, 0.05))
    return ProbeOutcome(
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        payload_size=len(payload),
        worker=f"{socket.gethostname()}:{os.getpid()}",
        attempts=operation.attempts,
    )
