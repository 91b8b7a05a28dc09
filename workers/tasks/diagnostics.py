"""Task shells for diagnostics and operation maintenance."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from warden.diagnostics.v1 import diagnostics_pb2

from services.common.operations import Operation, requeue_stale, run_operation
from services.diagnostics.handlers import PROBE_TASK, execute_probe
from workers import deps
from workers.base import WardenTask


def _probe_result(operation: Operation) -> tuple[str, bytes]:
    outcome = execute_probe(operation)
    message = diagnostics_pb2.ProbeResult(
        payload_sha256=outcome.payload_sha256,
        payload_size=outcome.payload_size,
        worker=outcome.worker,
        attempts=outcome.attempts,
    )
    return message.DESCRIPTOR.full_name, message.SerializeToString()


@shared_task(base=WardenTask, name=PROBE_TASK)
def run_probe(operation_id: str, **_: object) -> None:
    run_operation(deps.current().operations, operation_id, _probe_result)


@shared_task(base=WardenTask, name="operations.requeue_stale")
def requeue_stale_operations() -> int:
    """Beat: re-send operations whose message was lost (broker restart, enqueue failure)."""
    container = deps.current()
    stale_after = timedelta(seconds=container.settings.operations.stale_after_s)
    return requeue_stale(container.operations, container.queue, stale_after)
