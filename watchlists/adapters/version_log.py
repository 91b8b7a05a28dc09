"""`VersionLog` over SQL (SQLite or PostgreSQL)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.common.db import Database
from watchlists.adapters.tables import watchlist_versions as table
from watchlists.ports import SourceSummary, VersionRecord, summarise
from watchlists.store import VersionInfo


class SqlVersionLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record_activation(self, info: VersionInfo, at: datetime) -> None:
        """Insert the version, or move its last activation; safe against a concurrent reload."""
        with self.database.begin() as conn:
            updated = conn.execute(
                table.update().where(table.c.version == info.version).values(last_activated_at=at)
            ).rowcount
            if updated:
                return
            try:
                with conn.begin_nested():
                    conn.execute(table.insert().values(**_row(info, at)))
            except sa.exc.IntegrityError:  # another process inserted it first: same content
                conn.execute(
                    table.update()
                    .where(table.c.version == info.version)
                    .values(last_activated_at=at)
                )

    def history(self, limit: int = 50) -> list[VersionRecord]:
        query = table.select().order_by(table.c.last_activated_at.desc()).limit(limit)
        with self.database.read() as conn:
            return [_record(row._mapping) for row in conn.execute(query)]


def _row(info: VersionInfo, at: datetime) -> dict[str, Any]:
    return {
        "version": info.version,
        "created_at": info.created_at,
        "party_count": info.party_count,
        "sources": [{**asdict(s), "sha256": list(s.sha256)} for s in summarise(info)],
        "first_activated_at": at,
        "last_activated_at": at,
    }


def _record(row: Any) -> VersionRecord:
    sources = tuple(
        SourceSummary(s["id"], int(s["party_count"]), s.get("as_of"), tuple(s.get("sha256", ())))
        for s in row["sources"]
    )
    return VersionRecord(
        row["version"],
        row["created_at"],
        int(row["party_count"]),
        sources,
        row["first_activated_at"],
        row["last_activated_at"],
    )
