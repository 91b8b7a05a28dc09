"""Screening tables: monitored customers (PII encrypted) and false-positive suppressions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import conv

from services.common.db import UtcDateTime, metadata

# One row per monitored customer. The party (names, birth dates, documents) is PII: stored only
# as ciphertext under the runtime key ring, bound to this row and column by the AEAD context.
screening_customers = sa.Table(
    "screening_customers",
    metadata,
    sa.Column("reference", sa.String(128), primary_key=True),
    sa.Column("party_ciphertext", sa.LargeBinary, nullable=False),
    # SHA-256 of the party's canonical JSON: suppressions are keyed on it, so editing the
    # customer's data (a new hash) lifts every suppression made for the old data.
    sa.Column("party_hash", sa.String(64), nullable=False),
    sa.Column("enrolled_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

screening_suppressions = sa.Table(
    "screening_suppressions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_reference", sa.String(128), nullable=False),
    sa.Column("entry_reference", sa.String(200), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Column("customer_hash", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # Named explicitly: the convention's column-list name would pass PostgreSQL's 63-byte limit.
    sa.UniqueConstraint(
        "customer_reference",
        "entry_reference",
        "entry_hash",
        "customer_hash",
        name=conv("uq_screening_suppressions_key"),
    ),
)
