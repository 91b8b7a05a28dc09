"""A real CaseService in a background thread and the console app in front of it.

The gRPC server runs in its own event loop on its own thread, so the console can call it from
Starlette's TestClient (which runs the app in yet another loop) or from a uvicorn server that a
browser drives — exactly as in production, over a real socket with the real interceptors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from services.cases import admin
from services.cases.core.roles import Role
from services.cases.handlers import CaseDeps
from services.cases.wiring import case_deps
from services.common.errors import AlreadyExists
from services.common.runtime import Container
from services.console import auth
from services.console.client import CONSOLE_SCOPES
from services.console.ports import InMemoryListRecords
from services.console.runner import ConsoleLink, build_state
from services.console.settings import ConsoleSettings
from services.console.web.app import create_app
from services.console.web.state import ConsoleState
from tests.support.grpc import start_test_server

# Fast argon2 parameters for tests only (production uses argon2-cffi's defaults).
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
OFFICERS = {
    "ana": Role.ANALYST,
    "rita": Role.REVIEWER,
    "mia": Role.MLRO,
    "max": Role.MLRO,
    "aud": Role.AUDITOR,
    "ada": Role.ADMIN,
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def password(officer: str) -> str:
    return f"{officer}-correct-horse"


@dataclass
class CaseServerThread:
    """CaseService (every registered area) served from a thread with its own loop."""

    container: Container
    address: str = ""
    _stop: threading.Event = field(default_factory=threading.Event)
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _run(self) -> None:
        async def serve() -> None:
            async with start_test_server(self.container) as server:
                self.address = server.address
                self._ready.set()
                await asyncio.to_thread(self._stop.wait)

        asyncio.run(serve())

    def __enter__(self) -> CaseServerThread:
        self._thread = threading.Thread(target=self._run, name="case-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the case server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)


def add_officers(deps: CaseDeps, state: ConsoleState) -> None:
    for officer_id, role in OFFICERS.items():
        try:
            new = admin.NewOfficer(officer_id, officer_id.title(), frozenset({role}))
            admin.create_officer(admin.BOOTSTRAP, new, deps)
        except AlreadyExists:
            pass
        auth.set_password(officer_id, password(officer_id), state.auth)


@dataclass
class Console:
    """The console's state, its case dependencies (to seed cases), and the server address."""

    state: ConsoleState
    cases: CaseDeps
    address: str


@contextmanager
def running_console(
    container: Container, settings: ConsoleSettings | None = None
) -> Iterator[Console]:
    with CaseServerThread(container) as server:
        token = container.keys.create_key("console", CONSOLE_SCOPES).token
        chosen = settings or ConsoleSettings(cookie_secure="auto", lockout_threshold=3)
        state = build_state(container, chosen, ConsoleLink(server.address, token))
        state.hasher = TEST_HASHER
        state.records = InMemoryListRecords()
        state.__post_init__()  # rebuild AuthDeps around the test hasher
        deps = case_deps(container)
        add_officers(deps, state)
        yield Console(state, deps, server.address)


def client_for(console: Console, base_url: str = "http://testserver") -> TestClient:
    """A browser of its own: each TestClient runs the app in its own event loop, so each gets
    its own state (a gRPC channel belongs to the loop that opened it); stores are shared."""
    state = dataclasses.replace(console.state, client=None)
    return TestClient(create_app(state), base_url=base_url, follow_redirects=False)


def log_in(client: TestClient, officer: str, secret: str | None = None) -> str:
    """Log in through the form; returns the session's CSRF token (from the queue page)."""
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token is not None
    reply = client.post(
        "/login",
        data={
            "officer_id": officer,
            "password": secret or password(officer),
            "csrf_token": token[1],
        },
    )
    assert reply.status_code == 303, reply.text
    return csrf_of(client, "/queue" if officer != "ada" else "/officers")


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None
    return found[1]
