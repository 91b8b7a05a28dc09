"""Console page times over HTTP with thousands of cases: `python -m bench console [--cases N]`.

Seeds a fresh SQLite database (or, with --postgres, a private PostgreSQL database that is
dropped afterwards) with N cases through case intake, serves CaseService on a real gRPC server
and the console on uvicorn (each in its own thread and event loop, as in production), logs in
as an MLRO, and times each page end to end: HTTP -> console -> gRPC -> SQL -> template. Prints
median, p95 and max wall time per page over --repeat requests, and the process CPU per request
(the machine is shared: CPU time moves less than wall time).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from argon2 import PasswordHasher

from services.cases import admin, handlers
from services.cases.core.roles import Role
from services.cases.wiring import case_deps
from services.common.migrate import upgrade
from services.common.rpc.server import build_server
from services.common.runtime import Container
from services.common.settings import WardenSettings
from services.console import auth, samples
from services.console.client import CONSOLE_SCOPES
from services.console.runner import ConsoleLink, build_state, start_console
from services.console.settings import ConsoleSettings
from services.registry import import_all
from services.serve import collect_services, rpc_areas

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CASE = re.compile(r'href="/cases/(case_[^"]+)"')
OFFICER, PASSWORD = "bench.mlro", "bench-mlro-passphrase"


def seed(container: Container, count: int) -> None:
    """`count` cases of every kind, raised over the last ten days (so SLA states vary)."""
    deps = case_deps(container)
    new = admin.NewOfficer(OFFICER, "Bench MLRO", frozenset({Role.MLRO}))
    admin.create_officer(admin.BOOTSTRAP, new, deps)
    now = datetime.now(UTC)
    makers: tuple[Callable[[datetime, str], object], ...] = (
        lambda at, s: samples.screening_hit(at, subject=f"cust-{s}"),
        lambda at, s: samples.ring(at, hub=f"acct-{s}"),
        lambda at, s: samples.identity_check(at, subject=f"app-{s}"),
    )
    for i in range(count):
        at = now - timedelta(minutes=(i * 4327) % (10 * 24 * 60))
        handlers.intake(makers[i % 3](at, str(i)), deps)  # type: ignore[arg-type]


class Threaded:
    """Run an async server in a thread with its own loop until `stop`."""

    def __init__(self, start: Callable[[], object]) -> None:
        self._start, self.value = start, ""
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        stop = await self._start()  # type: ignore[misc]
        self._ready.set()
        await asyncio.to_thread(self._stop.wait)
        await stop()

    def __enter__(self) -> Threaded:
        self._thread.start()
        self._ready.wait(60)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(15)


@contextmanager
def serving(container: Container) -> Iterator[str]:
    """CaseService and the console, each on loopback in its own thread; yields the console URL."""
    grpc_box: dict[str, str] = {}

    async def start_grpc() -> Callable[[], object]:
        server = build_server(
            container.settings.grpc, collect_services(container, rpc_areas()), container.keys
        )
        grpc_box["address"] = f"127.0.0.1:{await server.start()}"
        return lambda: server.shutdown(grace=0.5)

    with Threaded(start_grpc):
        token = container.keys.create_key("console", CONSOLE_SCOPES).token
        settings = ConsoleSettings(dashboard_cache_s=0)  # time the real computation every time
        state = build_state(container, settings, ConsoleLink(grpc_box["address"], token))
        state = dataclasses.replace(state, hasher=PasswordHasher())
        auth.set_password(OFFICER, PASSWORD, state.auth)
        url_box: dict[str, str] = {}

        async def start_web() -> Callable[[], object]:
            handle = await start_console(container, "127.0.0.1", 0, state=state)
            url_box["url"] = handle.url
            return handle.stop

        with Threaded(start_web):
            yield url_box["url"]


def log_in(client: httpx.Client) -> None:
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    reply = client.post(
        "/login", data={"officer_id": OFFICER, "password": PASSWORD, "csrf_token": token[1]}
    )
    assert reply.status_code == 303, reply.text[:300]


def pages(client: httpx.Client) -> list[tuple[str, str]]:
    first = client.get("/queue").text
    ids = CASE.findall(first)
    ring = client.get("/queue?kind=transactions").text
    return [
        ("queue, first page", "/queue"),
        ("queue, page 20", "/queue?page=20&status=all"),
        ("queue, at risk", "/queue?sla=at_risk"),
        ("queue, critical transactions", "/queue?severity=critical&kind=transactions"),
        ("case page (first in queue)", f"/cases/{ids[0]}"),
        ("case page (ring network)", f"/cases/{CASE.findall(ring)[0]}"),
        ("dashboard (6 charts, uncached)", "/dashboard"),
    ]


def measure(client: httpx.Client, path: str, repeat: int) -> tuple[list[float], float]:
    client.get(path)  # warm: templates compiled, officer cached
    walls = []
    cpu0 = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        reply = client.get(path)
        walls.append(time.perf_counter() - started)
        assert reply.status_code == 200, (path, reply.status_code)
    return walls, (time.process_time() - cpu0) / repeat


def _row(name: str, walls: list[float], cpu: float) -> str:
    ms = sorted(w * 1000 for w in walls)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:32} {statistics.median(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f} {cpu * 1000:8.1f}"


@contextmanager
def database_url(postgres: str | None) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'console-bench.db'}"
            upgrade(url)
            yield url
        return
    name = f"warden_bench_console_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(postgres).set(database=name).render_as_string(False)
    try:
        upgrade(url)
        yield url
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench console")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get(
            "WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        default=None,
        help="run on a private PostgreSQL database (dropped afterwards)",
    )
    args, _ = parser.parse_known_args(argv)
    import_all("tables")
    with tempfile.TemporaryDirectory() as data_dir, database_url(args.postgres) as url:
        settings = WardenSettings.model_validate(
            {"environment": "test", "data_dir": data_dir, "database_url": url, "log_level": "ERROR"}
        )
        container = Container.build(settings)
        started = time.perf_counter()
        seed(container, args.cases)
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"seeded {args.cases} cases on {backend} in {time.perf_counter() - started:.1f} s")
        with serving(container) as url_base, httpx.Client(base_url=url_base) as client:
            log_in(client)
            print(f"{'page':32} {'median':>8} {'p95':>8} {'max':>8} {'cpu/req':>8}  (ms)")
            for name, path in pages(client):
                print(_row(name, *measure(client, path, args.repeat)), flush=True)
        container.close()
    return 0
