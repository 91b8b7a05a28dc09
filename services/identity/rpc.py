"""IdentityService servicer: proto -> handler -> proto, nothing else."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from warden.identity.v1 import identity_pb2, identity_pb2_grpc
from warden.operations.v1 import operations_pb2

from services.common.errors import NotFound, ResourceExhausted
from services.common.operations import Operation
from services.common.rpc.context import current_principal
from services.common.rpc.convert import operation_to_proto
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.identity import convert
from services.identity.handlers import (
    CheckCommand,
    IdentityDeps,
    start_liveness,
    submit_check,
    upload_image,
)
from services.identity.wiring import identity_deps
from services.operations.handlers import get_operation
from services.operations.rpc import OperationsServicer

Context = grpc.aio.ServicerContext[Any, Any]


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, container: Container, deps: Callable[[], IdentityDeps]) -> None:
        self.container = container
        self.deps = deps
        self.operations = OperationsServicer(container)

    async def _submit(self, build: Callable[[], CheckCommand]) -> Any:
        command = build()  # conversion errors are InvalidArgument, mapped by the interceptor
        operation = await asyncio.to_thread(
            submit_check, command, current_principal().id, self.deps()
        )
        return operation_to_proto(operation)

    async def VerifyDocument(
        self, request: identity_pb2.VerifyDocumentRequest, context: Context
    ) -> identity_pb2.VerifyDocumentResponse:
        operation = await self._submit(lambda: convert.verify_document_command(request))
        return identity_pb2.VerifyDocumentResponse(operation=operation)

    async def MatchFace(
        self, request: identity_pb2.MatchFaceRequest, context: Context
    ) -> identity_pb2.MatchFaceResponse:
        operation = await self._submit(lambda: convert.match_face_command(request))
        return identity_pb2.MatchFaceResponse(operation=operation)

    async def StartLiveness(
        self, request: identity_pb2.StartLivenessRequest, context: Context
    ) -> identity_pb2.StartLivenessResponse:
        challenge = await asyncio.to_thread(
            start_liveness, request.subject_id, current_principal().id, self.deps()
        )
        return convert.challenge_to_proto(challenge)

    async def SubmitLivenessFrames(
        self, request: identity_pb2.SubmitLivenessFramesRequest, context: Context
    ) -> identity_pb2.SubmitLivenessFramesResponse:
        operation = await self._submit(lambda: convert.liveness_command(request))
        return identity_pb2.SubmitLivenessFramesResponse(operation=operation)

    async def SubmitVerification(
        self, request: identity_pb2.SubmitVerificationRequest, context: Context
    ) -> identity_pb2.SubmitVerificationResponse:
        operation = await self._submit(lambda: convert.verification_command(request))
        return identity_pb2.SubmitVerificationResponse(operation=operation)

    async def UploadImage(
        self, request_iterator: AsyncIterator[identity_pb2.UploadImageRequest], context: Context
    ) -> identity_pb2.UploadImageResponse:
        limit = self.deps().settings.max_image_bytes
        parts: list[bytes] = []
        size = 0
        async for message in request_iterator:
            size += len(message.chunk)
            if size > limit:  # stop reading at once: never buffer more than the cap
                raise ResourceExhausted(
                    f"upload exceeds the {limit}-byte limit", reason="IMAGE_TOO_LARGE"
                )
            parts.append(message.chunk)
        data = b"".join(parts)
        stored = await asyncio.to_thread(upload_image, data, current_principal().id, self.deps())
        return identity_pb2.UploadImageResponse(
            upload_id=stored.id, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
        )

    async def _identity_operation(self, operation_id: str) -> Operation:
        store = self.container.operations
        operation = await asyncio.to_thread(get_operation, store, operation_id, current_principal())
        if not operation.kind.startswith("identity."):
            raise NotFound("operation", operation_id)
        return operation

    async def GetOperation(
        self, request: identity_pb2.GetOperationRequest, context: Context
    ) -> identity_pb2.GetOperationResponse:
        operation = await self._identity_operation(request.id)
        return identity_pb2.GetOperationResponse(operation=operation_to_proto(operation))

    async def WatchOperation(
        self, request: identity_pb2.WatchOperationRequest, context: Context
    ) -> AsyncIterator[identity_pb2.WatchOperationResponse]:
        await self._identity_operation(request.id)
        inner = operations_pb2.WatchOperationRequest(
            id=request.id, timeout_seconds=request.timeout_seconds
        )
        async for update in self.operations.WatchOperation(inner, context):
            yield identity_pb2.WatchOperationResponse(operation=update.operation)


def build(container: Container) -> list[RpcService]:
    servicer = IdentityServicer(container, lambda: identity_deps(container))
    name = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name
    return [
        RpcService(
            name,
            lambda server: identity_pb2_grpc.add_IdentityServiceServicer_to_server(
                servicer, server
            ),
        )
    ]
