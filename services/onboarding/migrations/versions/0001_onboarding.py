"""onboarding: applications, evidence, customers, ratings, account links, data keys

Revision ID: 0001_onboarding
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import services.common.db

revision: str = "0001_onboarding"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("onboarding",)
# No depends_on: these tables reference nothing in the common branch, and alembic collapses a
# depends_on dependency out of alembic_version, which the branch-heads check reads as missing.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "onboarding_applications",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column(
            "liveness_challenge_id", sa.String(length=128), server_default="", nullable=False
        ),
        sa.Column("applicant_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("liveness_nonce_sealed", sa.LargeBinary(), nullable=True),
        sa.Column(
            "identity_outcome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column(
            "client_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "resubmit",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("decision_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("policy_version", sa.String(length=64), nullable=True),
        sa.Column("policy_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('received', 'verified', 'decided')",
            name=op.f("ck_onboarding_applications_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_applications")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_onboarding_applications_customer_id")),
        sa.UniqueConstraint(
            "owner", "request_id", name=op.f("uq_onboarding_applications_owner_request_id")
        ),
    )
    op.create_table(
        "onboarding_customers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("personal_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("inputs_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("risk_level", sa.String(length=8), nullable=False),
        sa.Column("risk_score", sa.Integer(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column(
            "edd_measures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "legal_hold",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("relationship_started_on", sa.Date(), nullable=True),
        sa.Column("relationship_ended_on", sa.Date(), nullable=True),
        sa.Column("shredded_at", services.common.db.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'rejected', 'closed')",
            name=op.f("ck_onboarding_customers_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_customers")),
        sa.UniqueConstraint("application_id", name=op.f("uq_onboarding_customers_application_id")),
    )
    with op.batch_alter_table("onboarding_customers", schema=None) as batch_op:
        batch_op.create_index("ix_onboarding_customers_review_due", ["review_due"], unique=False)
        batch_op.create_index(
            "ix_onboarding_customers_status_ended",
            ["status", "relationship_ended_on"],
            unique=False,
        )

    op.create_table(
        "onboarding_data_keys",
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_onboarding_data_keys")),
    )
    with op.batch_alter_table("onboarding_data_keys", schema=None) as batch_op:
        batch_op.create_index("ix_onboarding_data_keys_key_id", ["key_id"], unique=False)

    op.create_table(
        "onboarding_customer_accounts",
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["onboarding_customers.id"],
            name=op.f("fk_onboarding_customer_accounts_customer_id_onboarding_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "customer_id", "account_id", name=op.f("pk_onboarding_customer_accounts")
        ),
    )
    with op.batch_alter_table("onboarding_customer_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_onboarding_customer_accounts_account", ["account_id"], unique=False
        )

    op.create_table(
        "onboarding_evidence",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("offset_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["onboarding_applications.id"],
            name=op.f("fk_onboarding_evidence_application_id_onboarding_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_evidence")),
        sa.UniqueConstraint(
            "application_id", "seq", name=op.f("uq_onboarding_evidence_application_id_seq")
        ),
    )
    op.create_table(
        "onboarding_ratings",
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rated_at", services.common.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("country_list_as_of", sa.Date(), nullable=False),
        sa.Column("factors_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["onboarding_customers.id"],
            name=op.f("fk_onboarding_ratings_customer_id_onboarding_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "seq", name=op.f("pk_onboarding_ratings")),
    )


def downgrade() -> None:
    op.drop_table("onboarding_ratings")
    op.drop_table("onboarding_evidence")
    with op.batch_alter_table("onboarding_customer_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_customer_accounts_account")

    op.drop_table("onboarding_customer_accounts")
    with op.batch_alter_table("onboarding_data_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_data_keys_key_id")

    op.drop_table("onboarding_data_keys")
    with op.batch_alter_table("onboarding_customers", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_customers_status_ended")
        batch_op.drop_index("ix_onboarding_customers_review_due")

    op.drop_table("onboarding_customers")
    op.drop_table("onboarding_applications")
