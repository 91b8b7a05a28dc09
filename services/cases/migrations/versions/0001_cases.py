"""case management: officers, cases, events, alerts, suppressions, approvals, SARs, evidence, audit

Revision ID: 0001_cases
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import JsonColumn, UtcDateTime

revision: str = "0001_cases"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("cases",)
# No depends_on: no table here references a common table, and with depends_on="0001_common"
# Alembic drops common's head from alembic_version once this revision is applied, which
# `serve.ensure_schema` and tests/services/common/test_migrations.py then read as "schema behind"
# (reported to the integrator; see the cases report).
depends_on: str | Sequence[str] | None = None

# Event streams and the audit chain are append-only: the database refuses UPDATE and DELETE.
APPEND_ONLY = ("case_events", "case_sar_events", "audit_log")
_OPEN = sa.text("status <> 'closed'")


def _event_columns(owner: str, owner_table: str) -> list[sa.Column[object]]:
    return [
        sa.Column(owner, sa.String(40), sa.ForeignKey(f"{owner_table}.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "case_officers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", JsonColumn, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "cases",
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
            "status IN ('open', 'investigating', 'pending_approval', 'closed')",
            name=op.f("ck_cases_status"),
        ),
    )
    op.create_index(
        "uq_cases_open_subject_kind",
        "cases",
        ["subject_kind", "subject_id", "kind"],
        unique=True,
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    )
    op.create_index("ix_cases_claim", "cases", ["queue", "status", "due_at"])
    op.create_index("ix_cases_assignee", "cases", ["assignee"])
    op.create_table(
        "case_events",
        *_event_columns("case_id", "cases"),
        sa.Column("body", JsonColumn, nullable=False),
    )
    op.create_index("ix_case_events_type", "case_events", ["type"])
    op.create_table(
        "case_alerts",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("body_enc", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_case_alerts_case_id", "case_alerts", ["case_id"])
    op.create_table(
        "case_suppressions",
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("list_entry_id", sa.String(200), primary_key=True),
        sa.Column("customer_hash", sa.String(64), primary_key=True),
        sa.Column("entry_hash", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
    )
    op.create_table(
        "case_approvals",
        sa.Column("target", sa.String(60), primary_key=True),
        sa.Column("decision_id", sa.String(40), primary_key=True),
        sa.Column("maker", sa.String(64), primary_key=True),
        sa.Column("checker", sa.String(64), nullable=False),
        sa.Column("approved_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("maker <> checker", name=op.f("ck_case_approvals_maker_is_not_checker")),
    )
    op.create_table(
        "case_sars",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state_enc", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_case_sars_case_id", "case_sars", ["case_id"])
    op.create_table(
        "case_sar_events",
        *_event_columns("sar_id", "case_sars"),
        sa.Column("body_enc", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "case_evidence",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content_enc", sa.LargeBinary, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
    )
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION warden_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION warden_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS warden_append_only()")
    for table in (
        "audit_head",
        "audit_log",
        "case_evidence",
        "case_sar_events",
        "case_sars",
        "case_approvals",
        "case_suppressions",
        "case_alerts",
        "case_events",
        "cases",
        "case_officers",
    ):
        op.drop_table(table)
