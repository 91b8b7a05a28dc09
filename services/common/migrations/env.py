"""Alembic environment shared by every area's migration branch (see services.common.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from services.common.db import create_engine, metadata
from services.registry import import_all

import_all("tables")  # every area's tables on `metadata`, for autogenerate and comparisons

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
