"""OperationsService servicer: read and watch long-running operations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.operations import Operation
from services.common.rpc.context import current_principal
from services.common.rpc.convert import operation_to_proto
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.operations.handlers import get_operation

DEFAULT_WATCH_S = 60
MAX_WATCH_S = 600
FIRST_POLL_S = 0.05
# A watcher learns of a change at most this late. Each poll is one primary-key read, so a
# short cap is cheap; at 1 s it added up to 0.8 s to what an onboarding client waited for a
# decision that took 0.9 s on the server (bench/e2e, docs/load.md).
MAX_POLL_S = 0.25


class OperationsServicer(operations_pb2_grpc.OperationsServiceServicer):
    def __init__(self, container: Container) -> None:
        self.store = container.operations

    async def _get(self, operation_id: str) -> Operation:
        return await asyncio.to_thread(get_operation, self.store, operation_id, current_principal())

    async def GetOperation(
        self,
        request: operations_pb2.GetOperationRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> operations_pb2.GetOperationResponse:
        operation = await self._get(request.id)
        return operations_pb2.GetOperationResponse(operation=operation_to_proto(operation))

    async def WatchOperation(
        self,
        request: operations_pb2.WatchOperationRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[operations_pb2.WatchOperationResponse]:
        # Polls the database (the source of truth) with back-off: no extra moving part (pub/sub)
        # whose loss could make a watcher miss the final state.
        limit = min(request.timeout_seconds or DEFAULT_WATCH_S, MAX_WATCH_S)
        deadline = time.monotonic() + limit
        last_seen: tuple[object, ...] | None = None
        delay = FIRST_POLL_S
        while True:
            operation = await self._get(request.id)
            seen = (operation.state, operation.progress_percent, operation.progress_message)
            if seen != last_seen:
                yield operations_pb2.WatchOperationResponse(operation=operation_to_proto(operation))
                last_seen, delay = seen, FIRST_POLL_S
            if operation.state.terminal or time.monotonic() >= deadline:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_POLL_S)


def build(container: Container) -> list[RpcService]:
    servicer = OperationsServicer(container)
    name = operations_pb2.DESCRIPTOR.services_by_name["OperationsService"].full_name
    return [
        RpcService(
            name,
            lambda server: operations_pb2_grpc.add_OperationsServiceServicer_to_server(
                servicer, server
            ),
        )
    ]
