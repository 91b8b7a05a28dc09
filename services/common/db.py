"""Database access shared by every area: engine, transactions, column types, migrations.

PostgreSQL in production, a SQLite file in embedded mode. Areas declare their tables on the one
`metadata` below (in `services/<area>/adapters/tables.py`) and ship an Alembic branch in
`services/<area>/migrations/versions/`; `upgrade()` runs `alembic upgrade heads` over all of them.

SQLite notes (why the event hooks below exist): pysqlite opens transactions lazily and only when
it sees DML, so two threads can both read and then both try to write, and one fails with
"database is locked". We take the write lock up front (`BEGIN IMMEDIATE`) for transactions
opened with `Database.begin()`, which also gives SQLite a correct equivalent of PostgreSQL's
`SELECT ... FOR UPDATE` (one writer at a time). WAL keeps readers unblocked meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from services.common.errors import TransientError

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The one metadata every area's tables live on (constraint names are stable across databases).
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

JsonColumn = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class UtcDateTime(sa.TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone; we restore it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


_READONLY = "warden_readonly"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the settings each backend needs (see module docstring for SQLite)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo)
    return sa.create_engine(
        url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10, future=True
    )


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Reads (Database.read) take no write lock; everything else takes it up front.
        readonly = connection.get_execution_options().get(_READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


class Database:
    """The engine plus the two ways areas use it: a write transaction, or a read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with _transient_when_unavailable(), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent snapshot, rolled back at the end."""
        with _transient_when_unavailable():
            connection = self.engine.connect().execution_options(**{_READONLY: True})
            with connection, connection.begin() as transaction:
                yield connection
                transaction.rollback()

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _transient_when_unavailable() -> Iterator[None]:
    """A lost connection (server restart, failover, pg_terminate_backend), a pool that has no
    connection to give, a serialisation failure or a locked SQLite file says nothing about the
    request: the same request may succeed a moment later. Raised as `TransientError`, gRPC
    answers UNAVAILABLE (clients retry) and tasks retry, instead of an opaque INTERNAL. The
    pool meanwhile drops the dead connection (`pool_pre_ping` checks the others on checkout).
    """
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.TimeoutError) as error:
        raise TransientError("the database is unavailable; retry the request") from error
    except sa.exc.DBAPIError as error:
        if error.connection_invalidated:
            raise TransientError("the database connection was lost; retry the request") from error
        raise


def row_to_dict(row: sa.Row[Any]) -> dict[str, Any]:
    return dict(row._mapping)
