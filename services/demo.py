"""`warden demo`: the main job end to end, on embedded defaults, in a few minutes.

It always runs embedded — a fresh SQLite file under <data_dir>/demo, an in-memory broker and an
in-process worker — whatever WARDEN_DATABASE_URL / WARDEN_REDIS_URL say, so it works on a laptop
with no servers and never touches a real deployment. It starts the real gRPC server on a free
port with the real interceptors, creates a demo API key, and then runs each area's step (see
`services.registry`) as a client would, through gRPC. A summary table closes the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from rich.console import Console
from rich.table import Table

from services.common.migrate import upgrade
from services.common.rpc.server import WardenServer, build_server
from services.common.runtime import Container, init_process
from services.common.settings import WardenSettings
from services.identity.specimens import ACCEPT_SPECIMENS_ENV
from services.registry import AREAS, load
from services.serve import collect_services, embedded_worker, rpc_areas

DemoStep = Callable[["DemoContext"], Awaitable[None]]
DemoServe = Callable[["DemoContext"], AbstractAsyncContextManager[str]]


@dataclass
class DemoContext:
    """What a demo step gets: the container, a channel to the live server, credentials."""

    settings: WardenSettings
    container: Container
    channel: grpc.aio.Channel
    token: str
    console: Console
    address: str
    summary: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)

    def record(self, step: str, outcome: str, detail: str = "") -> None:
        """A row of the closing summary table."""
        self.summary.append((step, outcome, detail))


def demo_settings(settings: WardenSettings) -> WardenSettings:
    data_dir = settings.data_dir / "demo"
    return settings.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": "",
            "redis_url": "",
            "log_json": False,
            "log_level": "WARNING",
            "grpc": settings.grpc.model_copy(update={"port": 0}),
        }
    )


def _fresh(settings: WardenSettings) -> None:
    if settings.data_dir.exists():
        shutil.rmtree(settings.data_dir)
    settings.data_dir.mkdir(parents=True)


async def _check_health(ctx: DemoContext, server: WardenServer) -> None:
    stub = health_pb2_grpc.HealthStub(ctx.channel)
    for name in ["", *server.service_names]:
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        ctx.console.print(f"  health {name or '(overall)':45} {status}")
    ctx.record(
        "gRPC server", "ok", f"{len(server.service_names)} services SERVING on {ctx.address}"
    )


async def _run_steps(ctx: DemoContext) -> int:
    failures = 0
    for entry in AREAS:
        if not entry.demo:
            continue
        step: DemoStep = load(entry.demo)  # type: ignore[assignment]
        ctx.console.rule(f"[bold]{entry.name}")
        started = time.perf_counter()
        try:
            await step(ctx)
        except Exception as exc:
            failures += 1
            ctx.console.print(f"[red]{entry.name} step failed: {exc!r}")
            ctx.console.print(traceback.format_exc(), markup=False)
            ctx.record(entry.name, "FAILED", repr(exc)[:120])
        ctx.console.print(f"[dim]{entry.name}: {time.perf_counter() - started:.1f} s")
    return failures


def _summary(ctx: DemoContext, elapsed: float) -> None:
    table = Table(title=f"Warden demo — {elapsed:.1f} s")
    for column in ("step", "outcome", "detail"):
        table.add_column(column)
    for row in ctx.summary:
        style = "red" if row[1] == "FAILED" else None
        table.add_row(*row, style=style)
    ctx.console.print(table)


async def run_demo(base: WardenSettings, *, keep_serving: bool = False) -> int:
    # The demo's documents are ICAO specimens, which a real deployment refuses; area settings
    # come from the environment, so the demo opts in there, for its own run only.
    with _environment(ACCEPT_SPECIMENS_ENV):
        return await _run_demo(base, keep_serving=keep_serving)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set these variables for the duration, then put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _run_demo(base: WardenSettings, *, keep_serving: bool) -> int:
    started = time.perf_counter()
    settings = demo_settings(base)
    init_process(settings)
    console = Console()
    console.rule("[bold]Warden demo (embedded: SQLite + in-process Celery, no servers needed)")
    _fresh(settings)
    upgrade(settings.resolved_database_url)
    container = Container.build(settings)
    console.print(f"  database: {settings.resolved_database_url}   broker: memory:// (in-process)")
    token = container.keys.create_key("demo", ["*"]).token
    with embedded_worker(container):
        server = build_server(
            settings.grpc, collect_services(container, rpc_areas()), container.keys
        )
        port = await server.start()
        address = f"127.0.0.1:{port}"
        async with grpc.aio.insecure_channel(address) as channel:
            ctx = DemoContext(settings, container, channel, token, console, address)
            await _check_health(ctx, server)
            failures = await _run_steps(ctx)
            _summary(ctx, time.perf_counter() - started)
            if keep_serving:
                await _serve_until_interrupted(ctx)
        await server.shutdown(grace=2)
    container.close()
    return 1 if failures else 0


async def _serve_until_interrupted(ctx: DemoContext) -> None:
    """Leave the gRPC server and every area's `demo_serve` (the console) up until Ctrl-C."""
    async with contextlib.AsyncExitStack() as stack:
        for entry in AREAS:
            if entry.demo_serve:
                serve: DemoServe = load(entry.demo_serve)  # type: ignore[assignment]
                ctx.console.print(await stack.enter_async_context(serve(ctx)))
        ctx.console.print(f"gRPC: {ctx.address}   API key (all scopes): {ctx.token}")
        ctx.console.print("[bold]Still running. Press Ctrl-C to stop.")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        ctx.console.print("Stopping…")


def shared_data_dir() -> Path | None:
    """../shared/data beside the checkout, if present (demo steps use the real lists and images)."""
    here = Path(__file__).resolve().parents[1]
    for candidate in (here.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return None
