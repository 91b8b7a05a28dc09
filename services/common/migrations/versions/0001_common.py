"""common tables: api keys, operations, task effects

Revision ID: 0001_common
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import services.common.db

revision: str = "0001_common"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("common",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mtls_subject", sa.String(length=255), nullable=True),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'api_key' AND secret_sha256 IS NOT NULL) OR (kind = 'mtls' AND mtls_subject IS NOT NULL)",
            name=op.f("ck_api_keys_credential"),
        ),
        sa.CheckConstraint("kind IN ('api_key', 'mtls')", name=op.f("ck_api_keys_kind")),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("mtls_subject", name=op.f("uq_api_keys_mtls_subject")),
    )
    op.create_table(
        "operations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("task_name", sa.String(length=128), nullable=False),
        sa.Column("task_queue", sa.String(length=32), nullable=False),
        sa.Column(
            "task_kwargs", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_percent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_message", sa.String(length=200), server_default="", nullable=False),
        sa.Column("result_type", sa.String(length=200), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "error_reasons", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'running', 'succeeded', 'failed')",
            name=op.f("ck_operations_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations")),
        sa.UniqueConstraint(
            "owner", "kind", "request_id", name=op.f("uq_operations_owner_kind_request_id")
        ),
    )
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.create_index("ix_operations_state_updated", ["state", "updated_at"], unique=False)

    op.create_table(
        "task_effects",
        sa.Column("effect_key", sa.String(length=255), nullable=False),
        sa.Column("task_name", sa.String(length=128), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("effect_key", name=op.f("pk_task_effects")),
    )


def downgrade() -> None:
    op.drop_table("task_effects")
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_index("ix_operations_state_updated")

    op.drop_table("operations")
    op.drop_table("api_keys")
