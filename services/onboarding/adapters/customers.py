"""Customer records, their rating history and account links (the `CustomerStore` port).

Personal data, rating inputs and rating factors are sealed under the customer's data key
(`customer_rows`); once the key is shredded those columns are NULL and the rest stays readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.common.db import Database
from services.common.errors import NotFound
from services.onboarding.adapters.customer_rows import customer_from_rows, customer_row, rating_row
from services.onboarding.adapters.tables import onboarding_customer_accounts as accounts
from services.onboarding.adapters.tables import onboarding_customers as customers
from services.onboarding.adapters.tables import onboarding_ratings as ratings
from services.onboarding.core.customer import CustomerRecord
from services.onboarding.pii import CustomerCipher, PiiVault


def customer_insert(record: CustomerRecord, cipher: CustomerCipher) -> Callable[[Connection], None]:
    """Seal a new customer's rows now; the returned function inserts them in a transaction."""
    row = customer_row(record, cipher)
    rating_rows = [rating_row(seq, r, cipher) for seq, r in enumerate(record.ratings)]
    links = [{"customer_id": record.id, "account_id": a} for a in sorted(record.accounts)]

    def insert(conn: Connection) -> None:
        conn.execute(customers.insert().values(**row))
        conn.execute(ratings.insert(), rating_rows)
        if links:
            conn.execute(accounts.insert(), links)

    return insert


class SqlCustomerStore:
    """Customer records, their rating history and account links."""

    def __init__(self, database: Database, vault: PiiVault) -> None:
        self.db = database
        self.vault = vault

    def get(self, customer_id: str) -> CustomerRecord:
        with self.db.read() as conn:
            return self._load(conn, customer_id)

    def _load(self, conn: Connection, customer_id: str) -> CustomerRecord:
        row = (
            conn.execute(customers.select().where(customers.c.id == customer_id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise NotFound("customer", customer_id)
        rating_rows = conn.execute(
            ratings.select().where(ratings.c.customer_id == customer_id).order_by(ratings.c.seq)
        ).mappings()
        linked = conn.execute(
            sa.select(accounts.c.account_id).where(accounts.c.customer_id == customer_id)
        ).scalars()
        cipher = self.vault.cipher(customer_id)
        return customer_from_rows(row, list(rating_rows), frozenset(linked), cipher)

    def put(self, record: CustomerRecord) -> None:
        cipher = self.vault.cipher(record.id)
        row = customer_row(record, cipher)
        rating_rows = [rating_row(n, r, cipher) for n, r in enumerate(record.ratings)]
        with self.db.begin() as conn:
            updated = conn.execute(
                customers.update().where(customers.c.id == record.id).values(**row)
            ).rowcount
            if not updated:
                raise NotFound("customer", record.id)
            self._sync_ratings(conn, record, rating_rows)
            self._sync_accounts(conn, record)

    def _sync_ratings(
        self, conn: Connection, record: CustomerRecord, rows: list[dict[str, Any]]
    ) -> None:
        known = conn.execute(
            sa.select(sa.func.count())
            .select_from(ratings)
            .where(ratings.c.customer_id == record.id)
        ).scalar_one()
        if rows[known:]:
            conn.execute(ratings.insert(), rows[known:])
        if record.shredded:
            conn.execute(
                ratings.update()
                .where(ratings.c.customer_id == record.id)
                .values(factors_sealed=None)
            )

    def _sync_accounts(self, conn: Connection, record: CustomerRecord) -> None:
        stored = set(
            conn.execute(
                sa.select(accounts.c.account_id).where(accounts.c.customer_id == record.id)
            ).scalars()
        )
        added = sorted(record.accounts - stored)
        if added:
            conn.execute(
                accounts.insert(), [{"customer_id": record.id, "account_id": a} for a in added]
            )

    def retention_candidates(self) -> Iterator[CustomerRecord]:
        query = sa.select(customers.c.id).where(
            customers.c.status.in_(("closed", "rejected")), customers.c.shredded_at.is_(None)
        )
        with self.db.read() as conn:
            ids = list(conn.execute(query.order_by(customers.c.id)).scalars())
        for customer_id in ids:
            yield self.get(customer_id)

    def due_for_review(self, today: date) -> Iterator[str]:
        query = (
            sa.select(customers.c.id)
            .where(customers.c.status == "active", customers.c.review_due <= today)
            .order_by(customers.c.id)
        )
        with self.db.read() as conn:
            return iter(list(conn.execute(query).scalars()))

    def owners_of(self, linked: frozenset[str]) -> Mapping[str, frozenset[str]]:
        if not linked:
            return {}
        owners = sa.select(accounts.c.customer_id).where(accounts.c.account_id.in_(sorted(linked)))
        query = sa.select(accounts.c.customer_id, accounts.c.account_id).where(
            accounts.c.customer_id.in_(owners)
        )
        found: dict[str, set[str]] = {}
        with self.db.read() as conn:
            for customer_id, account_id in conn.execute(query):
                found.setdefault(customer_id, set()).add(account_id)
        return {c: frozenset(a) for c, a in found.items()}
