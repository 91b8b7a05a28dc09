"""The one table from domain errors to gRPC status codes, with google.rpc error details.

Clients get: the status code, a message, and in `grpc-status-details-bin` a google.rpc.Status
carrying ErrorInfo (reason + domain "warden"), BadRequest field violations, ResourceInfo for
NOT_FOUND, and RequestInfo with the request id to quote to support. Unknown exceptions are
never described: INTERNAL with the request id only, the traceback goes to the log.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from services.common import errors as e
from services.common.rpc.context import request_id_var

# Order matters only for subclasses: the first matching class wins.
STATUS_BY_ERROR: tuple[tuple[type[e.WardenError], grpc.StatusCode], ...] = (
    (e.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (e.NotFound, grpc.StatusCode.NOT_FOUND),
    (e.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (e.Conflict, grpc.StatusCode.ABORTED),
    (e.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (e.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (e.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (e.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (e.TransientError, grpc.StatusCode.UNAVAILABLE),
)
ERROR_DOMAIN = "warden"
STATUS_DETAILS_KEY = "grpc-status-details-bin"


def status_code_for(error: e.WardenError) -> grpc.StatusCode:
    for cls, code in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return code
    return grpc.StatusCode.INTERNAL


def code_number(name: str) -> int:
    """gRPC code number for a reason that is a code name ("INVALID_ARGUMENT" -> 3), else 13."""
    try:
        return int(code_pb2.Code.Value(name))
    except ValueError:
        return int(code_pb2.INTERNAL)


def _pack(message: object) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)  # type: ignore[arg-type]
    return packed


def rich_status(error: e.WardenError, request_id: str) -> tuple[grpc.StatusCode, status_pb2.Status]:
    code = status_code_for(error)
    details = [
        _pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN)),
        _pack(error_details_pb2.RequestInfo(request_id=request_id)),
    ]
    if isinstance(error, e.InvalidArgument) and error.violations:
        violations = [
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in error.violations
        ]
        details.append(_pack(error_details_pb2.BadRequest(field_violations=violations)))
    if isinstance(error, e.NotFound):
        info = error_details_pb2.ResourceInfo(
            resource_type=error.resource_type, resource_name=error.resource_name
        )
        details.append(_pack(info))
    status = status_pb2.Status(code=code.value[0], message=error.message, details=details)
    return code, status


def internal_status(request_id: str) -> tuple[grpc.StatusCode, status_pb2.Status]:
    message = f"internal error (request id {request_id})"
    details = [_pack(error_details_pb2.RequestInfo(request_id=request_id))]
    return grpc.StatusCode.INTERNAL, status_pb2.Status(
        code=grpc.StatusCode.INTERNAL.value[0], message=message, details=details
    )


async def abort_with(
    context: grpc.aio.ServicerContext[object, object],
    code: grpc.StatusCode,
    status: status_pb2.Status,
) -> None:
    """Abort the call with `status` in the trailers (raises grpc.aio.AbortError)."""
    trailers = (
        (STATUS_DETAILS_KEY, status.SerializeToString()),
        ("x-request-id", request_id_var.get()),
    )
    await context.abort(code, status.message, trailing_metadata=trailers)
