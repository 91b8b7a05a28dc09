"""The two stacks the load runs against, both on loopback.

- embedded: what `warden demo` runs — one process, SQLite, the in-process Celery worker
  (threads), the real gRPC server and interceptors. The load generator shares that process.
- production: `tests.support.topology` — separate `warden serve` and `warden worker`
  processes, a private Redis, a private PostgreSQL database on the shared server.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from services.common.alerts import InMemoryAlertSink
from services.common.auth import KeyStore
from services.common.db import Database, utcnow
from services.common.migrate import upgrade
from services.common.runtime import Container
from services.identity.specimens import ACCEPT_SPECIMENS_ENV
from services.screening.deps import AREA as SCREENING
from services.screening.handlers import ScreeningDeps
from services.screening.ports import InMemoryCustomerStore, InMemorySuppressionStore, StaticLists
from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.support.grpc import start_test_server
from tests.support.topology import PrivateRedis, Topology
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists
from watchlists.model import Party
from workers import deps
from workers.embedded import EmbeddedWorker

# Long enough that a backlog of prefetched identity tasks is never redelivered mid-run (the
# test topology's 5 s is for its fault tests, not for a load run).
# The onboarding workload's passport is a synthetic ICAO specimen, which a real deployment
# refuses: both stacks accept specimens for the benchmark (see bench.e2e._evidence).
BENCH_ENV = {
    "WARDEN_CELERY__VISIBILITY_TIMEOUT_S": "3600",
    "WARDEN_CELERY__RESTORE_INTERVAL_S": "60",
    **ACCEPT_SPECIMENS_ENV,
}


@dataclass(frozen=True, slots=True)
class Stack:
    """Where the clients connect, as whom, and the database (for server-side timings)."""

    address: str
    token: str
    database: Database
    processes: Mapping[str, int]  # role -> pid, for CPU accounting


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    queues: tuple[str, ...]
    processes: int = 1


def _static_screening(parties: Sequence[Party]) -> ScreeningDeps:
    return ScreeningDeps(
        lists=StaticLists(parties, utcnow),
        customers=InMemoryCustomerStore(),
        suppressions=InMemorySuppressionStore(),
        alerts=InMemoryAlertSink(),
        clock=utcnow,
    )


@asynccontextmanager
async def embedded_stack(
    workdir: Path, *, worker_threads: int, lists: Sequence[Party] | None = None
) -> AsyncIterator[Stack]:
    """Everything in this process. `lists`: screen against these instead of the real lists."""
    url = f"sqlite:///{workdir / 'warden.db'}"
    settings = make_settings(
        workdir,
        database_url=url,
        log_level="WARNING",
        celery={"embedded_concurrency": worker_threads},
    )
    upgrade(url)
    container = Container.build(settings)
    try:
        if lists is None:
            load_lists(LoadLists(), deps_of(container))
        else:
            container.area(SCREENING, lambda _: _static_screening(lists))
        deps.install(container)
        with EmbeddedWorker(container.celery, concurrency=worker_threads):
            async with start_test_server(container) as server:
                token = server.key("*", name="bench")
                everything = {"one process (client, server, worker)": os.getpid()}
                yield Stack(server.address, token, container.database, everything)
    finally:
        container.close()


@contextmanager
def private_postgres() -> Iterator[str]:
    """A new, migrated database on the shared PostgreSQL server, dropped afterwards."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"warden_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def production_unavailable() -> str | None:
    """Why the production stack cannot start here (None: it can)."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL}: {exc.orig}"
    return None


def _pids(topology: Topology) -> dict[str, int]:
    pids = {p.name: p.popen.pid for p in topology.processes if p.popen is not None}
    if topology.redis.process is not None:
        pids["redis"] = topology.redis.process.pid
    pids["client"] = os.getpid()
    return pids


@contextmanager
def production_stack(
    workdir: Path, *, serve: Sequence[str], workers: Sequence[WorkerSpec]
) -> Iterator[Stack]:
    """Separate processes: one `warden serve` for `serve`, `processes` workers per spec."""
    with private_postgres() as url:
        redis = PrivateRedis(workdir / "redis").start()
        with Topology(workdir, url, redis, extra_env=BENCH_ENV) as topology:
            topology.migrate()
            topology.cli("lists", "load")
            server = topology.serve(*serve)
            for spec in workers:
                for _ in range(spec.processes):
                    topology.worker(spec.queues)
            database = Database.from_url(url)
            try:
                token = KeyStore(database).create_key("bench", ["*"]).token
                yield Stack(f"127.0.0.1:{server.port}", token, database, _pids(topology))
            finally:
                database.dispose()
