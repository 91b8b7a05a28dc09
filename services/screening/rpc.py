"""ScreeningService servicer: proto -> handler -> proto, nothing else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import grpc
from warden.common.v1 import types_pb2
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.errors import InvalidArgument
from services.common.rpc.context import current_principal
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.screening import convert, handlers
from services.screening.core.screen import BatchCache
from services.screening.deps import screening_deps
from services.screening.handlers import ScreenCommand, ScreeningDeps
from services.screening.rescreen import StatusQuery, rescreen_status

Context = grpc.aio.ServicerContext[Any, Any]
# Stream items are screened in batches of whatever has arrived (at most this many), so a bulk
# client pays one thread hop per batch while an interactive one is answered item by item.
STREAM_BATCH = 64
_END = object()
RESCREENINGS_SHOWN = 5


class ScreeningServicer(screening_pb2_grpc.ScreeningServiceServicer):
    def __init__(self, container: Container) -> None:
        self.container = container

    @property
    def deps(self) -> ScreeningDeps:
        return screening_deps(self.container)

    async def Screen(
        self, request: screening_pb2.ScreenRequest, context: Context
    ) -> screening_pb2.ScreenResponse:
        command = convert.screen_command(request)
        outcome = await asyncio.to_thread(handlers.screen, command, self.deps)
        return convert.screen_response(outcome)

    async def ScreenStream(
        self, request_iterator: AsyncIterator[screening_pb2.ScreenStreamRequest], context: Context
    ) -> AsyncIterator[screening_pb2.ScreenStreamResponse]:
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=STREAM_BATCH * 4)
        reader = asyncio.create_task(_read_all(request_iterator, queue))
        memos = BatchCache()  # one per stream: later items reuse earlier items' work
        try:
            while True:
                batch = await _take_batch(queue)
                if not batch:
                    break
                items = await asyncio.to_thread(_screen_items, batch, self.deps, memos)
                for response in items:
                    yield screening_pb2.ScreenStreamResponse(response=response)
            await reader
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def Compare(
        self, request: screening_pb2.CompareRequest, context: Context
    ) -> screening_pb2.CompareResponse:
        command = convert.compare_command(request)
        match, version = await asyncio.to_thread(handlers.compare, command, self.deps)
        return screening_pb2.CompareResponse(hit=convert.hit_to_proto(match), list_version=version)

    async def GetListStatus(
        self, request: screening_pb2.GetListStatusRequest, context: Context
    ) -> screening_pb2.GetListStatusResponse:
        info = handlers.list_status(self.deps)
        query = StatusQuery(new_version=info.version, limit=RESCREENINGS_SHOWN)
        rescreenings = await asyncio.to_thread(
            rescreen_status, query, self.container.operations, convert.rescreen_report
        )
        return screening_pb2.GetListStatusResponse(
            current=convert.version_to_proto(info),
            rescreenings=[convert.rescreen_status_to_proto(s) for s in rescreenings],
        )

    async def ListVersions(
        self, request: screening_pb2.ListVersionsRequest, context: Context
    ) -> screening_pb2.ListVersionsResponse:
        page, token, total = handlers.list_versions(
            request.page.page_size, request.page.page_token, self.deps
        )
        return screening_pb2.ListVersionsResponse(
            versions=[convert.version_to_proto(v) for v in page],
            page=types_pb2.PageResponse(next_page_token=token, total_size=total),
        )

    async def SuppressHit(
        self, request: screening_pb2.SuppressHitRequest, context: Context
    ) -> screening_pb2.SuppressHitResponse:
        command = convert.suppress_command(request)
        actor = current_principal().id
        suppression = await asyncio.to_thread(handlers.suppress_hit, command, actor, self.deps)
        return screening_pb2.SuppressHitResponse(customer_hash=suppression.customer_hash)


async def _read_all(
    requests: AsyncIterator[screening_pb2.ScreenStreamRequest], queue: asyncio.Queue[object]
) -> None:
    try:
        async for item in requests:
            await queue.put(item.request)
    finally:
        await queue.put(_END)


async def _take_batch(queue: asyncio.Queue[object]) -> list[screening_pb2.ScreenRequest]:
    """Wait for one item, then take whatever else has already arrived (up to a batch)."""
    first = await queue.get()
    if first is _END:
        return []
    batch = [first]
    while len(batch) < STREAM_BATCH and not queue.empty():
        item = queue.get_nowait()
        if item is _END:
            queue.put_nowait(_END)  # seen again by the next call, which ends the stream
            break
        batch.append(item)
    return batch  # type: ignore[return-value]  # only requests are queued besides _END


def _screen_items(
    requests: list[screening_pb2.ScreenRequest], deps: ScreeningDeps, memos: BatchCache
) -> list[screening_pb2.ScreenResponse]:
    out = []
    for request in requests:
        try:
            command: ScreenCommand = convert.screen_command(request)
            out.append(convert.screen_response(handlers.screen(command, deps, memos)))
        except InvalidArgument as error:
            out.append(convert.error_response(request.party.reference, error))
    return out


def build(container: Container) -> list[RpcService]:
    servicer = ScreeningServicer(container)
    name = screening_pb2.DESCRIPTOR.services_by_name["ScreeningService"].full_name
    return [
        RpcService(
            name,
            lambda server: screening_pb2_grpc.add_ScreeningServiceServicer_to_server(
                servicer, server
            ),
        )
    ]
