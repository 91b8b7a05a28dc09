"""Applications and their evidence (the `ApplicationStore` port), PII sealed by the vault.

Deciding an application also creates its customer, in the same transaction that moves the
application to DECIDED, so a redelivered decision step can never create a second customer.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from services.common.db import Database, utcnow
from services.common.errors import AlreadyExists, NotFound
from services.common.ids import new_id
from services.onboarding import codec
from services.onboarding.adapters.customers import customer_insert
from services.onboarding.adapters.tables import onboarding_applications as applications
from services.onboarding.adapters.tables import onboarding_evidence as evidence_rows
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
