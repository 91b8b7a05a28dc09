"""Real Redis, a real `warden worker` process, a shared PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from warden.diagnostics.v1 import diagnostics_pb2

from services.common.operations import OperationState
from services.common.runtime import Container
from services.diagnostics.handlers import ProbeCommand, start_probe
from tests.conftest import make_settings
from tests.support.workers import WorkerProcess, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

VISIBILITY_S = 3  # short, so a killed worker's task comes back within seconds


@pytest.fixture
def broker(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[tuple[Container, dict[str, str]]]:
    celery = {
        "key_prefix": redis_prefix,
        "visibility_timeout_s": VISIBILITY_S,
        "restore_interval_s": 1,
    }
    settings = make_settings(
        tmp_path, database_url=postgres_url, redis_url=redis_url, celery=celery
    )
    container = Container.build(settings)
    env = worker_env(
        database_url=postgres_url,
        redis_url=redis_url,
        key_prefix=redis_prefix,
        data_dir=tmp_path / "worker",
        WARDEN_CELERY__VISIBILITY_TIMEOUT_S=str(VISIBILITY_S),
        WARDEN_CELERY__RESTORE_INTERVAL_S="1",
    )
    yield container, env
    container.close()


def _result(container: Container, operation_id: str) -> diagnostics_pb2.ProbeResult:
    operation = container.operations.get(operation_id)
    assert operation.state is OperationState.SUCCEEDED, operation
    return diagnostics_pb2.ProbeResult.FromString(operation.result or b"")


def test_task_round_trip_through_redis(
    broker: tuple[Container, dict[str, str]], tmp_path: Path
) -> None:
    container, env = broker
    with WorkerProcess(env, tmp_path / "worker.log", queues="default,graph") as worker:
        operation = start_probe(
            ProbeCommand("round-trip", b"payload", queue="graph"),
            "tester",
            container.operations,
            container.queue,
        )
        wait_for(
            lambda: container.operations.get(operation.id).state.terminal,
            60,
            message=f"probe to finish; worker log:\n{worker.log()}",
        )
    result = _result(container, operation.id)
    assert (result.payload_size, result.attempts) == (7, 1)
    assert str(worker.process.pid if worker.process else "") in result.worker


def test_worker_killed_mid_task_redelivers_and_completes_once(
    broker: tuple[Container, dict[str, str]], tmp_path: Path
) -> None:
    container, env = broker
    operation = start_probe(
        ProbeCommand("killed", b"abc", hold_ms=4000),
        "tester",
        container.operations,
        container.queue,
    )
    first = WorkerProcess(env, tmp_path / "first.log").start()
    try:
        wait_for(
            lambda: container.operations.get(operation.id).state is OperationState.RUNNING,
            60,
            message=f"the first worker to start the task; log:\n{first.log()}",
        )
    finally:
        first.kill()  # SIGKILL mid-task: no ack, no requeue, no cleanup
    assert container.operations.get(operation.id).attempts == 1
    with WorkerProcess(env, tmp_path / "second.log") as second:
        wait_for(
            lambda: container.operations.get(operation.id).state.terminal,
            90,
            message=f"redelivery; second worker log:\n{second.log()}",
        )
    result = _result(container, operation.id)
    assert result.attempts == 2, "the second worker ran the redelivered task"
    assert container.operations.get(operation.id).attempts == 2, "and nothing ran it a third time"
