"""Operations end to end in one process: gRPC, database, embedded worker, database, watch."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from warden.common.v1 import operation_pb2
from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.runtime import Container
from tests.conftest import make_settings
from tests.support.certs import TestCA
from tests.support.grpc import TestServer, auth, start_test_server
from workers import deps
from workers.embedded import EmbeddedWorker


@pytest.fixture
async def live(container: Container) -> AsyncIterator[TestServer]:
    deps.install(container)
    with EmbeddedWorker(container.celery, concurrency=2):
        async with start_test_server(container) as server:
            yield server
    deps.reset()


async def _watch(
    channel: grpc.aio.Channel, token: str, operation_id: str
) -> list[operation_pb2.Operation]:
    stub = operations_pb2_grpc.OperationsServiceStub(channel)
    request = operations_pb2.WatchOperationRequest(id=operation_id, timeout_seconds=20)
    return [u.operation async for u in stub.WatchOperation(request, metadata=auth(token))]


async def test_probe_completes_and_watch_streams_until_terminal(live: TestServer) -> None:
    token = live.key("diagnostics.probe", "operations.read")
    payload = b"the quick brown fox"
    async with live.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        started = await stub.RunProbe(
            diagnostics_pb2.RunProbeRequest(
                request_id="p-1", payload=payload, hold_ms=200, queue="graph"
            ),
            metadata=auth(token),
        )
        updates = await _watch(channel, token, started.operation.id)
    final = updates[-1]
    assert final.state == operation_pb2.OPERATION_STATE_SUCCEEDED
    result = diagnostics_pb2.ProbeResult()
    assert final.result.Unpack(result)
    assert result.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert (result.payload_size, result.attempts) == (len(payload), 1)
    assert next(u.state for u in updates) in (
        operation_pb2.OPERATION_STATE_PENDING,
        operation_pb2.OPERATION_STATE_RUNNING,
    )


async def test_retried_request_returns_the_same_operation_and_reuse_is_refused(
    live: TestServer,
) -> None:
    token = live.key("diagnostics.probe")
    async with live.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        request = diagnostics_pb2.RunProbeRequest(request_id="same", payload=b"a")
        first = await stub.RunProbe(request, metadata=auth(token))
        again = await stub.RunProbe(request, metadata=auth(token))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunProbe(
                diagnostics_pb2.RunProbeRequest(request_id="same", payload=b"b"),
                metadata=auth(token),
            )
    assert first.operation.id == again.operation.id
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_watch_requires_credentials(live: TestServer) -> None:
    async with live.channel() as channel:
        stub = operations_pb2_grpc.OperationsServiceStub(channel)
        request = operations_pb2.WatchOperationRequest(id="op_" + "0" * 26)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in stub.WatchOperation(request):
                pass
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_mtls_client_certificate_identifies_the_caller(
    tmp_path: Path, sqlite_url: str
) -> None:
    ca = TestCA()
    cert, key, ca_file = ca.write_server_files(tmp_path)
    grpc_settings = {
        "host": "127.0.0.1",
        "port": 0,
        "drain_delay_s": 0.0,
        "tls_cert_file": cert,
        "tls_key_file": key,
        "tls_client_ca_file": ca_file,
    }
    container = Container.build(
        make_settings(tmp_path, database_url=sqlite_url, grpc=grpc_settings)
    )
    container.keys.create_mtls_identity("bank core", "core-banking", ["diagnostics.probe"])
    async with start_test_server(container) as server:

        async def probe(client_cn: str) -> grpc.StatusCode:
            client = ca.issue(client_cn)
            creds = grpc.ssl_channel_credentials(ca.pem, client.key_pem, client.cert_pem)
            address = server.address.replace("127.0.0.1", "localhost")
            async with grpc.aio.secure_channel(address, creds) as channel:
                stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
                try:
                    await stub.RunProbe(
                        diagnostics_pb2.RunProbeRequest(request_id="m", payload=b"x")
                    )
                except grpc.aio.AioRpcError as error:
                    return error.code()
                return grpc.StatusCode.OK

        assert await probe("core-banking") == grpc.StatusCode.OK
        assert await probe("somebody-else") == grpc.StatusCode.UNAUTHENTICATED
        # Without a client certificate the TLS handshake itself is refused.
        address = server.address.replace("127.0.0.1", "localhost")
        async with grpc.aio.secure_channel(
            address, grpc.ssl_channel_credentials(ca.pem)
        ) as channel:
            stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.RunProbe(diagnostics_pb2.RunProbeRequest(request_id="m"), timeout=5)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    container.close()


async def test_credentials_unreadable_for_a_database_outage_answer_unavailable(
    tmp_path: Path,
) -> None:
    """The key store's database is unreachable: the client is told to retry, not UNKNOWN."""
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    container = Container.build(make_settings(tmp_path, database_url=unreachable))
    try:
        async with start_test_server(container) as server, server.channel() as channel:
            stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.RunProbe(
                    diagnostics_pb2.RunProbeRequest(request_id="x", payload=b"a"),
                    metadata=auth("wdn_01m8k2eb99b31g9dwvwn16bt8n_" + "s" * 43),
                )
    finally:
        container.close()
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
