"""Task shells for the transaction graph: the sweep coordinator, its partitions, the nightly run."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from celery import group, shared_task
from warden.graph.v1 import graph_pb2

from services.common.operations import Operation, run_operation
from services.graph.deps import graph_deps
from services.graph.sweeps import (
    PARTITION_TASK,
    SWEEP_TASK,
    coordinate_sweep,
    nightly_command,
    run_sweep_partition,
    start_sweep,
)
from workers import deps
from workers.base import WardenTask

NIGHTLY_TASK = "graph.nightly_sweep"


def _dispatch(sweep_id: str, keys: Sequence[str]) -> None:
    """Fan the partitions out as one Celery group on the graph queue."""
    app = deps.current().celery
    signatures = [
        app.signature(
            PARTITION_TASK, kwargs={"sweep_id": sweep_id, "partition_key": key}, queue="graph"
        )
        for key in keys
    ]
    if signatures:
        group(signatures, app=app).apply_async()


def _sweep_result(operation: Operation) -> tuple[str, bytes]:
    container = deps.current()
    poll = graph_deps(container).settings.sweep_poll_s

    def wait(done: int, total: int) -> None:
        percent = int(100 * done / max(total, 1))
        container.operations.report_progress(operation.id, percent, f"{done}/{total} partitions")
        time.sleep(poll)

    outcome = coordinate_sweep(operation, graph_deps(container), _dispatch, wait)
    message = graph_pb2.SweepResult(
        sweep_id=outcome.sweep_id,
        partitions=outcome.partitions,
        findings=outcome.findings,
        rings=len(outcome.rings),
        new_rings=outcome.new_rings,
        alerts=outcome.alerts,
    )
    return message.DESCRIPTOR.full_name, message.SerializeToString()


@shared_task(base=WardenTask, name=SWEEP_TASK)
def sweep(operation_id: str, **_: object) -> None:
    run_operation(deps.current().operations, operation_id, _sweep_result)


@shared_task(base=WardenTask, name=PARTITION_TASK)
def sweep_partition(sweep_id: str, partition_key: str) -> None:
    run_sweep_partition(sweep_id, partition_key, graph_deps(deps.current()))


@shared_task(base=WardenTask, name=NIGHTLY_TASK)
def nightly_sweep() -> str:
    """Beat: start tonight's incremental sweep (idempotent per day)."""
    container = deps.current()
    command = nightly_command(graph_deps(container), datetime.now(UTC))
    return start_sweep(command, "beat", container.operations, container.queue).id
