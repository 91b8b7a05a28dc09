"""Task shells of the identity area: decode arguments, call the handler, nothing else."""

from __future__ import annotations

from celery import shared_task

from services.common.operations import Operation, run_operation
from services.identity.convert import outcome_to_proto
from services.identity.execution import execute_check
from services.identity.handlers import PURGE_TASK, RUN_TASK, purge_expired
from services.identity.wiring import identity_deps
from workers import deps
from workers.base import WardenTask


def _identity_result(operation: Operation) -> tuple[str, bytes]:
    result = outcome_to_proto(execute_check(operation, identity_deps(deps.current())))
    return result.DESCRIPTOR.full_name, result.SerializeToString()


@shared_task(base=WardenTask, name=RUN_TASK)
def run_check(operation_id: str, **_: object) -> None:
    run_operation(deps.current().operations, operation_id, _identity_result)


@shared_task(base=WardenTask, name=PURGE_TASK)
def purge_expired_images() -> int:
    """Beat: delete images past the retention period."""
    return purge_expired(identity_deps(deps.current()))
