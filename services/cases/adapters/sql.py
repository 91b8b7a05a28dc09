"""Small SQL helpers shared by the case adapters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from services.common.db import Database
from services.common.errors import PermissionDenied, TransientError


def insert_ignore(conn: Connection, table: sa.Table) -> sa.Insert:
    """INSERT ... ON CONFLICT DO NOTHING in the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()  # type: ignore[no-any-return]


@contextmanager
def writing(database: Database) -> Iterator[Connection]:
    """A write transaction whose integrity errors become domain errors.

    The CHECK on approvals is the database's own four-eyes guard (the core refuses first);
    unique violations come from concurrent intake of one subject or one alert and are worth a
    retry, which then finds the winner's case.
    """
    try:
        with database.begin() as conn:
            yield conn
    except sa.exc.IntegrityError as error:
        if "maker_is_not_checker" in str(error.orig):
            message = "four-eyes: maker and checker must differ"
            raise PermissionDenied(message, reason="FOUR_EYES") from error
        raise TransientError("a concurrent change won the race; retry") from error
