"""DiagnosticsService servicer: proto -> handler -> proto, nothing else."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc

from services.common.rpc.context import current_principal
from services.common.rpc.convert import operation_to_proto
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.diagnostics.handlers import ProbeCommand, start_probe


class DiagnosticsServicer(diagnostics_pb2_grpc.DiagnosticsServiceServicer):
    def __init__(self, container: Container) -> None:
        self.container = container

    async def RunProbe(
        self, request: diagnostics_pb2.RunProbeRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> diagnostics_pb2.RunProbeResponse:
        command = ProbeCommand(
            request_id=request.request_id,
            payload=request.payload,
            hold_ms=request.hold_ms,
            queue=request.queue or "default",
        )
        operation = await asyncio.to_thread(
            start_probe,
            command,
            current_principal().id,
            self.container.operations,
            self.container.queue,
        )
        return diagnostics_pb2.RunProbeResponse(operation=operation_to_proto(operation))


def build(container: Container) -> list[RpcService]:
    servicer = DiagnosticsServicer(container)
    name = diagnostics_pb2.DESCRIPTOR.services_by_name["DiagnosticsService"].full_name
    return [
        RpcService(
            name,
            lambda server: diagnostics_pb2_grpc.add_DiagnosticsServiceServicer_to_server(
                servicer, server
            ),
        )
    ]
