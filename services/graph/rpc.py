"""GraphService servicer: proto -> handler -> proto, nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
from warden.graph.v1 import graph_pb2, graph_pb2_grpc

from services.common.errors import ResourceExhausted
from services.common.rpc.context import current_principal
from services.common.rpc.convert import operation_to_proto
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.graph import convert
from services.graph.analyze import analyze_account
from services.graph.deps import graph_deps
from services.graph.handlers import IngestTally
from services.graph.sweeps import start_sweep

MAX_BATCH = 10_000
MAX_RINGS = 1_000


class GraphServicer(graph_pb2_grpc.GraphServiceServicer):
    def __init__(self, container: Container) -> None:
        self.container = container

    async def IngestTransactions(
        self,
        request_iterator: AsyncIterator[graph_pb2.IngestTransactionsRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> graph_pb2.IngestTransactionsResponse:
        tally = IngestTally(graph_deps(self.container))
        async for request in request_iterator:
            if len(request.transactions) > MAX_BATCH:
                raise ResourceExhausted(f"at most {MAX_BATCH} transactions per message")
            batch = [convert.transaction_from_proto(t) for t in request.transactions]
            await asyncio.to_thread(tally.add_batch, batch)
        result = tally.result()
        return graph_pb2.IngestTransactionsResponse(
            received=result.received,
            inserted=result.inserted,
            duplicates=result.duplicates,
            rejected=[
                graph_pb2.RejectedTransaction(index=r.index, tx_id=r.tx_id, reason=r.reason)
                for r in result.rejected
            ],
            rejected_count=result.rejected_count,
        )

    async def AnalyzeAccount(
        self, request: graph_pb2.AnalyzeAccountRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> graph_pb2.AnalyzeAccountResponse:
        command = convert.analyze_from_proto(request)
        analysis = await asyncio.to_thread(analyze_account, command, graph_deps(self.container))
        return convert.analysis_to_proto(analysis)

    async def StartSweep(
        self, request: graph_pb2.StartSweepRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> graph_pb2.StartSweepResponse:
        operation = await asyncio.to_thread(
            start_sweep,
            convert.sweep_from_proto(request),
            current_principal().id,
            self.container.operations,
            self.container.queue,
        )
        return graph_pb2.StartSweepResponse(operation=operation_to_proto(operation))

    async def ListRings(
        self, request: graph_pb2.ListRingsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> graph_pb2.ListRingsResponse:
        limit = min(request.limit or 50, MAX_RINGS)
        store = graph_deps(self.container).store
        rings = await asyncio.to_thread(store.rings, limit, request.min_score)
        return graph_pb2.ListRingsResponse(rings=[convert.ring_to_proto(r) for r in rings])


def build(container: Container) -> list[RpcService]:
    servicer = GraphServicer(container)
    name = graph_pb2.DESCRIPTOR.services_by_name["GraphService"].full_name
    return [
        RpcService(
            name, lambda server: graph_pb2_grpc.add_GraphServiceServicer_to_server(servicer, server)
        )
    ]
