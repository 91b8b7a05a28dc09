"""The console's gRPC client of CaseService: its own key, acting for the signed-in officer.

Every call carries the console's API key (scopes `cases.*` + `auth.delegate`) and, for officer
actions, `x-warden-on-behalf-of: <officer id>`: case management then applies that officer's
roles. A failed call comes back as the same domain error the server raised
(`services.common.errors`), rebuilt from the status and its google.rpc details, so the web
layer shows the server's own words (and field violations next to the fields).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from google.rpc import error_details_pb2, status_pb2
from warden.cases.v1 import cases_pb2_grpc

from services.common import errors as e
from services.common.rpc.interceptors import ON_BEHALF_OF_HEADER, REQUEST_ID_HEADER

Resp = TypeVar("Resp")
STATUS_DETAILS_KEY = "grpc-status-details-bin"
CONSOLE_SCOPES = ("cases.*", "auth.delegate")


# A unary stub method: `stub.GetCase(request, timeout=..., metadata=...)`.
Unary = Callable[..., Awaitable[Resp]]


def _details(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            status.ParseFromString(value)
    return status


def _reason_and_violations(
    status: status_pb2.Status,
) -> tuple[str | None, list[e.FieldViolation], tuple[str, str] | None]:
    reason, violations, resource = None, [], None
    info, bad, res = (
        error_details_pb2.ErrorInfo(),
        error_details_pb2.BadRequest(),
        error_details_pb2.ResourceInfo(),
    )
    for detail in status.details:
        if detail.Unpack(info):
            reason = info.reason or None
        elif detail.Unpack(bad):
            violations = [e.FieldViolation(v.field, v.description) for v in bad.field_violations]
        elif detail.Unpack(res):
            resource = (res.resource_type, res.resource_name)
    return reason, violations, resource


_BY_CODE: dict[grpc.StatusCode, Callable[[str, str | None], e.WardenError]] = {
    grpc.StatusCode.ALREADY_EXISTS: lambda m, r: e.AlreadyExists(m, reason=r),
    grpc.StatusCode.ABORTED: lambda m, r: e.Conflict(m, reason=r),
    grpc.StatusCode.FAILED_PRECONDITION: lambda m, r: e.FailedPrecondition(m, reason=r),
    grpc.StatusCode.PERMISSION_DENIED: lambda m, r: e.PermissionDenied(m, reason=r),
    grpc.StatusCode.UNAUTHENTICATED: lambda m, r: e.Unauthenticated(m, reason=r),
    grpc.StatusCode.RESOURCE_EXHAUSTED: lambda m, r: e.ResourceExhausted(m, reason=r),
    grpc.StatusCode.UNAVAILABLE: lambda m, r: e.TransientError(m, reason=r),
    grpc.StatusCode.DEADLINE_EXCEEDED: lambda m, r: e.TransientError(m, reason=r),
}


def domain_error(error: grpc.aio.AioRpcError) -> e.WardenError:
    """The domain error a failed call stands for (INTERNAL stays opaque: a plain WardenError)."""
    code, message = error.code(), error.details() or error.code().name
    reason, violations, resource = _reason_and_violations(_details(error))
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return e.InvalidArgument(message, violations, reason=reason)
    if code == grpc.StatusCode.NOT_FOUND:
        return e.NotFound(*(resource or ("resource", "")))
    build = _BY_CODE.get(code)
    if build is None:
        return e.WardenError(message, reason=code.name)
    return build(message, reason)


class CaseClient:
    """CaseService for the console: `await client.call(stub.Method, request, officer)`."""

    def __init__(self, channel: grpc.aio.Channel, token: str, timeout_s: float = 15.0) -> None:
        self.channel = channel
        self.stub = cases_pb2_grpc.CaseServiceStub(channel)
        self._token = token
        self.timeout_s = timeout_s

    def metadata(self, officer: str | None, request_id: str = "") -> tuple[tuple[str, str], ...]:
        """The console's credentials, plus the officer it acts for (none for its own events)."""
        items = [("authorization", f"Bearer {self._token}")]
        if officer:
            items.append((ON_BEHALF_OF_HEADER, officer))
        if request_id:
            items.append((REQUEST_ID_HEADER, request_id))
        return tuple(items)

    async def call(self, method: Unary[Resp], request: object, officer: str | None) -> Resp:
        """One call; a failure is raised as the server's domain error."""
        try:
            return await method(request, timeout=self.timeout_s, metadata=self.metadata(officer))
        except grpc.aio.AioRpcError as error:
            raise domain_error(error) from None

    async def close(self) -> None:
        await self.channel.close()
