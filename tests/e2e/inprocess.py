"""Every area on one in-process server (real interceptors) over PostgreSQL, an embedded Celery
worker on every queue, and a small loaded list: the fault tests that need no separate
processes (retries, reloads, cancellations, dropped database connections) run against this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from services.cases import admin
from services.cases.core.roles import Role
from services.cases.wiring import case_deps
from services.common.db import Database, metadata
from services.common.runtime import Container
from tests.conftest import make_settings
from tests.support import story
from tests.support.grpc import TestServer, start_test_server
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists
from workers import deps
from workers.embedded import EmbeddedWorker


@dataclass
class Live:
    server: TestServer
    token: str  # every scope, and may act for the case officer

    @property
    def container(self) -> Container:
        return self.server.container

    @property
    def database(self) -> Database:
        return self.server.container.database

    def count(self, table: str, **where: object) -> int:
        """Rows of a table (optionally where column = value): what a retry must not double."""
        query = sa.select(sa.func.count()).select_from(metadata.tables[table])
        for column, value in where.items():
            query = query.where(metadata.tables[table].c[column] == value)
        with self.database.read() as conn:
            return int(conn.execute(query).scalar_one())


def empty_postgres(postgres_url: str) -> None:
    database = Database.from_url(postgres_url)
    try:
        with database.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        database.dispose()


@asynccontextmanager
async def live_suite(tmp_path: Path, postgres_url: str) -> AsyncIterator[Live]:
    """The suite in-process on an emptied PostgreSQL database, lists loaded, an officer."""
    empty_postgres(postgres_url)
    container = Container.build(make_settings(tmp_path, database_url=postgres_url))
    load_lists(LoadLists(), deps_of(container))
    officer = admin.NewOfficer(story.OFFICER, "E2E", frozenset({Role.ANALYST}))
    admin.create_officer(admin.BOOTSTRAP, officer, case_deps(container))
    deps.install(container)
    try:
        with EmbeddedWorker(container.celery, concurrency=2):
            async with start_test_server(container) as server:
                yield Live(server, server.key("*", name="e2e client"))
    finally:
        deps.reset()
        container.close()
