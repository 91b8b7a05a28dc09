"""`GraphStore` on SQLAlchemy (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from services.common.db import Database, utcnow
from services.common.errors import NotFound
from services.graph.adapters.tables import (
    graph_known_bad,
    graph_ring_accounts,
    graph_ring_findings,
    graph_rings,
    graph_sweep_partitions,
    graph_sweeps,
    graph_transactions,
)
from services.graph.core.codec import (
    finding_from_dict,
    finding_to_dict,
    ring_from_dict,
    ring_to_dict,
)
from services.graph.core.frame import TransactionFrame, frame_from_columns
from services.graph.core.model import Finding, Transaction
from services.graph.core.rings import Ring
from services.graph.ports import Booked, SweepRecord

T = graph_transactions
P = graph_sweep_partitions
S = graph_sweeps
F = graph_ring_findings
R = graph_rings
A = graph_ring_accounts
FETCH_ROWS = 100_000
_SQLITE_INSERT = (
    "INSERT OR IGNORE INTO graph_transactions "
    "(tx_id, source, target, ts, amount, currency, amount_usd, payment_format) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
IN_CHUNK = 500  # accounts per IN (...) list: well under every driver's parameter limit


class SqlGraphStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    def _insert(self, table: sa.Table) -> Any:
        dialect = postgresql if self.db.dialect == "postgresql" else sqlite
        return dialect.insert(table)

    # --- transactions ------------------------------------------------------------------------
    def existing_ids(self, tx_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        with self.db.read() as conn:
            for chunk in _chunks(list(tx_ids), IN_CHUNK):
                rows = conn.execute(sa.select(T.c.tx_id).where(T.c.tx_id.in_(chunk)))
                found.update(r[0] for r in rows)
        return found

    def add_transactions(self, rows: Sequence[Booked]) -> int:
        """Insert; ids already stored are left alone. Returns how many rows were new."""
        if not rows:
            return 0
        if self.db.dialect == "sqlite":
            return self._add_sqlite(rows)
        values = [_row(b) for b in rows]
        statement = (
            self._insert(T).on_conflict_do_nothing(index_elements=["tx_id"]).returning(T.c.tx_id)
        )
        # RETURNING lists exactly the rows this statement inserted (executemany batches them).
        with self.db.begin() as conn:
            inserted = conn.execute(statement, values).all()
        return len(inserted)

    def _add_sqlite(self, rows: Sequence[Booked]) -> int:
        """Bulk path for the embedded store: plain executemany, new rows counted by SQLite.

        Compiling parameters through SQLAlchemy costs more than SQLite's own insert here; the
        statement is the same insert-or-ignore, inside the same write transaction."""
        values = [
            (
                b.tx.tx_id,
                b.tx.source,
                b.tx.target,
                b.tx.timestamp,
                b.tx.amount,
                b.tx.currency,
                b.amount_usd,
                b.tx.payment_format[:32],
            )
            for b in rows
        ]
        with self.db.begin() as conn:
            raw = conn.connection.driver_connection
            before = raw.total_changes  # type: ignore[union-attr]
            raw.executemany(_SQLITE_INSERT, values)  # type: ignore[union-attr]
            return int(raw.total_changes - before)  # type: ignore[union-attr]

    def load_frame(self, start: int, end: int) -> TransactionFrame:
        """Every transaction in [start, end) as columns (streamed, FETCH_ROWS at a time)."""
        query = (
            sa.select(T.c.tx_id, T.c.source, T.c.target, T.c.ts, T.c.amount_usd)
            .where(T.c.ts >= start, T.c.ts < end)
            .order_by(T.c.ts, T.c.tx_id)
        )
        columns: list[list[Any]] = [[], [], [], [], []]
        with self.db.read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=FETCH_ROWS).execute(
                query
            )
            for batch in result.partitions(FETCH_ROWS):
                for column, values in zip(columns, zip(*batch, strict=True), strict=True):
                    column.extend(values)
        return frame_from_columns(
            columns[0],
            columns[1],
            columns[2],
            np.asarray(columns[3], dtype=np.int64),
            np.asarray(columns[4], dtype=np.float64),
        )

    def time_range(self) -> tuple[int, int] | None:
        with self.db.read() as conn:
            low, high = conn.execute(sa.select(sa.func.min(T.c.ts), sa.func.max(T.c.ts))).one()
        return None if low is None else (int(low), int(high))

    def latest_of(self, account: str) -> int | None:
        with self.db.read() as conn:
            values = [
                conn.execute(sa.select(sa.func.max(T.c.ts)).where(column == account)).scalar()
                for column in (T.c.source, T.c.target)
            ]
        known = [int(v) for v in values if v is not None]
        return max(known) if known else None

    def neighbourhood(
        self, account: str, depth: int, span: tuple[int, int], max_edges: int
    ) -> tuple[list[Booked], bool]:
        """Transfers within `depth` hops of `account` in [span), breadth first, capped."""
        edges: dict[str, Booked] = {}
        frontier, seen = [account], {account}
        with self.db.read() as conn:
            for _ in range(depth):
                found = self._touching(conn, frontier, span, max_edges + 1 - len(edges))
                fresh = [b for b in found if b.tx.tx_id not in edges]
                edges.update((b.tx.tx_id, b) for b in fresh)
                if len(edges) > max_edges:
                    break
                reached = {a for b in fresh for a in (b.tx.source, b.tx.target)} - seen
                seen |= reached
                frontier = sorted(reached)
        ordered = sorted(edges.values(), key=lambda b: (b.tx.timestamp, b.tx.tx_id))
        return ordered[:max_edges], len(ordered) > max_edges

    def _touching(
        self, conn: Connection, accounts: list[str], span: tuple[int, int], limit: int
    ) -> list[Booked]:
        out: list[Booked] = []
        for chunk in _chunks(accounts, IN_CHUNK):
            for column in (T.c.source, T.c.target):
                if len(out) >= limit:
                    return out
                query = (
                    sa.select(*_BOOKED_COLUMNS)
                    .where(column.in_(chunk), T.c.ts >= span[0], T.c.ts < span[1])
                    .limit(limit - len(out))
                )
                # Plain tuples, not mappings: a neighbourhood is thousands of rows and
                # AnalyzeAccount's latency is mostly spent turning them into objects.
                out.extend(_booked_tuple(r) for r in conn.execute(query))
        return out

    # --- sweeps -------------------------------------------------------------------------------
    def create_sweep(self, record: SweepRecord) -> SweepRecord:
        with self.db.begin() as conn:
            conn.execute(
                self._insert(graph_sweeps)
                .values(
                    id=record.id,
                    since=record.since,
                    until=record.until,
                    partitions=list(record.partitions),
                    state="running",
                    started_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
        return self.get_sweep(record.id)

    def get_sweep(self, sweep_id: str) -> SweepRecord:
        with self.db.read() as conn:
            row = (
                conn.execute(sa.select(graph_sweeps).where(graph_sweeps.c.id == sweep_id))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound("sweep", sweep_id)
        return SweepRecord(
            id=row["id"],
            since=int(row["since"]),
            until=int(row["until"]),
            partitions=tuple(row["partitions"]),
            state=row["state"],
            result=row["result"],
        )

    def save_partition(
        self, sweep_id: str, key: str, findings: Sequence[Finding], notes: Sequence[str]
    ) -> bool:
        statement = self._insert(graph_sweep_partitions).values(
            sweep_id=sweep_id,
            partition_key=key,
            findings=[finding_to_dict(f) for f in findings],
            notes=list(notes),
            finished_at=utcnow(),
        )
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        with self.db.begin() as conn:
            done = conn.execute(statement.on_conflict_do_nothing().returning(P.c.partition_key))
            return done.first() is not None

    def finished_partitions(self, sweep_id: str) -> set[str]:
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(graph_sweep_partitions.c.partition_key).where(
                    graph_sweep_partitions.c.sweep_id == sweep_id
                )
            )
            return {r[0] for r in rows}

    def partition_findings(self, sweep_id: str) -> list[list[Finding]]:
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(P.c.findings).where(P.c.sweep_id == sweep_id).order_by(P.c.partition_key)
            )
            return [[finding_from_dict(f) for f in r[0]] for r in rows]

    def claim_merge(self, sweep_id: str) -> bool:
        """Move the sweep to merging unless it is done (merging again after a crash is safe)."""
        with self.db.begin() as conn:
            done = conn.execute(
                sa.update(S)
                .where(S.c.id == sweep_id, S.c.state != "done")
                .values(state="merging")
                .returning(S.c.id)
            )
            return done.first() is not None

    def finish_sweep(self, sweep_id: str, result: dict[str, Any]) -> None:
        with self.db.begin() as conn:
            conn.execute(
                sa.update(S)
                .where(S.c.id == sweep_id)
                .values(state="done", result=result, finished_at=utcnow())
            )

    def last_finished_until(self) -> int | None:
        with self.db.read() as conn:
            value = conn.execute(sa.select(sa.func.max(S.c.until)).where(S.c.state == "done"))
            found = value.scalar()
        return None if found is None else int(found)

    # --- rings --------------------------------------------------------------------------------
    def fingerprints_for(self, finding_keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.db.read() as conn:
            for chunk in _chunks(list(finding_keys), IN_CHUNK):
                rows = conn.execute(sa.select(F).where(F.c.finding_key.in_(chunk)))
                out.update((r.finding_key, r.fingerprint) for r in rows)
        return out

    def upsert_ring(self, ring: Ring, sweep_id: str) -> bool:
        """Insert or refresh a ring; returns True if it was not stored before."""
        now = utcnow()
        body = ring_to_dict(ring)
        with self.db.begin() as conn:
            exists = conn.execute(
                sa.select(R.c.fingerprint).where(R.c.fingerprint == ring.fingerprint)
            ).first()
            if exists:
                conn.execute(
                    sa.update(R)
                    .where(R.c.fingerprint == ring.fingerprint)
                    .values(
                        typology=ring.typology.value,
                        score=ring.score,
                        body=body,
                        last_sweep=sweep_id,
                        updated_at=now,
                    )
                )
            else:
                conn.execute(
                    sa.insert(R).values(
                        fingerprint=ring.fingerprint,
                        typology=ring.typology.value,
                        score=ring.score,
                        body=body,
                        first_sweep=sweep_id,
                        last_sweep=sweep_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
            self._index_ring(conn, ring)
        return exists is None

    def _index_ring(self, conn: Connection, ring: Ring) -> None:
        keys = [{"finding_key": f.key, "fingerprint": ring.fingerprint} for f in ring.findings]
        accounts = [{"account": a, "fingerprint": ring.fingerprint} for a in ring.accounts]
        conn.execute(self._insert(graph_ring_findings).on_conflict_do_nothing(), keys)
        conn.execute(self._insert(graph_ring_accounts).on_conflict_do_nothing(), accounts)

    def rings(self, limit: int, min_score: float) -> list[Ring]:
        query = (
            sa.select(R.c.body)
            .where(R.c.score >= min_score)
            .order_by(R.c.score.desc(), R.c.fingerprint)
            .limit(limit)
        )
        with self.db.read() as conn:
            return [ring_from_dict(r[0]) for r in conn.execute(query)]

    def rings_of(self, account: str) -> list[Ring]:
        query = (
            sa.select(R.c.body)
            .join(A, A.c.fingerprint == R.c.fingerprint)
            .where(A.c.account == account)
            .order_by(R.c.score.desc())
        )
        with self.db.read() as conn:
            return [ring_from_dict(r[0]) for r in conn.execute(query)]

    def known_bad(self) -> set[str]:
        with self.db.read() as conn:
            return {r[0] for r in conn.execute(sa.select(graph_known_bad.c.account))}

    def add_known_bad(self, account: str, reason: str) -> None:
        statement = self._insert(graph_known_bad).values(
            account=account, reason=reason, added_at=utcnow()
        )
        with self.db.begin() as conn:
            conn.execute(statement.on_conflict_do_nothing())


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(b: Booked) -> dict[str, Any]:
    return {
        "tx_id": b.tx.tx_id,
        "source": b.tx.source,
        "target": b.tx.target,
        "ts": b.tx.timestamp,
        "amount": b.tx.amount,
        "currency": b.tx.currency,
        "amount_usd": b.amount_usd,
        "payment_format": b.tx.payment_format[:32],
    }


_BOOKED_COLUMNS = (
    T.c.tx_id,
    T.c.source,
    T.c.target,
    T.c.ts,
    T.c.amount,
    T.c.currency,
    T.c.payment_format,
    T.c.amount_usd,
)


def _booked_tuple(row: Sequence[Any]) -> Booked:
    tx_id, source, target, ts, amount, currency, payment_format, amount_usd = row
    tx = Transaction(tx_id, source, target, int(ts), float(amount), currency, payment_format)
    return Booked(tx, float(amount_usd))
