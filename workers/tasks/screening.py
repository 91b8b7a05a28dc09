"""Task shells for screening: re-screen monitored customers when a list version lands."""

from __future__ import annotations

from celery import shared_task
from warden.screening.v1 import screening_pb2

from services.common.errors import TransientError
from services.common.operations import Operation, run_operation
from services.screening import handlers
from services.screening.deps import RESCREEN_TASK, screening_deps
from services.screening.ports import Partition
from watchlists.deps import deps_of
from watchlists.snapshot import diff
from workers import deps
from workers.base import WardenTask


def _rescreen(operation: Operation) -> tuple[str, bytes]:
    container = deps.current()
    screening = screening_deps(container)
    old = str(operation.task_kwargs.get("old_version") or "") or None
    new = str(operation.task_kwargs["new_version"])
    snapshot = screening.lists.current[0]
    if snapshot.version != new:
        raise TransientError(f"list version {new} is not live in this worker yet")
    store = deps_of(container).store
    delta = diff(store.load(old) if old else None, store.load(new))
    partition = Partition(
        int(str(operation.task_kwargs.get("partition") or 0)),
        int(str(operation.task_kwargs.get("partitions") or 1)),
    )
    report = handlers.rescreen_delta(delta, new, screening, partition)
    result = screening_pb2.RescreenResult(
        list_version=new,
        previous_version=old or "",
        entries=report.entries,
        customers=report.customers,
        alerts=report.alerts,
        suppressed=report.suppressed,
        partition=partition.index,
        partitions=partition.count,
    )
    return result.DESCRIPTOR.full_name, result.SerializeToString()


@shared_task(base=WardenTask, name=RESCREEN_TASK)
def rescreen_delta(operation_id: str, **_: object) -> None:
    """Re-screen every monitored customer against the entries a version added or changed.
    Retried (transient) until this worker serves the new version; alerts are idempotent."""
    run_operation(deps.current().operations, operation_id, _rescreen)
