"""Running servers and workers: what `warden serve`, `warden worker` and `warden demo` share."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext

from prometheus_client import start_http_server

from services.common.errors import FailedPrecondition
from services.common.migrate import pending_revisions, upgrade
from services.common.rpc.server import RpcService, WardenServer, build_server
from services.common.runtime import Container
from services.registry import AREAS, load
from workers import deps
from workers.embedded import EmbeddedWorker

log = logging.getLogger(__name__)

ALWAYS_SERVED = ("operations",)  # every server answers GetOperation for what it started


def rpc_areas(selected: Iterable[str] = ()) -> list[str]:
    """Areas to serve: the selected ones (plus operations), or every area that has RPCs."""
    chosen = list(selected)
    names = [a.name for a in AREAS if a.rpc]
    unknown = [name for name in chosen if name not in names]
    if unknown:
        raise FailedPrecondition(f"unknown service(s) {unknown}; known: {', '.join(names)}")
    wanted = set(chosen) | set(ALWAYS_SERVED) if chosen else set(names)
    return [name for name in names if name in wanted]


def collect_services(container: Container, areas: Sequence[str]) -> list[RpcService]:
    services: list[RpcService] = []
    for entry in AREAS:
        if entry.name in areas and entry.rpc:
            builder: Callable[[Container], list[RpcService]] = load(entry.rpc)  # type: ignore[assignment]
            services.extend(builder(container))
    return services


def ensure_schema(container: Container) -> None:
    """SQLite (embedded) is migrated on start; PostgreSQL must be migrated beforehand
    (`warden db upgrade` as a deploy step) — a server refuses to run on a stale schema."""
    url = container.settings.resolved_database_url
    if container.database.dialect == "sqlite":
        upgrade(url)
        return
    with container.database.read() as connection:
        missing = pending_revisions(connection)
    if missing:
        raise FailedPrecondition(
            f"database schema is behind (missing {sorted(missing)}); run `warden db upgrade`"
        )


def embedded_worker(container: Container) -> AbstractContextManager[object]:
    """An in-process worker when no Redis is configured; nothing otherwise."""
    if not container.settings.embedded:
        return nullcontext()
    deps.install(container)
    return EmbeddedWorker(
        container.celery, concurrency=container.settings.celery.embedded_concurrency
    )


def start_metrics(container: Container) -> None:
    if container.settings.metrics_port:
        start_http_server(container.settings.metrics_port)


async def serve_forever(container: Container, areas: Sequence[str]) -> None:
    """Serve until SIGTERM/SIGINT, then shut down gracefully (NOT_SERVING, drain, stop)."""
    # Handlers run blocking core work (database, CPU-bound matching) in this pool.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(container.settings.grpc.max_workers, thread_name_prefix="rpc")
    )
    server = build_server(
        container.settings.grpc, collect_services(container, areas), container.keys
    )
    await server.start()
    print(
        f"warden: serving {', '.join(areas)} on {container.settings.grpc.host}:{server.port}",
        flush=True,
    )
    _on_signals(server)
    await server.wait_for_termination()


def _on_signals(server: WardenServer) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(server.shutdown()))
