"""SQL versions of the screening stores (tables in `tables.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from services.common.crypto import KeyRing
from services.common.db import Database
from services.screening.adapters.tables import screening_customers, screening_suppressions
from services.screening.ports import WHOLE, MonitoredCustomer, Partition, Suppression
from watchlists.model import Party, canonical_json, party_from_dict


def _context(reference: str) -> str:
    return f"screening_customers:{reference}:party_ciphertext"


class SqlCustomerStore:
    """`CustomerStore` on the shared database; the party is encrypted at rest."""

    def __init__(self, database: Database, key_ring: KeyRing) -> None:
        self.database = database
        self.key_ring = key_ring

    def upsert(self, party: Party, now: datetime) -> MonitoredCustomer:
        ciphertext = self.key_ring.encrypt(canonical_json(party), _context(party.id))
        digest = party.content_hash()
        with self.database.begin() as conn:
            existing = conn.execute(
                sa.select(screening_customers.c.enrolled_at).where(
                    screening_customers.c.reference == party.id
                )
            ).scalar_one_or_none()
            values = {"party_ciphertext": ciphertext, "party_hash": digest, "updated_at": now}
            if existing is None:
                conn.execute(
                    screening_customers.insert().values(
                        reference=party.id, enrolled_at=now, **values
                    )
                )
            else:
                conn.execute(
                    screening_customers.update()
                    .where(screening_customers.c.reference == party.id)
                    .values(**values)
                )
        return MonitoredCustomer(party.id, party, digest, existing or now)

    def get(self, reference: str) -> MonitoredCustomer | None:
        with self.database.read() as conn:
            row = conn.execute(
                sa.select(screening_customers).where(screening_customers.c.reference == reference)
            ).first()
        return self._decode(row._mapping) if row is not None else None

    def iterate(
        self, batch_size: int = 500, partition: Partition = WHOLE
    ) -> Iterator[MonitoredCustomer]:
        after = ""
        while True:
            with self.database.read() as conn:
                rows = conn.execute(
                    sa.select(screening_customers)
                    .where(screening_customers.c.reference > after)
                    .order_by(screening_customers.c.reference)
                    .limit(batch_size)
                ).all()
            if not rows:
                return
            for row in rows:
                # Other partitions' rows are skipped before the (costly) decryption.
                if partition.holds(row.reference):
                    yield self._decode(row._mapping)
            after = rows[-1].reference

    def _decode(self, row: Any) -> MonitoredCustomer:
        plain = self.key_ring.decrypt(row["party_ciphertext"], _context(row["reference"]))
        data = orjson.loads(plain)
        party = party_from_dict({**data, "id": row["reference"]})
        return MonitoredCustomer(row["reference"], party, row["party_hash"], row["enrolled_at"])


class SqlSuppressionStore:
    """`SuppressionStore` on the shared database; adding the same key twice is a no-op."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, suppression: Suppression) -> None:
        with self.database.begin() as conn:
            if self._exists(
                conn,
                suppression.customer_reference,
                suppression.entry_reference,
                suppression.entry_hash,
                suppression.customer_hash,
            ):
                return
            conn.execute(
                screening_suppressions.insert().values(
                    customer_reference=suppression.customer_reference,
                    entry_reference=suppression.entry_reference,
                    entry_hash=suppression.entry_hash,
                    customer_hash=suppression.customer_hash,
                    reason=suppression.reason,
                    created_by=suppression.created_by,
                    created_at=suppression.created_at,
                )
            )

    def is_suppressed(
        self, customer_reference: str, entry_reference: str, entry_hash: str, customer_hash: str
    ) -> bool:
        with self.database.read() as conn:
            return self._exists(
                conn, customer_reference, entry_reference, entry_hash, customer_hash
            )

    @staticmethod
    def _exists(
        conn: sa.Connection, customer: str, entry: str, entry_hash: str, customer_hash: str
    ) -> bool:
        t = screening_suppressions.c
        query = sa.select(t.id).where(
            t.customer_reference == customer,
            t.entry_reference == entry,
            t.entry_hash == entry_hash,
            t.customer_hash == customer_hash,
        )
        return conn.execute(query).first() is not None
