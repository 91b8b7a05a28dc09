"""screening: monitored customers and suppressions

Revision ID: 0001_screening
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "0001_screening"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("screening",)
# No depends_on: these tables reference nothing in the common branch, and alembic collapses a
# depends_on dependency out of alembic_version, which the branch-heads check reads as missing.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_customers",
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("party_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("party_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_screening_customers")),
    )
    op.create_table(
        "screening_suppressions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_reference", sa.String(length=128), nullable=False),
        sa.Column("entry_reference", sa.String(length=200), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_suppressions")),
        sa.UniqueConstraint(
            "customer_reference",
            "entry_reference",
            "entry_hash",
            "customer_hash",
            name=op.f("uq_screening_suppressions_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("screening_suppressions")
    op.drop_table("screening_customers")
