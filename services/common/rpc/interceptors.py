"""The interceptor stack every Warden server runs, in this order (outermost first):

1. RequestContextInterceptor — request id (from `x-request-id` or new), one JSON log line per call
   (method, code, duration, principal; never payloads), `x-request-id` echoed in trailers.
2. AuthInterceptor — API key or mTLS identity -> Principal; default-deny scope check per method;
   optional on-behalf-of delegation. Failures are audited to the `warden.audit` logger.
3. MetricsInterceptor — Prometheus counters and latency histograms by method and code.
4. ErrorInterceptor — domain errors -> status + google.rpc details; anything else -> opaque
   INTERNAL plus a logged traceback.

Each is an async context manager wrapped around the handler, so the four compose the same way
for unary and streaming RPCs. Servicers contain no error handling of their own.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from typing import Any, TypeVar

import grpc
from prometheus_client import Counter, Gauge, Histogram

from services.common.auth import DELEGATE_SCOPE, KeyStore, Principal
from services.common.errors import TransientError, WardenError
from services.common.logs import bind
from services.common.rpc import errors as rpc_errors
from services.common.rpc.context import principal_var, request_id_var
from services.common.rpc.policy import MethodPolicy

log = logging.getLogger("warden.rpc")
audit = logging.getLogger("warden.audit")

Context = grpc.aio.ServicerContext[Any, Any]
_Req = TypeVar("_Req")
_Resp = TypeVar("_Resp")
Scope = Callable[[str, Context], AbstractAsyncContextManager[None]]

REQUEST_ID_HEADER = "x-request-id"
ON_BEHALF_OF_HEADER = "x-warden-on-behalf-of"


def _metadata(context: Context, key: str) -> str | None:
    for item in context.invocation_metadata() or ():
        if item[0] == key:
            value = item[1]
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


def _clean_header(value: str | None, limit: int = 128) -> str | None:
    """Header values we log or store: printable ASCII, bounded (log injection, abuse)."""
    if value is None or not 0 < len(value) <= limit or not value.isprintable():
        return None
    return value if value.isascii() else None


async def _call(behavior: Callable[..., Any], *args: Any) -> Any:
    result = behavior(*args)
    return await result if isinstance(result, Awaitable) else result


async def _stream(behavior: Callable[..., Any], *args: Any) -> AsyncIterator[Any]:
    result = behavior(*args)
    if hasattr(result, "__aiter__"):
        async for item in result:
            yield item
    else:
        for item in result:
            yield item


def wrap_handler(handler: grpc.RpcMethodHandler[Any, Any], method: str, scope: Scope) -> Any:
    """A copy of `handler` whose behaviour runs inside `scope(method, context)`."""
    kwargs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        inner_uu = handler.unary_unary

        async def unary_unary(request: Any, context: Context) -> Any:
            async with scope(method, context):
                return await _call(inner_uu, request, context)

        return grpc.unary_unary_rpc_method_handler(unary_unary, **kwargs)
    if handler.stream_unary:
        inner_su = handler.stream_unary

        async def stream_unary(requests: Any, context: Context) -> Any:
            async with scope(method, context):
                return await _call(inner_su, requests, context)

        return grpc.stream_unary_rpc_method_handler(stream_unary, **kwargs)
    inner_stream = handler.unary_stream or handler.stream_stream
    make = (
        grpc.unary_stream_rpc_method_handler
        if handler.unary_stream
        else grpc.stream_stream_rpc_method_handler
    )

    async def streaming(request: Any, context: Context) -> AsyncIterator[Any]:
        async with scope(method, context):
            async for item in _stream(inner_stream, request, context):  # type: ignore[arg-type]
                yield item

    return make(streaming, **kwargs)


class _ScopedInterceptor(grpc.aio.ServerInterceptor):
    """Base: subclasses implement `scope(method, context)` as an async context manager."""

    def scope(self, method: str, context: Context) -> AbstractAsyncContextManager[None]:
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[_Req, _Resp] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[_Req, _Resp] | None:
        handler = await continuation(handler_call_details)
        if handler is None:  # unknown method: grpc answers UNIMPLEMENTED
            return None
        wrapped: grpc.RpcMethodHandler[_Req, _Resp] = wrap_handler(
            handler, handler_call_details.method, self.scope
        )
        return wrapped


def _code_name(context: Context, raised: BaseException | None) -> str:
    if isinstance(raised, asyncio.CancelledError):
        return "CANCELLED"
    code: object = context.code()  # None at run time until a status is set, despite the stub
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "UNKNOWN" if raised is not None and not isinstance(raised, grpc.aio.AbortError) else "OK"


class RequestContextInterceptor(_ScopedInterceptor):
    @asynccontextmanager
    async def scope(self, method: str, context: Context) -> AsyncIterator[None]:
        request_id = _clean_header(_metadata(context, REQUEST_ID_HEADER)) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        raised: BaseException | None = None
        with bind(request_id=request_id, rpc=method):
            try:
                yield
                context.set_trailing_metadata(((REQUEST_ID_HEADER, request_id),))
            except BaseException as exc:
                raised = exc
                raise
            finally:
                self._log(method, context, raised, started)
                request_id_var.reset(token)

    @staticmethod
    def _log(method: str, context: Context, raised: BaseException | None, started: float) -> None:
        principal = principal_var.get()
        fields = {
            "code": _code_name(context, raised),
            "ms": round((time.perf_counter() - started) * 1000, 3),
            "principal": principal.id if principal else None,
        }
        log.info("rpc %s", method, extra={"fields": fields})


class AuthInterceptor(_ScopedInterceptor):
    def __init__(self, keys: KeyStore, policy: MethodPolicy) -> None:
        self.keys = keys
        self.policy = policy

    @asynccontextmanager
    async def scope(self, method: str, context: Context) -> AsyncIterator[None]:
        if self.policy.is_public(method):
            yield
            return
        principal = await self._authorise(method, context)
        token = principal_var.set(principal)
        try:
            with bind(principal=principal.id, acting_for=principal.acting_for):
                yield
        finally:
            principal_var.reset(token)

    async def _authorise(self, method: str, context: Context) -> Principal:
        try:
            principal = await self._authenticate(context)
        except TransientError as error:
            # This interceptor runs outside ErrorInterceptor: without this, a key lookup that
            # lost its database connection would reach the client as UNKNOWN.
            code, status = rpc_errors.rich_status(error, request_id_var.get())
            await rpc_errors.abort_with(context, code, status)
            raise  # abort_with raises; this line only tells the type checker
        if principal is None:
            await self._deny(
                context, method, grpc.StatusCode.UNAUTHENTICATED, "missing or invalid credentials"
            )
        assert principal is not None  # _deny always raises
        required = self.policy.required_scope(method)
        if required is None or not principal.allows(required):
            why = (
                "no scope is declared for this method"
                if required is None
                else f"requires scope {required!r}"
            )
            await self._deny(context, method, grpc.StatusCode.PERMISSION_DENIED, why, principal)
        return await self._delegate(principal, method, context)

    async def _authenticate(self, context: Context) -> Principal | None:
        token = _bearer(_metadata(context, "authorization")) or _metadata(context, "x-api-key")
        if token:
            return await asyncio.to_thread(self.keys.authenticate_token, token)
        subject = _peer_common_name(context)
        if subject:
            return await asyncio.to_thread(self.keys.authenticate_subject, subject)
        return None

    async def _delegate(self, principal: Principal, method: str, context: Context) -> Principal:
        raw = _metadata(context, ON_BEHALF_OF_HEADER)
        if raw is None:
            return principal
        officer = _clean_header(raw)
        if officer is None or not principal.allows(DELEGATE_SCOPE):
            await self._deny(
                context,
                method,
                grpc.StatusCode.PERMISSION_DENIED,
                "this credential may not act on behalf of another user",
                principal,
            )
        return replace(principal, acting_for=officer)

    async def _deny(
        self,
        context: Context,
        method: str,
        code: grpc.StatusCode,
        why: str,
        principal: Principal | None = None,
    ) -> None:
        fields = {"rpc": method, "principal": principal.id if principal else None, "why": why}
        audit.warning("access denied", extra={"fields": {"event": "auth.denied", **fields}})
        error: WardenError = WardenError(why, reason=code.name)
        _, status = rpc_errors.rich_status(error, request_id_var.get())
        status.code = code.value[0]
        await rpc_errors.abort_with(context, code, status)


def _bearer(value: str | None) -> str | None:
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip()
    return None


def _peer_common_name(context: Context) -> str | None:
    names = list(context.auth_context().get("x509_common_name") or [])
    return names[0].decode() if names else None


RPC_CALLS = Counter("warden_grpc_calls_total", "gRPC calls handled", ["method", "code"])
RPC_LATENCY = Histogram(
    "warden_grpc_call_seconds",
    "gRPC call latency",
    ["method"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RPC_IN_FLIGHT = Gauge("warden_grpc_in_flight", "gRPC calls in progress", ["method"])


class MetricsInterceptor(_ScopedInterceptor):
    @asynccontextmanager
    async def scope(self, method: str, context: Context) -> AsyncIterator[None]:
        started = time.perf_counter()
        raised: BaseException | None = None
        RPC_IN_FLIGHT.labels(method).inc()
        try:
            yield
        except BaseException as exc:
            raised = exc
            raise
        finally:
            RPC_IN_FLIGHT.labels(method).dec()
            RPC_LATENCY.labels(method).observe(time.perf_counter() - started)
            RPC_CALLS.labels(method, _code_name(context, raised)).inc()


class ErrorInterceptor(_ScopedInterceptor):
    @asynccontextmanager
    async def scope(self, method: str, context: Context) -> AsyncIterator[None]:
        try:
            yield
        except (grpc.aio.AbortError, asyncio.CancelledError):
            raise
        except WardenError as error:
            log.info("rpc refused", extra={"fields": {"reason": error.reason}})
            code, status = rpc_errors.rich_status(error, request_id_var.get())
            await rpc_errors.abort_with(context, code, status)
        except NotImplementedError:
            if context.code() == grpc.StatusCode.UNIMPLEMENTED:  # generated servicer stub
                raise
            await self._internal(context)
        except Exception:
            await self._internal(context)

    @staticmethod
    async def _internal(context: Context) -> None:
        log.exception("unhandled error in rpc handler")
        code, status = rpc_errors.internal_status(request_id_var.get())
        await rpc_errors.abort_with(context, code, status)


def default_stack(keys: KeyStore, policy: MethodPolicy) -> list[grpc.aio.ServerInterceptor]:
    """The fixed order every Warden server uses (see module docstring)."""
    return [
        RequestContextInterceptor(),
        AuthInterceptor(keys, policy),
        MetricsInterceptor(),
        ErrorInterceptor(),
    ]
