"""The one gRPC server factory every Warden service uses.

    server = build_server(settings.grpc, services, keys)
    await server.start()          # binds, marks every service SERVING
    ...
    await server.shutdown()       # NOT_SERVING, drain delay, then stop with a grace period

Health (grpc.health.v1) reports each service and the overall server (""); reflection lists every
service, so `grpcurl` works without proto files. Message limits are sized for ID images.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection

from services.common.auth import KeyStore
from services.common.rpc.interceptors import default_stack
from services.common.rpc.policy import MethodPolicy, policy_for_services
from services.common.settings import GrpcSettings

log = logging.getLogger(__name__)

OVERALL = ""


@dataclass(frozen=True, slots=True)
class RpcService:
    """A servicer ready to register: its full name ("warden.x.v1.XService") and how to add it."""

    name: str
    register: Callable[[grpc.aio.Server], None]


class WardenServer:
    def __init__(
        self,
        server: grpc.aio.Server,
        health: health_aio.HealthServicer,
        services: Sequence[RpcService],
        settings: GrpcSettings,
        policy: MethodPolicy,
    ) -> None:
        self.grpc_server = server
        self.health = health
        self.services = tuple(services)
        self.settings = settings
        self.policy = policy
        self.port = 0
        self._stopped = asyncio.Event()

    @property
    def service_names(self) -> list[str]:
        return [s.name for s in self.services]

    async def start(self) -> int:
        await self.grpc_server.start()
        for name in [OVERALL, *self.service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info(
            "grpc server started",
            extra={"fields": {"port": self.port, "services": self.service_names}},
        )
        return self.port

    async def shutdown(self, grace: float | None = None) -> None:
        """Stop taking traffic gracefully: NOT_SERVING first, so balancers drain, then stop."""
        if self._stopped.is_set():
            return
        await self.health.enter_graceful_shutdown()
        await asyncio.sleep(self.settings.drain_delay_s)
        await self.grpc_server.stop(self.settings.shutdown_grace_s if grace is None else grace)
        self._stopped.set()
        log.info("grpc server stopped")

    async def wait_for_termination(self) -> None:
        await self._stopped.wait()


def _options(settings: GrpcSettings) -> list[tuple[str, int]]:
    limit = settings.max_message_mb * 1024 * 1024
    return [
        ("grpc.max_receive_message_length", limit),
        ("grpc.max_send_message_length", limit),
        ("grpc.so_reuseport", 0),  # never share a port with a stale server by accident
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.http2.max_pings_without_data", 0),
    ]


def _credentials(settings: GrpcSettings) -> grpc.ServerCredentials | None:
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return None
    pair = (settings.tls_key_file.read_bytes(), settings.tls_cert_file.read_bytes())
    ca = settings.tls_client_ca_file.read_bytes() if settings.tls_client_ca_file else None
    return grpc.ssl_server_credentials(
        [pair], root_certificates=ca, require_client_auth=ca is not None
    )


def build_server(
    settings: GrpcSettings,
    services: Sequence[RpcService],
    keys: KeyStore,
    *,
    extra_scopes: Mapping[str, str] | None = None,
) -> WardenServer:
    """Create (not start) a server with the standard interceptors, health and reflection.

    `extra_scopes` adds method -> scope entries for servicers without proto options (tests).
    """
    policy = policy_for_services(s.name for s in services).with_overrides(extra_scopes or {})
    server = grpc.aio.server(interceptors=default_stack(keys, policy), options=_options(settings))
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    for service in services:
        service.register(server)
    names = [s.name for s in services]
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    wrapped = WardenServer(server, health, services, settings, policy)
    address = f"{settings.host}:{settings.port}"
    credentials = _credentials(settings)
    if credentials is None:
        wrapped.port = server.add_insecure_port(address)
    else:
        wrapped.port = server.add_secure_port(address, credentials)
    return wrapped
