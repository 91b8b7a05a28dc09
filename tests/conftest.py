"""Fixtures shared by the whole suite.

External services: tests marked `redis` or `postgres` use the real servers. Without them they
skip, unless WARDEN_REQUIRE_SERVICES=1 (set by CI), in which case they fail: a CI run must never
turn green by skipping what it was meant to prove.

Isolation: the servers are shared (other test runs may use them at the same time), so every
session works in its own PostgreSQL database and under its own Redis key prefix.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from services.common.db import Database, metadata
from services.common.migrate import upgrade
from services.common.runtime import Container
from services.common.settings import WardenSettings
from services.registry import import_all
from tests.support.grpc import TestServer, start_test_server
from tests.support.services import unavailable

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
POSTGRES_ADMIN_URL = os.environ.get(
    "WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("WARDEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

import_all("tables")


def find_shared_data() -> Path | None:
    """../shared/data beside the checkout, or WARDEN_SHARED_DATA, or /work/shared/data."""
    candidates = [
        os.environ.get("WARDEN_SHARED_DATA"),
        str(REPO_ROOT.parent / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "watchlists").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; tests that need it skip when it is absent."""
    found = find_shared_data()
    if found is None:
        pytest.skip("../shared/data is not present (set WARDEN_SHARED_DATA)")
    return found


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


# --- in-process broker ------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _empty_memory_broker() -> Iterator[None]:
    """kombu's memory:// transport keeps its queues in class-level state shared by every app in
    the process: a message one test enqueued with no worker running would otherwise be consumed
    by the next test's embedded worker. (Production embedded mode has one app per process.)"""
    from kombu.transport import memory

    memory.Channel.queues.clear()
    yield
    memory.Channel.queues.clear()


# --- databases ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this session, dropped at the end."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}: {exc.orig}")
    name = f"warden_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'warden.db'}"
    upgrade(url)
    return url


def _truncate_all(database: Database) -> None:
    with database.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def open_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A migrated, empty database: a new SQLite file, or the session's PostgreSQL truncated."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'warden.db'}"
        upgrade(url)
        return Database.from_url(url)
    db = Database.from_url(request.getfixturevalue("postgres_url"))
    _truncate_all(db)
    return db


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same test on SQLite and on PostgreSQL (clean tables each time)."""
    db = open_database(request.param, request, tmp_path)
    yield db
    db.dispose()


# --- settings and containers ----------------------------------------------------------------
def make_settings(tmp_path: Path, **overrides: object) -> WardenSettings:
    """Settings for a test: everything under tmp_path, embedded unless overridden."""
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp_path / "var",
        "log_json": True,
        "grpc": {"host": "127.0.0.1", "port": 0, "drain_delay_s": 0.0, "shutdown_grace_s": 1.0},
    }
    values.update(overrides)
    return WardenSettings.model_validate(values)


@pytest.fixture
def sqlite_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`warden ...` as an operator runs it, in-process, on a migrated temporary SQLite file
    (no Redis: tasks run in-process)."""
    from services.cli import cli

    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WARDEN_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    return runner


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> WardenSettings:
    return make_settings(tmp_path, database_url=sqlite_url)


@pytest.fixture
def container(settings: WardenSettings) -> Iterator[Container]:
    built = Container.build(settings)
    yield built
    built.close()


# --- redis ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        unavailable(f"Redis at {REDIS_URL}: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix private to this test; its keys are deleted afterwards."""
    import redis

    prefix = f"wtest:{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# --- gRPC -----------------------------------------------------------------------------------
@pytest.fixture
async def grpc_server(container: Container) -> AsyncIterator[TestServer]:
    """Every area's services on a real in-process server with the real interceptor stack."""
    async with start_test_server(container) as server:
        yield server
