"""Tables owned by the shared runtime: API keys, operations, task effects."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    # SHA-256 of the secret part. Keys carry 256 random bits, so a fast hash is enough (a slow
    # password hash would only add latency to every call) and the database never holds a usable key.
    sa.Column("secret_sha256", sa.String(64), nullable=True),
    sa.Column("scopes", JsonColumn, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # "api_key" | "mtls"
    # For kind="mtls": the client certificate subject CN this identity stands for.
    sa.Column("mtls_subject", sa.String(255), nullable=True, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('api_key', 'mtls')", name="kind"),
    sa.CheckConstraint(
        "(kind = 'api_key' AND secret_sha256 IS NOT NULL) OR "
        "(kind = 'mtls' AND mtls_subject IS NOT NULL)",
        name="credential",
    ),
)

operations = sa.Table(
    "operations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),  # principal id of the creating client
    sa.Column("request_id", sa.String(128), nullable=False),
    sa.Column("input_sha256", sa.String(64), nullable=False),
    # What to enqueue to (re)run it: lets a sweeper re-enqueue operations whose message was lost.
    sa.Column("task_name", sa.String(128), nullable=False),
    sa.Column("task_queue", sa.String(32), nullable=False),
    sa.Column("task_kwargs", JsonColumn, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("progress_percent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("progress_message", sa.String(200), nullable=False, server_default=""),
    sa.Column("result_type", sa.String(200), nullable=True),
    sa.Column("result", sa.LargeBinary, nullable=True),
    sa.Column("error_code", sa.String(64), nullable=True),  # a WardenError.reason
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("error_reasons", JsonColumn, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("owner", "kind", "request_id"),
    sa.CheckConstraint("state IN ('pending', 'running', 'succeeded', 'failed')", name="state"),
    sa.Index("ix_operations_state_updated", "state", "updated_at"),
)

# One row per side effect that must happen at most once even when a task runs twice
# (a redelivered message after a worker was killed, a retried partition).
task_effects = sa.Table(
    "task_effects",
    metadata,
    sa.Column("effect_key", sa.String(255), primary_key=True),
    sa.Column("task_name", sa.String(128), nullable=False),
    sa.Column("detail", JsonColumn, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
