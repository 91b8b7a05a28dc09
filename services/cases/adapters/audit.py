"""The audit chain in SQL: appended inside the caller's transaction, serialised on one head row.

Every writer locks `audit_head` (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
already admits one writer) before chaining, so two transactions can never chain to the same
entry. The head is locked last in every unit of work (after the case or SAR row), which keeps
the lock order fixed and deadlock-free.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.cases.adapters.sql import insert_ignore
from services.cases.adapters.tables import audit_head, audit_log
from services.cases.core.audit import AuditEntry, AuditRecord, ChainAnchor, chain
from services.common.db import Database

PAGE = 1_000


def _lock_head(conn: Connection) -> ChainAnchor | None:
    conn.execute(insert_ignore(conn, audit_head).values(id=1, seq=0, hash=""))
    row = conn.execute(
        sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
    ).one()
    return ChainAnchor(int(row.seq), str(row.hash)) if row.seq else None


def append_audit(conn: Connection, records: Sequence[AuditRecord]) -> tuple[AuditEntry, ...]:
    """Chain `records` after the current head, in the caller's transaction."""
    if not records:
        return ()
    previous: AuditEntry | ChainAnchor | None = _lock_head(conn)
    added: list[AuditEntry] = []
    for record in records:
        entry = chain(record, previous)
        added.append(entry)
        previous = entry
    conn.execute(audit_log.insert(), [_row(e) for e in added])
    last = added[-1]
    conn.execute(
        audit_head.update().where(audit_head.c.id == 1).values(seq=last.seq, hash=last.hash)
    )
    return tuple(added)


def _row(entry: AuditEntry) -> dict[str, object]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "details": orjson.dumps(entry.details, option=orjson.OPT_SORT_KEYS).decode(),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _entry(row: sa.Row[tuple[object, ...]]) -> AuditEntry:
    m = row._mapping
    return AuditEntry(
        seq=int(m["seq"]),
        at=m["at"],
        actor=str(m["actor"]),
        action=str(m["action"]),
        target=str(m["target"]),
        details=orjson.loads(str(m["details"])),
        prev_hash=str(m["prev_hash"]),
        hash=str(m["hash"]),
    )


class SqlAuditLog:
    """`AuditLog` over the `audit_log` table (security events append in their own transaction)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def append(self, records: Sequence[AuditRecord]) -> tuple[AuditEntry, ...]:
        with self.db.begin() as conn:
            return append_audit(conn, records)

    def entries(self, after_seq: int = 0, limit: int | None = None) -> tuple[AuditEntry, ...]:
        query = sa.select(audit_log).where(audit_log.c.seq > after_seq).order_by(audit_log.c.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as conn:
            return tuple(_entry(r) for r in conn.execute(query))

    def iter_entries(self) -> Iterator[AuditEntry]:
        """The whole chain in storage order, a page at a time (memory stays flat)."""
        after = 0
        while True:
            page = self.entries(after, PAGE)
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].seq

    def head(self) -> ChainAnchor | None:
        with self.db.read() as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return ChainAnchor(int(row.seq), str(row.hash)) if row is not None and row.seq else None
