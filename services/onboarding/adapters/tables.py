"""Onboarding tables. PII and anything derived from it is stored sealed by the PII vault
(`*_sealed` columns, per-customer data keys): shredding a customer's key leaves only the
non-personal skeleton readable (ids, states, dates, rating levels, policy versions)."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

APPLICATION_STATES = "('received', 'verified', 'decided')"
CUSTOMER_STATES = "('pending', 'active', 'rejected', 'closed')"

onboarding_applications = sa.Table(
    "onboarding_applications",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),  # principal id of the calling client
    sa.Column("request_id", sa.String(128), nullable=False),
    sa.Column("input_sha256", sa.String(64), nullable=False),
    sa.Column("customer_id", sa.String(40), nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("product", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("liveness_challenge_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("applicant_sealed", sa.LargeBinary, nullable=True),  # NULL once shredded
    sa.Column("liveness_nonce_sealed", sa.LargeBinary, nullable=True),
    # Identity step: verdict, findings codes, verification id (no PII); NULL + state verified
    # means identity verification did not run.
    sa.Column("identity_outcome", JsonColumn, nullable=True),
    # What the applicant's side may see, in clear (client reasons are applicant-safe codes).
    sa.Column("outcome", sa.String(16), nullable=True),
    sa.Column("client_reasons", JsonColumn, nullable=True),
    sa.Column("resubmit", JsonColumn, nullable=True),
    # The officers' record: checks (list hits) and the decision with internal reasons.
    sa.Column("decision_sealed", sa.LargeBinary, nullable=True),
    sa.Column("policy_version", sa.String(64), nullable=True),
    sa.Column("policy_sha256", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("owner", "request_id"),
    sa.CheckConstraint(f"state IN {APPLICATION_STATES}", name="state"),
)

onboarding_evidence = sa.Table(
    "onboarding_evidence",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "application_id",
        sa.String(40),
        sa.ForeignKey("onboarding_applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("offset_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content_sealed", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("application_id", "seq"),
)

onboarding_customers = sa.Table(
    "onboarding_customers",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("application_id", sa.String(40), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("personal_sealed", sa.LargeBinary, nullable=True),  # NULL once shredded
    sa.Column("inputs_sealed", sa.LargeBinary, nullable=True),  # rating inputs; NULL once shredded
    sa.Column("risk_level", sa.String(8), nullable=False),
    sa.Column("risk_score", sa.Integer, nullable=False),
    sa.Column("review_due", sa.Date, nullable=False),
    sa.Column("edd_measures", JsonColumn, nullable=False),
    sa.Column("legal_hold", JsonColumn, nullable=True),  # {reference, placed_by, placed_at}
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("relationship_started_on", sa.Date, nullable=True),
    sa.Column("relationship_ended_on", sa.Date, nullable=True),
    sa.Column("shredded_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint(f"status IN {CUSTOMER_STATES}", name="status"),
    sa.Index("ix_onboarding_customers_review_due", "review_due"),
    sa.Index("ix_onboarding_customers_status_ended", "status", "relationship_ended_on"),
)

onboarding_ratings = sa.Table(
    "onboarding_ratings",
    metadata,
    sa.Column(
        "customer_id",
        sa.String(40),
        sa.ForeignKey("onboarding_customers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("level", sa.String(8), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("rated_at", UtcDateTime(), nullable=False),
    sa.Column("review_due", sa.Date, nullable=False),
    sa.Column("policy_version", sa.String(64), nullable=False),
    sa.Column("country_list_as_of", sa.Date, nullable=False),
    # Factor details name countries and list entries: personal data, so sealed.
    sa.Column("factors_sealed", sa.LargeBinary, nullable=True),
)

onboarding_customer_accounts = sa.Table(
    "onboarding_customer_accounts",
    metadata,
    sa.Column(
        "customer_id",
        sa.String(40),
        sa.ForeignKey("onboarding_customers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("account_id", sa.String(128), primary_key=True),
    sa.Index("ix_onboarding_customer_accounts_account", "account_id"),
)

# Per-customer data keys wrapped by the master key ring. Deleting a row crypto-shreds the
# customer. `key_id` (the ring key that wraps it) lets the rotation job find what to re-wrap.
onboarding_data_keys = sa.Table(
    "onboarding_data_keys",
    metadata,
    sa.Column("customer_id", sa.String(40), primary_key=True),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
    sa.Column("key_id", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_onboarding_data_keys_key_id", "key_id"),
)
