"""SQL adapters of the smaller ports: SARs, officers, evidence and suppressions.

SAR records and events, and evidence bytes, are encrypted with the key ring, each token bound
to its table, row and column (a token copied to another row does not decrypt).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.cases.adapters.audit import append_audit
from services.cases.adapters.sql import insert_ignore, writing
from services.cases.adapters.tables import (
    approvals,
    evidence,
    officers,
    sar_events,
    sars,
    suppressions,
)
from services.cases.core.codec import from_jsonable, to_jsonable
from services.cases.core.roles import Officer, Role
from services.cases.core.sar.events import (
    SarEvent,
    SarReport,
    evolve_sar,
    sar_audit_record,
    sar_event_from_dict,
    sar_event_to_dict,
)
from services.common.alerts import ScreeningMatch, Suppression
from services.common.crypto import KeyRing
from services.common.db import Database, utcnow
from services.common.errors import AlreadyExists, FailedPrecondition, NotFound


class SqlSarStore:
    def __init__(self, database: Database, key_ring: KeyRing) -> None:
        self.db = database
        self.key_ring = key_ring

    def _decode(self, sar_id: str, token: bytes) -> SarReport:
        state = self.key_ring.decrypt(token, context=f"case_sars:{sar_id}:state")
        return from_jsonable(SarReport, orjson.loads(state))

    def _get(self, conn: Connection, sar_id: str, *, lock: bool = False) -> SarReport:
        query = sa.select(sars.c.state_enc).where(sars.c.id == sar_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound("sar", sar_id)
        return self._decode(sar_id, row.state_enc)

    def get(self, sar_id: str) -> SarReport:
        with self.db.read() as conn:
            return self._get(conn, sar_id)

    def events(self, sar_id: str) -> tuple[SarEvent, ...]:
        query = sa.select(sar_events.c.seq, sar_events.c.body_enc).where(
            sar_events.c.sar_id == sar_id
        )
        with self.db.read() as conn:
            self._get(conn, sar_id)
            rows = conn.execute(query.order_by(sar_events.c.seq)).all()
        return tuple(
            sar_event_from_dict(
                orjson.loads(
                    self.key_ring.decrypt(r.body_enc, f"case_sar_events:{sar_id}:{r.seq}:body")
                )
            )
            for r in rows
        )

    def all(self) -> tuple[SarReport, ...]:
        with self.db.read() as conn:
            rows = conn.execute(sa.select(sars.c.id, sars.c.state_enc).order_by(sars.c.id)).all()
        return tuple(self._decode(r.id, r.state_enc) for r in rows)

    def create(self, event: SarEvent) -> SarReport:
        with self.db.begin() as conn:
            exists = conn.execute(sa.select(sars.c.id).where(sars.c.id == event.sar_id)).first()
            if exists:
                raise AlreadyExists(f"SAR {event.sar_id} already exists")
            return self._write(conn, None, event)

    def update(
        self, sar_id: str, decide: Callable[[SarReport], SarEvent], approvals: bool = False
    ) -> SarReport:
        with writing(self.db) as conn:
            report = self._get(conn, sar_id, lock=True)
            event = decide(report)
            if approvals:
                _approve(conn, report, event)
            return self._write(conn, report, event)

    def _write(self, conn: Connection, before: SarReport | None, event: SarEvent) -> SarReport:
        after = evolve_sar(before, event)
        state = self.key_ring.encrypt(
            orjson.dumps(to_jsonable(after)), f"case_sars:{after.id}:state"
        )
        row = {"status": after.status.value, "version": after.version, "state_enc": state}
        if before is None:
            conn.execute(sars.insert().values(id=after.id, case_id=after.case_id, **row))
        else:
            conn.execute(sars.update().where(sars.c.id == after.id).values(**row))
        body = orjson.dumps(sar_event_to_dict(event))
        context = f"case_sar_events:{event.sar_id}:{event.seq}:body"
        conn.execute(
            sar_events.insert().values(
                sar_id=event.sar_id,
                seq=event.seq,
                type=type(event).__name__,
                actor=event.actor,
                at=event.at,
                body_enc=self.key_ring.encrypt(body, context),
            )
        )
        append_audit(conn, [sar_audit_record(event)])
        return after


def _approve(conn: Connection, report: SarReport, event: SarEvent) -> None:
    rows = [
        {
            "target": f"sar:{report.id}",
            "decision_id": str(event.seq),
            "maker": maker,
            "checker": event.actor,
            "approved_at": event.at,
        }
        for maker in sorted(report.makers)
    ]
    conn.execute(approvals.insert(), rows)


class SqlOfficers:
    def __init__(self, database: Database) -> None:
        self.db = database

    def get(self, officer_id: str) -> Officer:
        with self.db.read() as conn:
            row = conn.execute(sa.select(officers).where(officers.c.id == officer_id)).first()
        if row is None:
            raise NotFound("officer", officer_id)
        return Officer(
            row.id, row.display_name, frozenset(Role(r) for r in row.roles), bool(row.active)
        )

    def add(self, officer: Officer) -> None:
        with self.db.begin() as conn:
            if conn.execute(sa.select(officers.c.id).where(officers.c.id == officer.id)).first():
                raise AlreadyExists(f"officer {officer.id} already exists")
            conn.execute(officers.insert().values(**_officer_row(officer), created_at=utcnow()))

    def replace(self, officer: Officer) -> None:
        with self.db.begin() as conn:
            done = conn.execute(
                officers.update().where(officers.c.id == officer.id).values(**_officer_row(officer))
            )
            if done.rowcount != 1:
                raise NotFound("officer", officer.id)

    def all(self) -> tuple[Officer, ...]:
        with self.db.read() as conn:
            ids = [r.id for r in conn.execute(sa.select(officers.c.id).order_by(officers.c.id))]
        return tuple(self.get(i) for i in ids)


def _officer_row(officer: Officer) -> dict[str, object]:
    return {
        "id": officer.id,
        "display_name": officer.display_name,
        "roles": sorted(r.value for r in officer.roles),
        "active": officer.active,
    }


class SqlEvidence:
    """Evidence bytes, encrypted, keyed by the SHA-256 of the plaintext (checked on read)."""

    def __init__(self, database: Database, key_ring: KeyRing) -> None:
        self.db = database
        self.key_ring = key_ring

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        token = self.key_ring.encrypt(content, context=f"case_evidence:{digest}:content")
        with self.db.begin() as conn:
            row = {
                "sha256": digest,
                "size": len(content),
                "content_enc": token,
                "created_at": utcnow(),
            }
            conn.execute(insert_ignore(conn, evidence).values(**row))
        return digest

    def get(self, sha256: str) -> bytes:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(evidence.c.content_enc).where(evidence.c.sha256 == sha256)
            ).first()
        if row is None:
            raise NotFound("evidence", sha256)
        content = self.key_ring.decrypt(row.content_enc, context=f"case_evidence:{sha256}:content")
        if hashlib.sha256(content).hexdigest() != sha256:
            raise FailedPrecondition(f"evidence {sha256[:12]} does not match its digest")
        return content


class SqlSuppressions:
    def __init__(self, database: Database) -> None:
        self.db = database

    def is_suppressed(self, customer_id: str, match: ScreeningMatch) -> bool:
        query = sa.select(suppressions.c.case_id).where(
            suppressions.c.customer_id == customer_id,
            suppressions.c.list_entry_id == match.list_entry_id,
            suppressions.c.customer_hash == match.subject_hash,
            suppressions.c.entry_hash == match.entry_hash,
            suppressions.c.revoked_at.is_(None),
        )
        with self.db.read() as conn:
            return conn.execute(query).first() is not None

    def for_customer(self, customer_id: str) -> tuple[Suppression, ...]:
        query = sa.select(suppressions).where(
            suppressions.c.customer_id == customer_id, suppressions.c.revoked_at.is_(None)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return tuple(
            Suppression(r.customer_id, r.list_entry_id, r.customer_hash, r.entry_hash) for r in rows
        )

    def revoke(self, suppression: Suppression, at: datetime, by: str) -> None:
        s = suppression
        with self.db.begin() as conn:
            done = conn.execute(
                suppressions.update()
                .where(
                    suppressions.c.customer_id == s.customer_id,
                    suppressions.c.list_entry_id == s.list_entry_id,
                    suppressions.c.customer_hash == s.customer_hash,
                    suppressions.c.entry_hash == s.entry_hash,
                    suppressions.c.revoked_at.is_(None),
                )
                .values(revoked_at=at, revoked_by=by)
            )
            if done.rowcount != 1:
                raise NotFound("suppression", f"{s.customer_id}/{s.list_entry_id}")
