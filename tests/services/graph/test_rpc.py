"""GraphService through a real in-process server with the real interceptors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from warden.graph.v1 import graph_pb2, graph_pb2_grpc

from services.graph.convert import transaction_to_proto
from services.graph.core.model import Transaction
from tests.services.graph.core.graphs import chain, tx
from tests.support.grpc import TestServer, auth


async def _stream(
    *batches: list[Transaction],
) -> AsyncIterator[graph_pb2.IngestTransactionsRequest]:
    for batch in batches:
        yield graph_pb2.IngestTransactionsRequest(
            transactions=[transaction_to_proto(t) for t in batch]
        )


async def test_ingest_is_idempotent_and_reports_bad_transfers_by_position(
    grpc_server: TestServer,
) -> None:
    token = grpc_server.key("graph.ingest")
    good = chain("c", ["A", "B", "C", "D", "A"], 1, 3, 9_000, 0.98)
    bad = graph_pb2.Transaction(tx_id="bad", source_account="X", target_account="Y", amount="-3")
    async with grpc_server.channel() as channel:
        stub = graph_pb2_grpc.GraphServiceStub(channel)
        first = await stub.IngestTransactions(_stream(good[:2], good[2:]), metadata=auth(token))

        async def with_bad() -> AsyncIterator[graph_pb2.IngestTransactionsRequest]:
            yield graph_pb2.IngestTransactionsRequest(
                transactions=[transaction_to_proto(good[0]), bad]
            )

        again = await stub.IngestTransactions(with_bad(), metadata=auth(token))
    assert (first.received, first.inserted, first.duplicates, first.rejected_count) == (4, 4, 0, 0)
    assert (again.received, again.inserted, again.duplicates, again.rejected_count) == (2, 0, 1, 1)
    assert again.rejected[0].index == 1
    assert again.rejected[0].tx_id == "bad"
    assert "time: is required" in again.rejected[0].reason
    assert "amount: must be a positive number" in again.rejected[0].reason


async def test_graph_rpcs_need_their_scopes(grpc_server: TestServer) -> None:
    token = grpc_server.key("graph.read")
    async with grpc_server.channel() as channel:
        stub = graph_pb2_grpc.GraphServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.AnalyzeAccount(
                graph_pb2.AnalyzeAccountRequest(account="A"), metadata=auth(token)
            )
        listed = await stub.ListRings(graph_pb2.ListRingsRequest(), metadata=auth(token))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert list(listed.rings) == []


async def test_analyze_account_returns_the_neighbourhood_with_indicators(
    grpc_server: TestServer,
) -> None:
    token = grpc_server.key("graph.ingest", "graph.analyze")
    ring = chain("c", ["A", "B", "C", "D", "A"], 1, 3, 9_000, 0.98)
    far = [tx("far", "D", "E", 5, 100), tx("farther", "E", "F", 6, 100)]
    async with grpc_server.channel() as channel:
        stub = graph_pb2_grpc.GraphServiceStub(channel)
        await stub.IngestTransactions(_stream(ring + far), metadata=auth(token))
        reply = await stub.AnalyzeAccount(
            graph_pb2.AnalyzeAccountRequest(account="A", depth=2), metadata=auth(token)
        )
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.AnalyzeAccount(
                graph_pb2.AnalyzeAccountRequest(account="NOBODY"), metadata=auth(token)
            )
        with pytest.raises(grpc.aio.AioRpcError) as deep:
            await stub.AnalyzeAccount(
                graph_pb2.AnalyzeAccountRequest(account="A", depth=9), metadata=auth(token)
            )
    assert reply.account == "A"
    assert {e.tx_id for e in reply.edges} == {"c0", "c1", "c2", "c3", "far"}  # F is 3 hops away
    indicators = {i.name: i.value for i in reply.indicators}
    assert indicators["pass_through_ratio"] == pytest.approx(9_000 / (9_000 * 0.98**3), rel=1e-3)
    assert reply.findings[0].typology == graph_pb2.TYPOLOGY_CYCLE  # strongest first
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert deep.value.code() == grpc.StatusCode.INVALID_ARGUMENT
