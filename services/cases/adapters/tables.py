"""Case management tables (Alembic branch "cases").

Events are the truth; `cases.state` and `case_sars.state` are projections (the folded record)
kept in the same transaction so lists and claim-next never replay streams. Event tables and the
audit log are append-only: the migration adds triggers that refuse UPDATE and DELETE, and the
hash chain catches anyone who gets past them (a DBA can drop a trigger).

PII at rest: alert bodies (producer evidence: names, dates of birth), evidence files and
everything SAR-side are encrypted with the runtime's key ring (`*_enc` columns, AES-GCM bound to
table, row and column). Case events and the audit log keep officers' notes in clear so the chain
can be verified without keys; see docs/cases/README.md.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import JsonColumn, UtcDateTime, metadata

_OPEN = sa.text("status <> 'closed'")

officers = sa.Table(
    "case_officers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("roles", JsonColumn, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("subject_kind", sa.String(16), nullable=False),
    sa.Column("subject_id", sa.String(200), nullable=False),
    sa.Column("queue", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=True),
    sa.Column("severity_rank", sa.SmallInteger, nullable=False),
    sa.Column("assignee", sa.String(64), nullable=True),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("due_at", UtcDateTime(), nullable=False),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("snoozed_until", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state", JsonColumn, nullable=False),
    sa.CheckConstraint(
        "status IN ('open', 'investigating', 'pending_approval', 'closed')", name="status"
    ),
    # At most one open case per (subject, kind), even under concurrent intake.
    sa.Index(
        "uq_cases_open_subject_kind",
        "subject_kind",
        "subject_id",
        "kind",
        unique=True,
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    ),
    sa.Index("ix_cases_claim", "queue", "status", "due_at"),
    sa.Index("ix_cases_assignee", "assignee"),
)

case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("body", JsonColumn, nullable=False),
    sa.Index("ix_case_events_type", "type"),
)

case_alerts = sa.Table(
    "case_alerts",
    metadata,
    sa.Column("key", sa.String(512), primary_key=True),  # intake is idempotent by alert key
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("raised_at", UtcDateTime(), nullable=False),
    sa.Column("body_enc", sa.LargeBinary, nullable=False),
)

suppressions = sa.Table(
    "case_suppressions",
    metadata,
    sa.Column("customer_id", sa.String(200), primary_key=True),
    sa.Column("list_entry_id", sa.String(200), primary_key=True),
    sa.Column("customer_hash", sa.String(64), primary_key=True),
    sa.Column("entry_hash", sa.String(64), primary_key=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_by", sa.String(64), nullable=True),
)

# One row per (decision, maker): the database itself refuses an approval by one of its makers.
approvals = sa.Table(
    "case_approvals",
    metadata,
    sa.Column("target", sa.String(60), primary_key=True),  # "case:<id>" or "sar:<id>"
    sa.Column("decision_id", sa.String(40), primary_key=True),
    sa.Column("maker", sa.String(64), primary_key=True),
    sa.Column("checker", sa.String(64), nullable=False),
    sa.Column("approved_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("maker <> checker", name="maker_is_not_checker"),
)

sars = sa.Table(
    "case_sars",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state_enc", sa.LargeBinary, nullable=False),
)

sar_events = sa.Table(
    "case_sar_events",
    metadata,
    sa.Column("sar_id", sa.String(40), sa.ForeignKey("case_sars.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("body_enc", sa.LargeBinary, nullable=False),
)

evidence = sa.Table(
    "case_evidence",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content_enc", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    # Canonical JSON text, byte for byte what was hashed (JSONB would re-encode it).
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)

# The chain head in one row: appenders lock it, so two transactions never chain to the same entry.
audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)
