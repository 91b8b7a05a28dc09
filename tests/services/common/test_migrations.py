"""The migrations produce exactly the schema the code declares, on both databases."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from services.common.db import Database, metadata
from services.common.migrate import current_heads, pending_revisions, upgrade, version_locations


def test_migrated_schema_matches_metadata(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == [], f"migrations and tables disagree: {diff}"


def test_database_is_at_every_branch_head(database: Database) -> None:
    with database.read() as conn:
        assert pending_revisions(conn) == []
        assert current_heads(conn), "alembic_version records the applied heads"


def test_an_empty_database_is_behind_on_every_branch(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as conn:
        pending = pending_revisions(conn)
    engine.dispose()
    assert "0001_common" in pending
    assert len(pending) >= len(version_locations())


def test_upgrade_is_idempotent(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {"api_keys", "operations", "task_effects", "alembic_version"} <= tables


def test_each_area_keeps_its_own_branch() -> None:
    locations = version_locations()
    assert locations[0].parts[-3:] == ("common", "migrations", "versions")
    assert all(p.name == "versions" for p in locations)
