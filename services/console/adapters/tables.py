"""The console's own tables: officers' passwords with their lock-out state, and sessions.

Officers and roles are case management's (`case_officers`); this table only adds the secret
the console checks. Sessions are keyed by the SHA-256 of the cookie, never the cookie itself.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime, metadata

console_credentials = sa.Table(
    "console_credentials",
    metadata,
    sa.Column("officer_id", sa.String(128), primary_key=True),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("failed_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_failed_at", UtcDateTime(), nullable=True),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
)

console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("officer_id", sa.String(128), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False, index=True),
)
