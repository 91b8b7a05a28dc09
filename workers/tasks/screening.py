"""Task shells for screening: re-screen monitored customers when a list version lands."""

from __future__ import annotations

import logging

from celery import shared_task

from services.common.errors import TransientError
from services.common.operations import Operation, OperationState, run_operation
from services.screening import handlers
from services.screening.convert import rescreen_report, rescreen_result
from services.screening.deps import screening_deps
from services.screening.ports import Partition
from services.screening.rescreen import (
    RESCREEN_TASK,
    StatusQuery,
    delta_to_rescreen,
    rescreen_status,
)
from watchlists.deps import deps_of
from workers import deps
from workers.base import WardenTask

log = logging.getLogger(__name__)


def _rescreen(operation: Operation) -> tuple[str, bytes]:
    container = deps.current()
    screening = screening_deps(container)
    old = str(operation.task_kwargs.get("old_version") or "") or None
    new = str(operation.task_kwargs["new_version"])
    live = screening.lists.current[0]
    if live.version != new:
        raise TransientError(f"list version {new} is not live in this worker yet")
    delta = delta_to_rescreen(deps_of(container).store, old, live)
    partition = Partition(
        int(str(operation.task_kwargs.get("partition") or 0)),
        int(str(operation.task_kwargs.get("partitions") or 1)),
    )
    report = handlers.rescreen_delta(delta, new, screening, partition)
    result = rescreen_result(report, old or "", new, partition)
    return result.DESCRIPTOR.full_name, result.SerializeToString()


def _log_if_complete(operation: Operation) -> None:
    """The partition that finishes a version change's re-screening says so, with the totals (two
    finishing at once may both say it: the line is at least once, the status is the record)."""
    kwargs = operation.task_kwargs
    query = StatusQuery(str(kwargs.get("old_version") or ""), str(kwargs["new_version"]), 1)
    found = rescreen_status(query, deps.current().operations, rescreen_report)
    if found and found[0].complete:
        status = found[0]
        log.info(
            "re-screening complete",
            extra={
                "fields": {
                    "old_version": status.old_version,
                    "new_version": status.new_version,
                    "partitions": status.partitions,
                    "customers": status.customers,
                    "alerts": status.alerts,
                    "suppressed": status.suppressed,
                }
            },
        )


@shared_task(base=WardenTask, name=RESCREEN_TASK)
def rescreen_delta(operation_id: str, **_: object) -> None:
    """Re-screen every monitored customer against the entries a version added or changed.
    Retried (transient) until this worker serves the new version; alerts are idempotent."""
    finished = run_operation(deps.current().operations, operation_id, _rescreen)
    if finished is not None and finished.state is OperationState.SUCCEEDED:
        _log_if_complete(finished)
