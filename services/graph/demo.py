"""Demo step: stream a generated set in over gRPC, sweep it through Celery, show the rings."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

from warden.graph.v1 import graph_pb2, graph_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.demo import DemoContext
from services.graph.convert import transaction_to_proto
from services.graph.core.model import DAY
from services.graph.synthetic import GeneratorConfig, generate, transactions_of

DEMO_SET = GeneratorConfig(
    seed=11,
    accounts=4_000,
    background=20_000,
    days=60,
    rings_per_typology=1,
    payroll_employers=3,
    merchants=4,
    households=30,
    supplier_chains=5,
)
BATCH = 5_000


async def _batches(
    rows: list[graph_pb2.Transaction],
) -> AsyncIterator[graph_pb2.IngestTransactionsRequest]:
    for start in range(0, len(rows), BATCH):
        yield graph_pb2.IngestTransactionsRequest(transactions=rows[start : start + BATCH])


async def run(ctx: DemoContext) -> None:
    graph = graph_pb2_grpc.GraphServiceStub(ctx.channel)
    data = generate(DEMO_SET)
    rows = [transaction_to_proto(t) for t in transactions_of(data)]
    started = time.perf_counter()
    first = await graph.IngestTransactions(_batches(rows), metadata=ctx.metadata, timeout=120)
    again = await graph.IngestTransactions(
        _batches(rows[:BATCH]), metadata=ctx.metadata, timeout=60
    )
    ctx.console.print(
        f"  ingested {first.inserted:,} transfers in {time.perf_counter() - started:.1f} s "
        f"({len(data.planted)} planted rings among them); re-sending {again.received:,} "
        f"stored {again.inserted} new, {again.duplicates:,} duplicates"
    )
    result = await _sweep(ctx)
    listed = await graph.ListRings(graph_pb2.ListRingsRequest(limit=100), metadata=ctx.metadata)
    for ring in listed.rings[:5]:
        ctx.console.print(f"  [bold]{ring.score:.2f}[/bold] {ring.explanation[:400]}…", markup=True)
    found = sum(
        any(len(p.accounts & set(r.accounts)) * 2 >= len(p.accounts) for r in listed.rings)
        for p in data.planted
    )
    await _analyze(ctx, graph, listed.rings[0].accounts[0] if listed.rings else "")
    ctx.record(
        "graph sweep",
        "ok" if found == len(data.planted) else "check",
        f"{result.rings} rings from {result.partitions} Celery partitions; "
        f"{found}/{len(data.planted)} planted rings found",
    )


async def _sweep(ctx: DemoContext) -> graph_pb2.SweepResult:
    graph = graph_pb2_grpc.GraphServiceStub(ctx.channel)
    operations = operations_pb2_grpc.OperationsServiceStub(ctx.channel)
    request = graph_pb2.StartSweepRequest(request_id=f"demo-{uuid.uuid4().hex[:8]}", partitions=4)
    request.since.seconds = DEMO_SET_START
    reply = await graph.StartSweep(request, metadata=ctx.metadata, timeout=10)
    watch = operations_pb2.WatchOperationRequest(id=reply.operation.id, timeout_seconds=120)
    last = None
    async for update in operations.WatchOperation(watch, metadata=ctx.metadata, timeout=125):
        last = update.operation
        if update.operation.progress_message:
            ctx.console.print(f"  sweep {update.operation.progress_message}")
    result = graph_pb2.SweepResult()
    if last is None or not last.result.Unpack(result):
        raise RuntimeError(f"sweep did not complete: {last}")
    ctx.console.print(
        f"  sweep {result.sweep_id}: {result.findings} findings -> {result.rings} rings, "
        f"{result.alerts} alerts sent to case intake"
    )
    return result


async def _analyze(
    ctx: DemoContext, graph: graph_pb2_grpc.GraphServiceAsyncStub, account: str
) -> None:
    if not account:
        return
    started = time.perf_counter()
    reply = await graph.AnalyzeAccount(
        graph_pb2.AnalyzeAccountRequest(account=account, depth=2), metadata=ctx.metadata
    )
    took = (time.perf_counter() - started) * 1000
    shown = ", ".join(f"{i.name}={i.value:g}" for i in reply.indicators)
    ctx.console.print(
        f"  AnalyzeAccount({account}): {len(reply.edges)} transfers around it, "
        f"{len(reply.findings)} findings, {len(reply.rings)} ring(s), {took:.0f} ms; {shown}"
    )


DEMO_SET_START = 1_704_067_200 - DAY  # sweep everything the demo set holds
