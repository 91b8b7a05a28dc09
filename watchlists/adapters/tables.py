"""Tables of the watchlists area (Alembic branch "watchlists")."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

watchlist_versions = sa.Table(
    "watchlist_versions",
    metadata,
    # The snapshot version id: a hash of the input files, so one row per distinct content.
    sa.Column("version", sa.String(32), primary_key=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("party_count", sa.Integer(), nullable=False),
    # [{"id", "party_count", "as_of", "sha256": [...]}] per source: what was screened against.
    sa.Column("sources", JsonColumn, nullable=False),
    sa.Column("first_activated_at", UtcDateTime(), nullable=False),
    sa.Column("last_activated_at", UtcDateTime(), nullable=False, index=True),
)
