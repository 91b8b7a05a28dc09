"""Demo step: one probe through every queue — gRPC -> database -> queue -> worker -> database."""

from __future__ import annotations

import uuid

from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.demo import DemoContext
from services.registry import QUEUES


async def run(ctx: DemoContext) -> None:
    probes = diagnostics_pb2_grpc.DiagnosticsServiceStub(ctx.channel)
    operations = operations_pb2_grpc.OperationsServiceStub(ctx.channel)
    done = 0
    for queue in QUEUES:
        request = diagnostics_pb2.RunProbeRequest(
            request_id=f"demo-{queue}-{uuid.uuid4().hex[:8]}", payload=b"hello warden", queue=queue
        )
        reply = await probes.RunProbe(request, metadata=ctx.metadata, timeout=10)
        watch = operations_pb2.WatchOperationRequest(id=reply.operation.id, timeout_seconds=30)
        last = None
        async for update in operations.WatchOperation(watch, metadata=ctx.metadata, timeout=35):
            last = update.operation
        result = diagnostics_pb2.ProbeResult()
        if last is not None and last.result.Unpack(result):
            done += 1
            ctx.console.print(
                f"  probe via queue {queue:9} -> {last.id} SUCCEEDED  "
                f"sha256={result.payload_sha256[:12]}… worker={result.worker}"
            )
        else:
            ctx.console.print(f"  [red]probe via queue {queue} did not complete: {last}")
    outcome = "ok" if done == len(QUEUES) else "FAILED"
    ctx.record(
        "task pipeline", outcome, f"{done}/{len(QUEUES)} probes: gRPC → SQLite → Celery → SQLite"
    )
