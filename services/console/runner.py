"""Building and running the console: `start_console` for `warden demo` and `warden console`.

The console needs three things from the deployment: a CaseService address, an API key with
`cases.*` + `auth.delegate`, and the database (its own tables). `ConsoleLink` carries the first
two; `warden demo` registers one on the container (the demo's gRPC port is only known once
the server runs), otherwise settings decide.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from services.cases.core.queues import DEFAULT_QUEUES
from services.common.db import utcnow
from services.common.runtime import Container
from services.console.adapters.lists import SnapshotListRecords
from services.console.adapters.sql import SqlCredentials, SqlSessions
from services.console.client import CONSOLE_SCOPES, CaseClient
from services.console.settings import ConsoleSettings
from services.console.web.app import create_app
from services.console.web.state import ConsoleState, open_channel
from watchlists.deps import deps_of as lists_deps

log = logging.getLogger(__name__)
LINK_AREA = "console.link"
KEY_FILE = "console-api.key"


@dataclass(frozen=True, slots=True)
class ConsoleLink:
    """Where the case service is and the console's bearer token for it."""

    cases_target: str
    token: str


def _stored_key(container: Container) -> str:
    """Development only: a console key minted once and kept (0600) under the data dir."""
    path = Path(container.settings.data_dir) / KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    token = container.keys.create_key("console", CONSOLE_SCOPES).token
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token)
    return token


def link_from_settings(container: Container, settings: ConsoleSettings) -> ConsoleLink:
    grpc = container.settings.grpc
    target = settings.cases_target or f"{grpc.host}:{grpc.port}"
    token = settings.api_key.get_secret_value()
    if not token:
        if container.settings.environment == "production":
            raise ValueError("production needs WARDEN_CONSOLE_API_KEY")
        token = _stored_key(container)
    return ConsoleLink(target, token)


def console_link(container: Container, settings: ConsoleSettings) -> ConsoleLink:
    """The link registered on this container (the demo's), else the one settings describe."""
    return container.area(LINK_AREA, lambda c: link_from_settings(c, settings))


def build_state(container: Container, settings: ConsoleSettings, link: ConsoleLink) -> ConsoleState:
    """The console's dependencies on the container's database and the local list store."""
    return ConsoleState(
        settings=settings,
        credentials=SqlCredentials(container.database),
        sessions=SqlSessions(container.database),
        records=SnapshotListRecords(lists_deps(container).store),
        queues=tuple(q.name for q in DEFAULT_QUEUES),
        connect=lambda: CaseClient(
            open_channel(link.cases_target), link.token, settings.rpc_timeout_s
        ),
        clock=utcnow,
    )


class _EmbeddedServer(uvicorn.Server):
    """uvicorn that leaves signals to its host: `warden console` and `warden demo` install
    their own SIGINT/SIGTERM handlers and stop the console in order. (uvicorn otherwise swaps
    the process's handlers for its own while serving and replays the signal afterwards.)"""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class ConsoleHandle:
    """A running console: its URL, and `await stop()` to shut it down."""

    url: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, timeout=10)


def _uvicorn_config(app: object, host: str, port: int, settings: ConsoleSettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        proxy_headers=False,
        server_header=False,
        ssl_certfile=str(settings.tls_cert_file) if settings.tls_cert_file else None,
        ssl_keyfile=str(settings.tls_key_file) if settings.tls_key_file else None,
    )


async def start_console(
    container: Container,
    host: str,
    port: int,
    *,
    settings: ConsoleSettings | None = None,
    link: ConsoleLink | None = None,
    state: ConsoleState | None = None,
) -> ConsoleHandle:
    """Serve the console in this event loop until `stop()`; port 0 picks a free port.

    `settings` default to the environment's, `link` to the one the demo registered (or the
    settings'); a prebuilt `state` (tests) replaces both.
    """
    chosen = state.settings if state else (settings or ConsoleSettings())
    if state is None:
        state = build_state(container, chosen, link or console_link(container, chosen))
    server = _EmbeddedServer(_uvicorn_config(create_app(state), host, port, chosen))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # start-up failed (port taken, bad certificate): raise it here
            raise RuntimeError("the console stopped during start-up")
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if chosen.tls_cert_file else "http"
    url = f"{scheme}://{host}:{bound}"
    log.info("console started", extra={"fields": {"url": url}})
    return ConsoleHandle(url, server, task)
