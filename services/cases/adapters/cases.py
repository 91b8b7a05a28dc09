"""`CaseStore` in SQL: every unit of work is one transaction, with the rows it decides on locked.

- `update` locks the case row (SELECT ... FOR UPDATE) before deciding, so two officers acting
  on one case serialise instead of overwriting each other; the version check on write is a
  second guard.
- `claim_next` takes the first claimable case with FOR UPDATE SKIP LOCKED on PostgreSQL: two
  officers claiming at once lock different rows and never get the same case. On SQLite the
  write transaction starts with BEGIN IMMEDIATE (services.common.db), so one claimer runs at a
  time — the correct equivalent.
- `intake` serialises per (subject, kind) with a transaction-level advisory lock on PostgreSQL,
  so concurrent alerts about one subject attach to one case; the partial unique index on open
  cases backs this up, and a losing race surfaces as a TransientError the intake task retries.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.cases.adapters.audit import append_audit
from services.cases.adapters.sql import insert_ignore, writing
from services.cases.adapters.tables import approvals, case_alerts, case_events, cases, suppressions
from services.cases.core.codec import from_jsonable, to_jsonable
from services.cases.core.events import CaseEvent, audit_record, event_from_dict, event_to_dict
from services.cases.core.fold import evolve
from services.cases.core.intake import IntakeResult, case_key
from services.cases.core.model import Case, CaseKind, CaseStatus, SubjectRef
from services.cases.core.queues import DueWindow
from services.cases.ports import (
    DECISION_EVENTS,
    Approval,
    CasePage,
    CaseQuery,
    Change,
    Decide,
    DecideIntake,
)
from services.common.alerts import Alert, alert_from_dict, alert_to_dict
from services.common.crypto import KeyRing
from services.common.db import Database
from services.common.errors import Conflict, NotFound


def _case_of(state: Any) -> Case:
    return from_jsonable(Case, state)


def _claim_order() -> tuple[sa.ColumnElement[Any], ...]:
    return (cases.c.due_at, cases.c.severity_rank.desc(), cases.c.opened_at, cases.c.id)


class SqlCaseStore:
    def __init__(self, database: Database, key_ring: KeyRing) -> None:
        self.db = database
        self.key_ring = key_ring

    # ------------------------------------------------------------------------- reads
    def get(self, case_id: str) -> Case:
        with self.db.read() as conn:
            return self._get(conn, case_id)

    def _get(self, conn: Connection, case_id: str, *, lock: bool = False) -> Case:
        query = sa.select(cases.c.state).where(cases.c.id == case_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound("case", case_id)
        return _case_of(row.state)

    def events(self, case_id: str) -> tuple[CaseEvent, ...]:
        query = sa.select(case_events.c.body).where(case_events.c.case_id == case_id)
        with self.db.read() as conn:
            self._get(conn, case_id)
            rows = conn.execute(query.order_by(case_events.c.seq)).all()
        return tuple(event_from_dict(r.body) for r in rows)

    def alerts(self, case_id: str) -> tuple[Alert, ...]:
        query = sa.select(case_alerts.c.key, case_alerts.c.body_enc).where(
            case_alerts.c.case_id == case_id
        )
        with self.db.read() as conn:
            self._get(conn, case_id)
            rows = conn.execute(query.order_by(case_alerts.c.raised_at, case_alerts.c.key)).all()
        return tuple(self._decrypt_alert(r.key, r.body_enc) for r in rows)

    def _decrypt_alert(self, key: str, token: bytes) -> Alert:
        body = self.key_ring.decrypt(token, context=f"case_alerts:{key}:body")
        return alert_from_dict(orjson.loads(body))

    def find(self, query: CaseQuery) -> CasePage:
        where = _where(query)
        select = sa.select(cases.c.state).where(*where).order_by(*_claim_order())
        with self.db.read() as conn:
            total = conn.execute(
                sa.select(sa.func.count()).select_from(cases).where(*where)
            ).scalar_one()
            rows = conn.execute(select.offset(query.offset).limit(query.limit)).all()
        return CasePage(tuple(_case_of(r.state) for r in rows), int(total))

    def subject_cases(self, subject: SubjectRef) -> tuple[Case, ...]:
        query = sa.select(cases.c.state).where(
            cases.c.subject_kind == subject.kind.value, cases.c.subject_id == subject.id
        )
        with self.db.read() as conn:
            return tuple(_case_of(r.state) for r in conn.execute(query))

    def decision_events(self) -> tuple[CaseEvent, ...]:
        names = [t.__name__ for t in DECISION_EVENTS]
        query = sa.select(case_events.c.body).where(case_events.c.type.in_(names))
        with self.db.read() as conn:
            return tuple(event_from_dict(r.body) for r in conn.execute(query))

    def other_open_case(self, case: Case) -> bool:
        query = sa.select(cases.c.id).where(
            *_open_of(case.subject, case.kind), cases.c.id != case.id
        )
        with self.db.read() as conn:
            return conn.execute(query.limit(1)).first() is not None

    # ------------------------------------------------------------------------- writes
    def intake(self, alert: Alert, decide: DecideIntake) -> IntakeResult:
        subject, kind = case_key(alert)
        with self._writing() as conn:
            _lock_subject(conn, subject, kind)
            row = conn.execute(
                sa.select(cases.c.state).where(*_open_of(subject, kind)).with_for_update()
            ).first()
            current = _case_of(row.state) if row is not None else None
            recorded = conn.execute(
                sa.select(case_alerts.c.key).where(case_alerts.c.key == alert.key)
            ).first()
            result = decide(current, recorded is not None)
            if result.events and result.case_id is not None:
                self._write(conn, current, Change(result.events))
                self._insert_alert(conn, alert, result.case_id)
            return result

    def _insert_alert(self, conn: Connection, alert: Alert, case_id: str) -> None:
        body = orjson.dumps(alert_to_dict(alert))
        conn.execute(
            case_alerts.insert().values(
                key=alert.key,
                case_id=case_id,
                source=alert.source.value,
                raised_at=alert.raised_at,
                body_enc=self.key_ring.encrypt(body, context=f"case_alerts:{alert.key}:body"),
            )
        )

    def update(self, case_id: str, decide: Decide) -> Case:
        with self._writing() as conn:
            case = self._get(conn, case_id, lock=True)
            return self._write(conn, case, decide(case))

    def claim_next(self, queues: frozenset[str], now: datetime, decide: Decide) -> Case | None:
        query = (
            sa.select(cases.c.state)
            .where(
                cases.c.queue.in_(sorted(queues)),
                cases.c.status == CaseStatus.OPEN.value,
                cases.c.assignee.is_(None),
                sa.or_(cases.c.snoozed_until.is_(None), cases.c.snoozed_until <= now),
            )
            .order_by(*_claim_order())
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        with self._writing() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            case = _case_of(row.state)
            return self._write(conn, case, decide(case))

    def _writing(self) -> AbstractContextManager[Connection]:
        return writing(self.db)

    def _write(self, conn: Connection, before: Case | None, change: Change) -> Case:
        after = before
        for event in change.events:
            after = evolve(after, event)
        assert after is not None
        if before is None:
            conn.execute(cases.insert().values(**_columns(after)))
        else:
            updated = conn.execute(
                cases.update()
                .where(cases.c.id == after.id, cases.c.version == before.version)
                .values(**_columns(after))
            )
            if updated.rowcount != 1:
                raise Conflict(f"case {after.id} changed meanwhile; read it again")
        conn.execute(case_events.insert(), [_event_row(e) for e in change.events])
        self._write_suppressions(conn, after, change)
        if change.approvals:
            conn.execute(approvals.insert(), [_approval_row(a) for a in change.approvals])
        append_audit(conn, [audit_record(e) for e in change.events])
        return after

    def _write_suppressions(self, conn: Connection, case: Case, change: Change) -> None:
        for s in change.suppressions:
            row = {
                "customer_id": s.customer_id,
                "list_entry_id": s.list_entry_id,
                "customer_hash": s.customer_hash,
                "entry_hash": s.entry_hash,
                "case_id": case.id,
                "created_at": change.events[-1].at,
            }
            conn.execute(insert_ignore(conn, suppressions).values(**row))


def _lock_subject(conn: Connection, subject: SubjectRef, kind: CaseKind) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already serialises writers
    digest = hashlib.sha256(f"cases|{subject}|{kind.value}".encode()).digest()
    conn.execute(
        sa.text("SELECT pg_advisory_xact_lock(:key)"),
        {"key": int.from_bytes(digest[:8], "big", signed=True)},
    )


def _open_of(subject: SubjectRef, kind: CaseKind) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        cases.c.subject_kind == subject.kind.value,
        cases.c.subject_id == subject.id,
        cases.c.kind == kind.value,
        cases.c.status != CaseStatus.CLOSED.value,
    )


def _where(q: CaseQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if q.queues:
        where.append(cases.c.queue.in_(sorted(q.queues)))
    if q.statuses:
        where.append(cases.c.status.in_(sorted(s.value for s in q.statuses)))
    if q.kinds:
        where.append(cases.c.kind.in_(sorted(k.value for k in q.kinds)))
    if q.severities:
        where.append(cases.c.severity_rank.in_(sorted(s.rank for s in q.severities)))
    if q.assignee is not None:
        where.append(cases.c.assignee == q.assignee)
    if q.subject is not None:
        where += [cases.c.subject_kind == q.subject.kind.value, cases.c.subject_id == q.subject.id]
    if q.due_before is not None:
        where.append(cases.c.due_at < q.due_before)
    if q.due_windows:
        where.append(sa.or_(*(_window(w) for w in q.due_windows)))
    return where


def _window(w: DueWindow) -> sa.ColumnElement[bool]:
    terms: list[sa.ColumnElement[bool]] = []
    if w.queue is not None:
        terms.append(cases.c.queue == w.queue)
    if w.severity is not None:
        terms.append(cases.c.severity_rank == w.severity.rank)
    if w.due_from is not None:
        terms.append(cases.c.due_at >= w.due_from)
    if w.due_to is not None:
        terms.append(cases.c.due_at < w.due_to)
    return sa.and_(sa.true(), *terms)


def _columns(case: Case) -> dict[str, object]:
    return {
        "id": case.id,
        "kind": case.kind.value,
        "subject_kind": case.subject.kind.value,
        "subject_id": case.subject.id,
        "queue": case.queue,
        "status": case.status.value,
        "outcome": case.outcome.value if case.outcome else None,
        "severity_rank": case.severity.rank,
        "assignee": case.assignee,
        "opened_at": case.opened_at,
        "due_at": case.due_at,
        "closed_at": case.closed_at,
        "snoozed_until": case.snoozed_until,
        "version": case.version,
        "state": to_jsonable(case),
    }


def _event_row(event: CaseEvent) -> dict[str, object]:
    return {
        "case_id": event.case_id,
        "seq": event.seq,
        "type": type(event).__name__,
        "actor": event.actor,
        "at": event.at,
        "body": event_to_dict(event),
    }


def _approval_row(approval: Approval) -> dict[str, object]:
    return {
        "target": approval.target,
        "decision_id": approval.decision_id,
        "maker": approval.maker,
        "checker": approval.checker,
        "approved_at": approval.at,
    }
