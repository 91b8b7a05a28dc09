"""A database connection lost mid-transaction is a TransientError (gRPC UNAVAILABLE, task
retry), never an opaque INTERNAL; the pool replaces the dead connection."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.common.db import Database
from services.common.errors import TransientError

pytestmark = pytest.mark.postgres


def _terminate(url: str, pid: int) -> None:
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def _lose_connection_inside(database: Database, way: str, url: str) -> None:
    with getattr(database, way)() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        _terminate(url, pid)
        conn.execute(sa.text("SELECT 1"))


@pytest.mark.parametrize("way", ["begin", "read"])
def test_a_terminated_backend_is_transient_and_the_next_transaction_works(
    postgres_url: str, way: str
) -> None:
    database = Database.from_url(postgres_url)
    try:
        with pytest.raises(TransientError):
            _lose_connection_inside(database, way, postgres_url)
        with database.begin() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        database.dispose()


def test_other_database_errors_are_left_alone(postgres_url: str) -> None:
    database = Database.from_url(postgres_url)
    try:
        with pytest.raises(sa.exc.ProgrammingError), database.read() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table"))
    finally:
        database.dispose()
