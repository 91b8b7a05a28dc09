"""Production topology on loopback: separate server processes, one worker per queue, beat, a
private Redis, PostgreSQL. The same code paths as a real deployment, only smaller."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from warden.common.v1 import operation_pb2
from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.auth import KeyStore
from services.common.db import Database
from services.registry import QUEUES
from tests.support.grpc import auth
from tests.support.topology import PrivateRedis, Topology

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def topology(tmp_path: Path, postgres_url: str) -> Iterator[Topology]:
    redis = PrivateRedis(tmp_path / "redis").start()
    extra = {"WARDEN_OPERATIONS__STALE_AFTER_S": "3", "WARDEN_OPERATIONS__REQUEUE_EVERY_S": "1"}
    with Topology(tmp_path, postgres_url, redis, extra_env=extra) as topo:
        topo.migrate()
        yield topo


def _token(postgres_url: str) -> str:
    database = Database.from_url(postgres_url)
    try:
        return KeyStore(database).create_key("e2e", ["*"]).token
    finally:
        database.dispose()


async def _probe(
    port: int, watch_port: int, token: str, queue: str, hold_ms: int = 0
) -> diagnostics_pb2.ProbeResult:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = await diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).RunProbe(
            diagnostics_pb2.RunProbeRequest(
                request_id=uuid.uuid4().hex, payload=queue.encode(), queue=queue, hold_ms=hold_ms
            ),
            metadata=auth(token),
            timeout=10,
        )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{watch_port}") as channel:
        watch = operations_pb2_grpc.OperationsServiceStub(channel).WatchOperation(
            operations_pb2.WatchOperationRequest(id=reply.operation.id, timeout_seconds=90),
            metadata=auth(token),
            timeout=95,
        )
        final = [u.operation async for u in watch][-1]
    assert final.state == operation_pb2.OPERATION_STATE_SUCCEEDED, final
    result = diagnostics_pb2.ProbeResult()
    assert final.result.Unpack(result)
    return result


async def test_every_queue_is_served_by_its_own_worker_process(
    topology: Topology, postgres_url: str
) -> None:
    diagnostics = topology.serve("diagnostics")
    operations = topology.serve("operations")
    workers = {queue: topology.worker([queue]) for queue in QUEUES}
    token = _token(postgres_url)
    assert diagnostics.port is not None
    assert operations.port is not None
    results = await asyncio.gather(
        *(_probe(diagnostics.port, operations.port, token, queue) for queue in QUEUES)
    )
    for queue, result in zip(QUEUES, results, strict=True):
        process = workers[queue].popen
        assert process is not None
        assert result.worker.endswith(f":{process.pid}"), f"{queue} ran on {result.worker}"


async def test_work_queued_in_a_restarted_redis_is_recovered(
    topology: Topology, postgres_url: str
) -> None:
    """Redis keeps nothing on disk here: a restart drops queued messages. The operation row is the
    source of truth, so beat's stale-operation sweeper sends the work again."""
    server = topology.serve("diagnostics")
    assert server.port is not None
    token = _token(postgres_url)
    # No worker yet: the probe's message waits in Redis...
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        reply = await diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).RunProbe(
            diagnostics_pb2.RunProbeRequest(request_id="survives-redis", payload=b"x"),
            metadata=auth(token),
            timeout=10,
        )
    # ...and is lost with the restart.
    topology.redis.stop()
    topology.redis.start()
    topology.worker(["default"])
    topology.beat()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        watch = operations_pb2_grpc.OperationsServiceStub(channel).WatchOperation(
            operations_pb2.WatchOperationRequest(id=reply.operation.id, timeout_seconds=60),
            metadata=auth(token),
            timeout=65,
        )
        final = [u.operation async for u in watch][-1]
    assert final.state == operation_pb2.OPERATION_STATE_SUCCEEDED, topology.logs()
