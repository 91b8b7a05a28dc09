"""Graph sweeps on real Redis and real worker processes: a partition worker killed mid-sweep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from warden.graph.v1 import graph_pb2

from services.common.operations import OperationState
from services.common.runtime import Container
from services.graph.core.detectors import run_detectors
from services.graph.core.rings import assemble_rings
from services.graph.deps import graph_deps
from services.graph.handlers import ingest_transactions
from services.graph.sweeps import SweepCommand, start_sweep
from services.graph.synthetic import GeneratorConfig, generate, transactions_of
from tests.conftest import make_settings
from tests.support.workers import WorkerProcess, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

VISIBILITY_S = 3
PARTITIONS = 6
DATA = GeneratorConfig(
    seed=5,
    accounts=4_000,
    background=20_000,
    days=30,
    rings_per_typology=1,
    payroll_employers=2,
    merchants=3,
    households=20,
    supplier_chains=4,
)


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
        WARDEN_GRAPH_SWEEP_POLL_S="0.2",
    )
    yield container, env
    container.close()


def test_partition_worker_killed_mid_sweep_is_redelivered_and_the_sweep_completes_once(
    broker: tuple[Container, dict[str, str]], tmp_path: Path, redis_url: str, redis_prefix: str
) -> None:
    container, env = broker
    data = generate(DATA)
    deps = graph_deps(container)
    transactions = transactions_of(data)
    ingest_transactions(
        [transactions[i : i + 20_000] for i in range(0, len(transactions), 20_000)], deps
    )
    operation = start_sweep(
        SweepCommand("killed-partition", partitions=PARTITIONS, since=0),
        "tester",
        container.operations,
        container.queue,
    )
    sweep_id = f"sweep-{operation.id}"
    unacked = redis.Redis.from_url(redis_url)
    with WorkerProcess(env, tmp_path / "coordinator.log", queues="default") as coordinator:
        first = WorkerProcess(env, tmp_path / "graph1.log", queues="graph").start()
        try:
            # Killed while it holds partition messages it has not acknowledged. (Waiting for
            # "some but not all partitions finished" is a race: once the first partition has
            # built the sweep's shared frame, the others finish within milliseconds of it.)
            wait_for(
                lambda: unacked.hlen(f"{redis_prefix}unacked") >= 1,
                120,
                interval=0.02,
                message=f"the first partitions; logs:\n{coordinator.log()}\n{first.log()}",
            )
        finally:
            first.kill()  # SIGKILL mid-sweep: its reserved partitions are never acknowledged
            unacked.close()
        done_when_killed = len(deps.store.finished_partitions(sweep_id))
        assert done_when_killed < PARTITIONS
        with WorkerProcess(env, tmp_path / "graph2.log", queues="graph"):
            wait_for(
                lambda: container.operations.get(operation.id).state.terminal,
                180,
                message=f"the sweep to finish; coordinator log:\n{coordinator.log()}",
            )
    final = container.operations.get(operation.id)
    assert final.state is OperationState.SUCCEEDED, final
    result = graph_pb2.SweepResult.FromString(final.result or b"")
    assert result.partitions == PARTITIONS
    assert deps.store.finished_partitions(sweep_id) == {
        p["key"] for p in deps.store.get_sweep(sweep_id).partitions
    }
    expected = assemble_rings(run_detectors(data.frame).findings)
    stored = deps.store.rings(10_000, 0.0)
    assert result.rings == len(expected) == len(stored)
    assert sorted(r.fingerprint for r in stored) == sorted(r.fingerprint for r in expected)
