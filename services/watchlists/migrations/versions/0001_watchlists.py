"""watchlists: the log of list versions that went live

Revision ID: 0001_watchlists
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import services.common.db

revision: str = "0001_watchlists"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("watchlists",)
# No dependency on the common branch: this table has no foreign key into it. (With
# depends_on="0001_common", alembic drops the common head from alembic_version once this
# revision is applied, and test_database_is_at_every_branch_head then sees one head too few.)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchlist_versions",
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("party_count", sa.Integer(), nullable=False),
        sa.Column(
            "sources", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "first_activated_at", services.common.db.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_activated_at", services.common.db.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_watchlist_versions")),
    )
    op.create_index(
        op.f("ix_watchlist_versions_last_activated_at"),
        "watchlist_versions",
        ["last_activated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_watchlist_versions_last_activated_at"), table_name="watchlist_versions")
    op.drop_table("watchlist_versions")
