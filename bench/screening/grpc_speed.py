"""Latency through gRPC: the real server (real interceptors: auth, logging, errors, metrics)
on a free local port, a client in the same process, Screen called one request at a time."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from warden.common.v1 import party_pb2
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.alerts import InMemoryAlertSink
from services.common.db import utcnow
from services.common.migrate import upgrade
from services.common.rpc.convert import party_to_proto
from services.common.runtime import Container
from services.screening.deps import AREA
from services.screening.handlers import ScreeningDeps
from services.screening.ports import InMemoryCustomerStore, InMemorySuppressionStore, StaticLists
from tests.conftest import make_settings
from tests.support.grpc import auth, start_test_server
from watchlists.model import Party


async def _measure(container: Container, queries: Sequence[Party], runs: int) -> list[float]:
    async with start_test_server(container) as server:
        token = server.key("screening.screen")
        async with server.channel() as channel:
            stub = screening_pb2_grpc.ScreeningServiceStub(channel)
            requests = [screening_pb2.ScreenRequest(party=_wire(q)) for q in queries]
            for request in requests[:50]:  # warm-up: connection, caches
                await stub.Screen(request, metadata=auth(token))
            p50s = []
            for _ in range(runs):
                latencies = []
                for request in requests:
                    started = time.perf_counter()
                    await stub.Screen(request, metadata=auth(token))
                    latencies.append(time.perf_counter() - started)
                latencies.sort()
                p50s.append(latencies[len(latencies) // 2] * 1000)
            return p50s


def _wire(query: Party) -> party_pb2.Party:
    return party_to_proto(query)


def grpc_latency(parties: Sequence[Party], queries: Sequence[Party], runs: int) -> float:
    """Median over runs of the p50 Screen latency through gRPC, in milliseconds."""
    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder), database_url=f"sqlite:///{folder}/bench.db")
        upgrade(settings.resolved_database_url)
        container = Container.build(settings)
        deps = ScreeningDeps(
            lists=StaticLists(parties, utcnow),
            customers=InMemoryCustomerStore(),
            suppressions=InMemorySuppressionStore(),
            alerts=InMemoryAlertSink(),
            clock=utcnow,
        )
        container.area(AREA, lambda _: deps)
        try:
            return statistics.median(asyncio.run(_measure(container, queries, runs)))
        finally:
            container.close()
