"""The server factory and interceptor stack, exercised through a real in-process gRPC server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from warden.common.v1 import operation_pb2
from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.errors import InvalidArgument, NotFound
from services.common.rpc.context import current_principal
from services.common.rpc.interceptors import RPC_CALLS
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.serve import collect_services, rpc_areas
from tests.support.grpc import TestServer, auth, start_test_server

TEST_SERVICE = "warden.test.v1.TestService"
Behaviour = Callable[
    [operations_pb2.GetOperationRequest], Awaitable[operations_pb2.GetOperationResponse]
]


def _test_service(behaviours: dict[str, Behaviour]) -> RpcService:
    """A generic service (no proto file) whose methods run the given coroutines."""

    def handler(behaviour: Behaviour) -> grpc.RpcMethodHandler[Any, Any]:
        async def call(request: operations_pb2.GetOperationRequest, context: object) -> Any:
            return await behaviour(request)

        return grpc.unary_unary_rpc_method_handler(
            call,
            request_deserializer=operations_pb2.GetOperationRequest.FromString,
            response_serializer=operations_pb2.GetOperationResponse.SerializeToString,
        )

    generic = grpc.method_handlers_generic_handler(
        TEST_SERVICE, {name: handler(b) for name, b in behaviours.items()}
    )
    return RpcService(TEST_SERVICE, lambda server: server.add_generic_rpc_handlers((generic,)))


async def _raise_domain(_: Any) -> Any:
    raise NotFound("widget", "w-1")


async def _raise_bug(_: Any) -> Any:
    raise RuntimeError("connection to postgres://admin:hunter2@db failed")


async def _whoami(_: Any) -> operations_pb2.GetOperationResponse:
    principal = current_principal()
    operation = operation_pb2.Operation(id=principal.id, kind=principal.acting_for or "")
    return operations_pb2.GetOperationResponse(operation=operation)


async def _slow(_: Any) -> Any:
    await asyncio.sleep(5)
    raise AssertionError("should have been cancelled")


async def _unscoped(_: Any) -> operations_pb2.GetOperationResponse:
    return operations_pb2.GetOperationResponse()


@pytest.fixture
async def server(container: Container) -> AsyncIterator[TestServer]:
    services = [
        *collect_services(container, rpc_areas()),
        _test_service(
            {
                "Domain": _raise_domain,
                "Bug": _raise_bug,
                "WhoAmI": _whoami,
                "Slow": _slow,
                "Unscoped": _unscoped,
            }
        ),
    ]
    scopes = {f"/{TEST_SERVICE}/{m}": "test.call" for m in ("Domain", "Bug", "WhoAmI", "Slow")}
    async with start_test_server(container, services, extra_scopes=scopes) as started:
        yield started


def _call(channel: grpc.aio.Channel, method: str) -> grpc.aio.UnaryUnaryMultiCallable[Any, Any]:
    return channel.unary_unary(
        f"/{TEST_SERVICE}/{method}",
        request_serializer=operations_pb2.GetOperationRequest.SerializeToString,
        response_deserializer=operations_pb2.GetOperationResponse.FromString,
    )


def _status(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            return status_pb2.Status.FromString(value)
    raise AssertionError("no google.rpc.Status in the trailers")


def _detail(status: status_pb2.Status, message_type: type[Any]) -> Any:
    for packed in status.details:
        candidate = message_type()
        if packed.Unpack(candidate):
            return candidate
    raise AssertionError(f"no {message_type.__name__} detail")


def _probe_request(**kwargs: Any) -> diagnostics_pb2.RunProbeRequest:
    return diagnostics_pb2.RunProbeRequest(**{"request_id": "req-1", "payload": b"x", **kwargs})


async def test_health_and_reflection_need_no_credentials(server: TestServer) -> None:
    async with server.channel() as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", "warden.diagnostics.v1.DiagnosticsService"):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=name))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        replies = [r async for r in stub.ServerReflectionInfo(iter([request]))]
    names = {s.name for s in replies[0].list_services_response.service}
    assert {
        "warden.diagnostics.v1.DiagnosticsService",
        "warden.operations.v1.OperationsService",
        "grpc.health.v1.Health",
    } <= names


@pytest.mark.parametrize(
    "metadata",
    [(), (("authorization", "Bearer wdn_nosuchkey_" + "x" * 43),), (("x-api-key", "garbage"),)],
    ids=["missing", "unknown-key", "malformed"],
)
async def test_bad_credentials_are_unauthenticated(
    server: TestServer, metadata: tuple[tuple[str, str], ...]
) -> None:
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunProbe(_probe_request(), metadata=metadata)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert _detail(_status(caught.value), error_details_pb2.ErrorInfo).reason == "UNAUTHENTICATED"


async def test_revoked_key_stops_working(server: TestServer) -> None:
    token = server.key("diagnostics.probe")
    server.container.keys.revoke(token.split("_")[1])
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunProbe(_probe_request(), metadata=auth(token))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_wrong_scope_is_permission_denied(server: TestServer) -> None:
    token = server.key("operations.read", "screening.*")
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunProbe(_probe_request(), metadata=auth(token))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "diagnostics.probe" in (caught.value.details() or "")


async def test_area_wildcard_scope_grants_the_area(server: TestServer) -> None:
    token = server.key("diagnostics.*")
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        reply = await stub.RunProbe(_probe_request(), metadata=auth(token))
    assert reply.operation.state == operation_pb2.OPERATION_STATE_PENDING


async def test_method_without_a_declared_scope_is_denied_even_to_star(server: TestServer) -> None:
    token = server.key("*")
    async with server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _call(channel, "Unscoped")(
                operations_pb2.GetOperationRequest(), metadata=auth(token)
            )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_invalid_argument_carries_every_field_violation_and_request_id(
    server: TestServer,
) -> None:
    token = server.key("diagnostics.probe")
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunProbe(
                _probe_request(request_id="", hold_ms=999_999, queue="nope"),
                metadata=auth(token, ("x-request-id", "trace-abc")),
            )
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = _status(error)
    fields = [v.field for v in _detail(status, error_details_pb2.BadRequest).field_violations]
    assert fields == ["request_id", "hold_ms", "queue"]
    assert _detail(status, error_details_pb2.RequestInfo).request_id == "trace-abc"
    assert ("x-request-id", "trace-abc") in tuple(error.trailing_metadata() or ())


async def test_domain_error_maps_to_its_code_with_resource_info(server: TestServer) -> None:
    token = server.key("test.call")
    async with server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _call(channel, "Domain")(
                operations_pb2.GetOperationRequest(), metadata=auth(token)
            )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    info = _detail(_status(caught.value), error_details_pb2.ResourceInfo)
    assert (info.resource_type, info.resource_name) == ("widget", "w-1")


async def test_unexpected_exception_is_opaque_internal_and_logged(
    server: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = server.key("test.call")
    with caplog.at_level(logging.ERROR, logger="warden.rpc"):
        async with server.channel() as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await _call(channel, "Bug")(
                    operations_pb2.GetOperationRequest(), metadata=auth(token)
                )
    error = caught.value
    assert error.code() == grpc.StatusCode.INTERNAL
    leaked = (error.details() or "") + str(_status(error))
    assert "hunter2" not in leaked
    assert "RuntimeError" not in leaked
    assert "postgres" not in leaked
    assert "internal error (request id" in (error.details() or "")
    assert any("hunter2" in (r.exc_text or "") for r in caplog.records), "traceback must be logged"


async def test_success_echoes_request_id_in_trailers(server: TestServer) -> None:
    token = server.key("test.call")
    async with server.channel() as channel:
        call = _call(channel, "WhoAmI")(
            operations_pb2.GetOperationRequest(), metadata=auth(token, ("x-request-id", "r-42"))
        )
        await call
        trailers = tuple(await call.trailing_metadata() or ())
    assert ("x-request-id", "r-42") in trailers


async def test_delegation_requires_the_delegate_scope(server: TestServer) -> None:
    plain = server.key("test.call")
    console = server.key("test.call", "auth.delegate", name="console")
    officer = ("x-warden-on-behalf-of", "officer-7")
    async with server.channel() as channel:
        whoami = _call(channel, "WhoAmI")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await whoami(operations_pb2.GetOperationRequest(), metadata=auth(plain, officer))
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        reply = await whoami(operations_pb2.GetOperationRequest(), metadata=auth(console, officer))
    assert reply.operation.kind == "officer-7"
    assert reply.operation.id == console.split("_")[1]


async def test_calls_are_counted_by_method_and_code(server: TestServer) -> None:
    method = "/warden.diagnostics.v1.DiagnosticsService/RunProbe"
    before = RPC_CALLS.labels(method, "INVALID_ARGUMENT")._value.get()
    token = server.key("diagnostics.probe")
    async with server.channel() as channel:
        stub = diagnostics_pb2_grpc.DiagnosticsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.RunProbe(_probe_request(request_id=""), metadata=auth(token))
    assert RPC_CALLS.labels(method, "INVALID_ARGUMENT")._value.get() == before + 1


async def test_client_deadline_cancels_the_handler_cleanly(server: TestServer) -> None:
    token = server.key("test.call")
    async with server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _call(channel, "Slow")(
                operations_pb2.GetOperationRequest(), metadata=auth(token), timeout=0.2
            )
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        # The server is still healthy and answering.
        reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_health_turns_not_serving_before_the_server_stops(container: Container) -> None:
    slow_drain = container.settings.grpc.model_copy(update={"drain_delay_s": 0.5})
    container.settings = container.settings.model_copy(update={"grpc": slow_drain})
    async with start_test_server(container) as started, started.channel() as channel:
        health = health_pb2_grpc.HealthStub(channel)
        shutdown = asyncio.ensure_future(started.server.shutdown(grace=0.5))
        await asyncio.sleep(0.1)
        reply = await health.Check(health_pb2.HealthCheckRequest(service=""))
        assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
        await shutdown


async def test_get_operation_of_another_client_is_not_found(server: TestServer) -> None:
    owner, stranger = (
        server.key("diagnostics.probe", "operations.read"),
        server.key("operations.read"),
    )
    async with server.channel() as channel:
        probe = await diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).RunProbe(
            _probe_request(), metadata=auth(owner)
        )
        operations = operations_pb2_grpc.OperationsServiceStub(channel)
        request = operations_pb2.GetOperationRequest(id=probe.operation.id)
        mine = await operations.GetOperation(request, metadata=auth(owner))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await operations.GetOperation(request, metadata=auth(stranger))
    assert mine.operation.id == probe.operation.id
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_invalid_argument_helper_builds_one_violation() -> None:
    error = InvalidArgument.for_field("party.names[0].full", "is required")
    assert [(v.field, v.description) for v in error.violations] == [
        ("party.names[0].full", "is required")
    ]
