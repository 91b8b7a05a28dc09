"""A real Warden gRPC server in-process, on a free port, with the real interceptor stack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc

from services.common.rpc.server import RpcService, WardenServer, build_server
from services.common.runtime import Container
from services.serve import collect_services, rpc_areas


@dataclass
class TestServer:
    __test__ = False  # not a test class, despite the name

    server: WardenServer
    container: Container
    address: str

    def channel(self) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(self.address)

    def key(self, *scopes: str, name: str = "test client") -> str:
        """A new API key with these scopes; returns the bearer token."""
        return self.container.keys.create_key(name, scopes).token


def auth(token: str, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"), *extra)


@asynccontextmanager
async def start_test_server(
    container: Container,
    services: Sequence[RpcService] | None = None,
    extra_scopes: Mapping[str, str] | None = None,
) -> AsyncIterator[TestServer]:
    chosen = services if services is not None else collect_services(container, rpc_areas())
    server = build_server(
        container.settings.grpc, chosen, container.keys, extra_scopes=extra_scopes
    )
    port = await server.start()
    try:
        yield TestServer(server, container, f"127.0.0.1:{port}")
    finally:
        await server.shutdown(grace=0.5)
