"""identity tables: images, challenges, results

Revision ID: 0001_identity
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import services.common.db

revision: str = "0001_identity"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("identity",)
depends_on: str | Sequence[str] | None = "0001_common"


def upgrade() -> None:
    op.create_table(
        "identity_challenges",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=128), server_default="", nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column(
            "actions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("issued_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("redeemed_by", sa.String(length=40), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_challenges")),
    )
    op.create_table(
        "identity_images",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_images")),
    )
    with op.batch_alter_table("identity_images", schema=None) as batch_op:
        batch_op.create_index("ix_identity_images_created", ["created_at"], unique=False)

    op.create_table(
        "identity_results",
        sa.Column("operation_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=128), server_default="", nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column(
            "reason_codes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "checks", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "timings_ms", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("face_distance", sa.Float(), nullable=True),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('approved', 'declined', 'review', 'retry')",
            name=op.f("ck_identity_results_decision"),
        ),
        sa.PrimaryKeyConstraint("operation_id", name=op.f("pk_identity_results")),
    )
    with op.batch_alter_table("identity_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_results_decision", ["decision", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_results", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_results_decision")

    op.drop_table("identity_results")
    with op.batch_alter_table("identity_images", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_images_created")

    op.drop_table("identity_images")
    op.drop_table("identity_challenges")
