"""Identity tables: encrypted images, liveness challenges, verification outcomes."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

# Images are stored re-encoded (metadata stripped) and encrypted with the key ring, bound to
# their row ("identity_images:<id>:content"). Deleted after the retention period.
identity_images = sa.Table(
    "identity_images",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # document | selfie | frame | upload
    sa.Column("sha256", sa.String(64), nullable=False),  # of the re-encoded plaintext
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_identity_images_created", "created_at"),
)

identity_challenges = sa.Table(
    "identity_challenges",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("subject_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("nonce", sa.String(64), nullable=False),
    sa.Column("actions", JsonColumn, nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("redeemed_at", UtcDateTime(), nullable=True),
    # The operation that used the challenge: its redelivered task may use it again.
    sa.Column("redeemed_by", sa.String(40), nullable=False, server_default=""),
)

# One row per finished identity operation: the decision and its evidence, queryable without
# decoding operation results. No images, no document data: codes, distances and timings.
identity_results = sa.Table(
    "identity_results",
    metadata,
    sa.Column("operation_id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("subject_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason_codes", JsonColumn, nullable=False),
    sa.Column("checks", JsonColumn, nullable=False),
    sa.Column("timings_ms", JsonColumn, nullable=False),
    sa.Column("face_distance", sa.Float, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('approved', 'declined', 'review', 'retry')", name="decision"),
    sa.Index("ix_identity_results_decision", "decision", "created_at"),
)
