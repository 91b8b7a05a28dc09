"""SQL adapters of the onboarding ports (PostgreSQL and SQLite), PII sealed by the vault.

Everything personal is sealed under the customer's data key before it reaches a row, and read
back through the vault; once the key is shredded, the sealed columns are set to NULL as well.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.common.db import Database, utcnow
from services.common.errors import AlreadyExists, NotFound
from services.common.ids import new_id
from services.onboarding import codec
from services.onboarding.adapters.customer_rows import customer_from_rows, customer_row, rating_row
from services.onboarding.adapters.tables import (
    onboarding_applications as applications,
)
from services.onboarding.adapters.tables import (
    onboarding_customer_accounts as accounts,
)
from services.onboarding.adapters.tables import (
    onboarding_customers as customers,
)
from services.onboarding.adapters.tables import (
    onboarding_data_keys as data_keys,
)
from services.onboarding.adapters.tables import (
    onboarding_evidence as evidence_rows,
)
from services.onboarding.adapters.tables import (
    onboarding_ratings as ratings,
)
from services.onboarding.core.application import (
    ApplicationRecord,
    ApplicationState,
    Evidence,
    EvidenceKind,
)
from services.onboarding.core.checks import CheckOutcomes, IdentityOutcome
from services.onboarding.core.customer import CustomerRecord
from services.onboarding.core.decision import Decision, client_view
from services.onboarding.pii import CustomerCipher, PiiVault
from services.onboarding.ports import NewApplication


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


class SqlApplicationStore:
    """Applications and their evidence; deciding also creates the customer, atomically."""

    def __init__(self, database: Database, vault: PiiVault) -> None:
        self.db = database
        self.vault = vault

    def create_or_get(self, new: NewApplication) -> ApplicationRecord:
        record = new.record
        # Seal before the transaction: sealing may create the customer's data key, which is a
        # write of its own (on SQLite, a second writer would wait for this one).
        cipher = self.vault.cipher(record.customer_id, create=True)
        row = self._new_row(new, cipher)
        evidence = self._evidence_rows(record, new.evidence, cipher)
        try:
            with self.db.begin() as conn:
                conn.execute(applications.insert().values(**row))
                conn.execute(evidence_rows.insert(), evidence)
        except sa.exc.IntegrityError:
            return self._existing(record.owner, record.request_id, new.input_sha256)
        return record

    def _new_row(self, new: NewApplication, cipher: CustomerCipher) -> dict[str, Any]:
        record = new.record
        assert record.applicant is not None
        sealed = _seal(cipher, "applicant", codec.applicant_to_dict(record.applicant))
        return {
            "id": record.id,
            "owner": record.owner,
            "request_id": record.request_id,
            "input_sha256": new.input_sha256,
            "customer_id": record.customer_id,
            "state": record.state.value,
            "product": record.product,
            "channel": record.channel,
            "liveness_challenge_id": record.liveness_challenge_id,
            "applicant_sealed": sealed,
            "liveness_nonce_sealed": cipher.seal("liveness_nonce", record.liveness_nonce.encode())
            if record.liveness_nonce
            else None,
            "created_at": record.created_at,
        }

    def _evidence_rows(
        self, record: ApplicationRecord, items: tuple[Evidence, ...], cipher: CustomerCipher
    ) -> list[dict[str, Any]]:
        now = utcnow()
        return [
            {
                "id": new_id("evd"),
                "application_id": record.id,
                "kind": item.kind.value,
                "seq": seq,
                "offset_ms": item.offset_ms,
                "sha256": hashlib.sha256(item.content).hexdigest(),
                "size": len(item.content),
                "content_sealed": cipher.seal(f"evidence:{record.id}:{seq}", item.content),
                "created_at": now,
            }
            for seq, item in enumerate(items)
        ]

    def _existing(self, owner: str, request_id: str, digest: str) -> ApplicationRecord:
        query = applications.select().where(
            applications.c.owner == owner, applications.c.request_id == request_id
        )
        with self.db.read() as conn:
            row = conn.execute(query).mappings().one()
        if row["input_sha256"] != digest:
            raise AlreadyExists(
                f"request id {request_id!r} was already used for a different application",
                reason="REQUEST_ID_REUSED",
            )
        return self._record(row)

    def get(self, application_id: str) -> ApplicationRecord:
        with self.db.read() as conn:
            row = (
                conn.execute(applications.select().where(applications.c.id == application_id))
                .mappings()
                .one_or_none()
            )
        if row is None:
            raise NotFound("application", application_id)
        return self._record(row)

    def _record(self, row: sa.RowMapping) -> ApplicationRecord:
        customer_id = row["customer_id"]
        cipher = self.vault.cipher(customer_id)
        applicant = _open(cipher, "applicant", row["applicant_sealed"])
        sealed_decision = _open(cipher, "decision", row["decision_sealed"])
        return ApplicationRecord(
            id=row["id"],
            owner=row["owner"],
            request_id=row["request_id"],
            customer_id=customer_id,
            product=row["product"],
            channel=row["channel"],
            applicant=codec.applicant_from_dict(applicant) if applicant else None,
            created_at=row["created_at"],
            state=ApplicationState(row["state"]),
            liveness_challenge_id=row["liveness_challenge_id"],
            liveness_nonce=_open_text(cipher, "liveness_nonce", row["liveness_nonce_sealed"]),
            identity=codec.identity_from_dict(row["identity_outcome"]),
            checks=codec.checks_from_dict(sealed_decision["checks"]) if sealed_decision else None,
            decision=codec.decision_from_dict(sealed_decision["decision"])
            if sealed_decision
            else None,
            decided_at=row["decided_at"],
        )

    def evidence(self, application_id: str) -> tuple[Evidence, ...]:
        owner = sa.select(applications.c.customer_id).where(applications.c.id == application_id)
        query = (
            evidence_rows.select()
            .where(evidence_rows.c.application_id == application_id)
            .order_by(evidence_rows.c.seq)
        )
        with self.db.read() as conn:
            customer_id = conn.execute(owner).scalar_one_or_none()
            rows = list(conn.execute(query).mappings())
        if customer_id is None:
            raise NotFound("application", application_id)
        cipher = self.vault.cipher(customer_id)
        return tuple(
            Evidence(
                EvidenceKind(r["kind"]),
                cipher.open(f"evidence:{application_id}:{r['seq']}", r["content_sealed"]),
                r["offset_ms"],
            )
            for r in rows
        )

    def record_identity(self, application_id: str, outcome: IdentityOutcome | None) -> None:
        with self.db.begin() as conn:
            conn.execute(
                applications.update()
                .where(
                    applications.c.id == application_id,
                    applications.c.state == ApplicationState.RECEIVED.value,
                )
                .values(
                    state=ApplicationState.VERIFIED.value,
                    identity_outcome=codec.identity_to_dict(outcome),
                )
            )

    def record_decision(
        self,
        application_id: str,
        checks: CheckOutcomes,
        decision: Decision,
        customer: CustomerRecord,
    ) -> None:
        view = client_view(decision)
        cipher = self.vault.cipher(customer.id)
        sealed = _seal(
            cipher,
            "decision",
            {"checks": codec.checks_to_dict(checks), "decision": codec.decision_to_dict(decision)},
        )
        new_customer = customer_insert(customer, cipher)
        with self.db.begin() as conn:
            moved = conn.execute(
                applications.update()
                .where(
                    applications.c.id == application_id,
                    applications.c.state == ApplicationState.VERIFIED.value,
                )
                .values(
                    state=ApplicationState.DECIDED.value,
                    outcome=view.outcome.value,
                    client_reasons=[r.value for r in view.reasons],
                    resubmit=[i.value for i in view.resubmit],
                    decision_sealed=sealed,
                    policy_version=decision.policy_version,
                    policy_sha256=decision.policy_sha256,
                    decided_at=customer.decided_at or customer.created_at,
                )
            ).rowcount
            if moved:  # the first delivery creates the customer; a redelivery changes nothing
                new_customer(conn)

    def purge(self, application_id: str) -> int:
        with self.db.begin() as conn:
            gone = conn.execute(
                evidence_rows.delete().where(evidence_rows.c.application_id == application_id)
            ).rowcount
            conn.execute(
                applications.update()
                .where(applications.c.id == application_id)
                .values(applicant_sealed=None, decision_sealed=None, liveness_nonce_sealed=None)
            )
        return int(gone)


def _seal(cipher: CustomerCipher, field: str, data: object) -> bytes:
    return cipher.seal(field, codec.dumps(data))


def _open(cipher: CustomerCipher, field: str, token: bytes | None) -> dict[str, Any] | None:
    return None if token is None else codec.loads(cipher.open(field, token))


def _open_text(cipher: CustomerCipher, field: str, token: bytes | None) -> str:
    return "" if token is None else cipher.open(field, token).decode()


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
