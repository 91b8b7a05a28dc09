"""Wrapped per-customer data keys in `onboarding_data_keys` (the `DataKeyStore` port)."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from services.common.db import Database, utcnow
from services.onboarding.adapters.tables import onboarding_data_keys as data_keys


class SqlDataKeyStore:
    """Wrapped per-customer data keys in `onboarding_data_keys`."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def get(self, customer_id: str) -> bytes | None:
        with self.db.read() as conn:
            found = conn.execute(
                sa.select(data_keys.c.wrapped).where(data_keys.c.customer_id == customer_id)
            ).scalar_one_or_none()
        return bytes(found) if found is not None else None

    def add(self, customer_id: str, wrapped: bytes, key_id: str) -> bytes:
        try:
            with self.db.begin() as conn:
                conn.execute(
                    data_keys.insert().values(
                        customer_id=customer_id, wrapped=wrapped, key_id=key_id, created_at=utcnow()
                    )
                )
            return wrapped
        except sa.exc.IntegrityError:  # another process created it first: use theirs
            stored = self.get(customer_id)
            assert stored is not None
            return stored

    def replace(self, customer_id: str, old: bytes, new: bytes, key_id: str) -> bool:
        with self.db.begin() as conn:
            moved = conn.execute(
                data_keys.update()
                .where(data_keys.c.customer_id == customer_id, data_keys.c.wrapped == old)
                .values(wrapped=new, key_id=key_id)
            ).rowcount
        return bool(moved)

    def delete(self, customer_id: str) -> bool:
        with self.db.begin() as conn:
            gone = conn.execute(
                data_keys.delete().where(data_keys.c.customer_id == customer_id)
            ).rowcount
        return bool(gone)

    def wrapped_by_other_keys(self, key_id: str) -> Iterator[str]:
        with self.db.read() as conn:
            ids = conn.execute(
                sa.select(data_keys.c.customer_id)
                .where(data_keys.c.key_id != key_id)
                .order_by(data_keys.c.customer_id)
            ).scalars()
            return iter(list(ids))
