"""SQL implementations of the identity ports (PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa

from services.common.crypto import KeyRing
from services.common.db import Database
from services.common.errors import NotFound
from services.identity.adapters.tables import (
    identity_challenges,
    identity_images,
    identity_results,
)
from services.identity.core.liveness.challenge import Action, Challenge
from services.identity.core.verdict import Check, CheckStatus, Decision
from services.identity.ports import StoredImage, VerificationRecord


def _content_context(image_id: str) -> str:
    return f"identity_images:{image_id}:content"


class SqlImageStore:
    """Images encrypted with the key ring, each bound to its own row."""

    def __init__(self, database: Database, key_ring: KeyRing) -> None:
        self.db = database
        self.key_ring = key_ring

    def put(self, image: StoredImage) -> bool:
        row = asdict(image)
        row["content"] = self.key_ring.encrypt(image.content, _content_context(image.id))
        try:
            with self.db.begin() as conn:
                conn.execute(identity_images.insert().values(**row))
        except sa.exc.IntegrityError:
            return False  # a retried request: the first copy stays
        return True

    def get(self, image_id: str, owner: str) -> StoredImage:
        query = identity_images.select().where(
            identity_images.c.id == image_id, identity_images.c.owner == owner
        )
        with self.db.read() as conn:
            row = conn.execute(query).mappings().one_or_none()
        if row is None:
            raise NotFound("image", image_id)
        values = dict(row)
        values["content"] = self.key_ring.decrypt(row["content"], _content_context(image_id))
        return StoredImage(**values)

    def purge(self, older_than: datetime) -> int:
        with self.db.begin() as conn:
            deleted = conn.execute(
                identity_images.delete().where(identity_images.c.created_at < older_than)
            ).rowcount
        return int(deleted)


class SqlChallengeStore:
    """Challenges with an atomic first redemption (a conditional UPDATE)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def save(self, challenge: Challenge) -> None:
        with self.db.begin() as conn:
            conn.execute(
                identity_challenges.insert().values(
                    id=challenge.challenge_id,
                    owner=challenge.owner,
                    subject_id=challenge.subject_id,
                    nonce=challenge.nonce,
                    actions=[a.value for a in challenge.actions],
                    issued_at=challenge.issued_at,
                    expires_at=challenge.expires_at,
                )
            )

    def redeem(self, challenge_id: str, now: datetime, redeemer: str) -> Challenge | None:
        table = identity_challenges
        with self.db.begin() as conn:
            conn.execute(
                table.update()
                .where(table.c.id == challenge_id, table.c.redeemed_at.is_(None))
                .values(redeemed_at=now, redeemed_by=redeemer)
            )
            row = conn.execute(table.select().where(table.c.id == challenge_id)).mappings().first()
        return None if row is None else _challenge(row)

    def purge(self, older_than: datetime) -> int:
        table = identity_challenges
        with self.db.begin() as conn:
            return int(conn.execute(table.delete().where(table.c.expires_at < older_than)).rowcount)


def _challenge(row: sa.RowMapping) -> Challenge:
    return Challenge(
        challenge_id=row["id"],
        nonce=row["nonce"],
        actions=tuple(Action(a) for a in row["actions"]),
        issued_at=row["issued_at"],
        expires_at=row["expires_at"],
        subject_id=row["subject_id"],
        owner=row["owner"],
        redeemed_at=row["redeemed_at"],
        redeemed_by=row["redeemed_by"],
    )


class SqlResultStore:
    """One row per finished identity operation."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def record(self, record: VerificationRecord) -> bool:
        row = {
            **asdict(record),
            "decision": record.decision.value,
            "reason_codes": list(record.reason_codes),
            "checks": [asdict(c) for c in record.checks],
            "timings_ms": dict(record.timings_ms),
        }
        try:
            with self.db.begin() as conn:
                conn.execute(identity_results.insert().values(**row))
        except sa.exc.IntegrityError:
            return False  # a redelivered task: the first outcome stays
        return True

    def get(self, operation_id: str) -> VerificationRecord | None:
        table = identity_results
        with self.db.read() as conn:
            row = (
                conn.execute(table.select().where(table.c.operation_id == operation_id))
                .mappings()
                .one_or_none()
            )
        if row is None:
            return None
        values = dict(row)
        values["decision"] = Decision(row["decision"])
        values["reason_codes"] = tuple(row["reason_codes"])
        values["checks"] = tuple(
            Check(c["name"], CheckStatus(c["status"]), c["reason_code"], c["detail"])
            for c in row["checks"]
        )
        return VerificationRecord(**values)
