"""Graph tables: transactions, sweeps and their partitions, rings, known-bad accounts.

Indexes follow the two ways the data is read: one account's neighbourhood (AnalyzeAccount:
`ix_..._source_ts`, `ix_..._target_ts`) and a whole time window (sweeps: `ix_..._ts`).
Times are Unix seconds (BIGINT): the core computes on integers, and a range scan on an integer
index is as fast as it gets on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

graph_transactions = sa.Table(
    "graph_transactions",
    metadata,
    # The bank's id is the idempotency key: re-importing a file inserts nothing new.
    sa.Column("tx_id", sa.String(128), primary_key=True),
    sa.Column("source", sa.String(128), nullable=False),
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("ts", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.Float, nullable=False),  # as booked, in `currency`
    sa.Column("currency", sa.String(8), nullable=False),
    sa.Column("amount_usd", sa.Float, nullable=False),  # normalised for the amount rules
    sa.Column("payment_format", sa.String(32), nullable=False, server_default=""),
    sa.Index("ix_graph_transactions_source_ts", "source", "ts"),
    sa.Index("ix_graph_transactions_target_ts", "target", "ts"),
    sa.Index("ix_graph_transactions_ts", "ts"),
)

graph_sweeps = sa.Table(
    "graph_sweeps",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("since", sa.BigInteger, nullable=False),
    sa.Column("until", sa.BigInteger, nullable=False),
    sa.Column("partitions", JsonColumn, nullable=False),  # the plan: partition keys and ranges
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("result", JsonColumn, nullable=True),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint("state IN ('running', 'merging', 'done')", name="state"),
)

# One row per finished partition: the unique key makes a retried partition a no-op.
graph_sweep_partitions = sa.Table(
    "graph_sweep_partitions",
    metadata,
    sa.Column("sweep_id", sa.String(64), primary_key=True),
    sa.Column("partition_key", sa.String(96), primary_key=True),
    sa.Column("findings", JsonColumn, nullable=False),
    sa.Column("notes", JsonColumn, nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=False),
)

graph_rings = sa.Table(
    "graph_rings",
    metadata,
    sa.Column("fingerprint", sa.String(32), primary_key=True),
    sa.Column("typology", sa.String(32), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("body", JsonColumn, nullable=False),  # the ring as JSON (accounts, findings, ...)
    sa.Column("first_sweep", sa.String(64), nullable=False),
    sa.Column("last_sweep", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_graph_rings_score", "score"),
)

# Which ring each finding belongs to: a later sweep that finds a known finding again (or a ring
# that grew) updates the same ring instead of opening a second one.
graph_ring_findings = sa.Table(
    "graph_ring_findings",
    metadata,
    sa.Column("finding_key", sa.String(32), primary_key=True),
    sa.Column("fingerprint", sa.String(32), nullable=False, index=True),
)

graph_ring_accounts = sa.Table(
    "graph_ring_accounts",
    metadata,
    sa.Column("account", sa.String(128), primary_key=True),
    sa.Column("fingerprint", sa.String(32), primary_key=True),
)

# Accounts known to be bad (sanctioned customers, closed for fraud): seeds of risk propagation.
graph_known_bad = sa.Table(
    "graph_known_bad",
    metadata,
    sa.Column("account", sa.String(128), primary_key=True),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("added_at", UtcDateTime(), nullable=False),
)
