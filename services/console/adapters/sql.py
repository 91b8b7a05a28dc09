"""SQL implementations of the console's stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.common.db import Database
from services.console.adapters.tables import console_credentials, console_sessions
from services.console.core.lockout import FailureRecord
from services.console.core.sessions import Session
from services.console.ports import Credential

_c = console_credentials.c
_s = console_sessions.c


def _credential(row: sa.Row[Any]) -> Credential:
    failures = FailureRecord(row.failed_count, row.first_failed_at, row.locked_until)
    return Credential(row.officer_id, row.password_hash, row.updated_at, failures)


class SqlCredentials:
    """`CredentialStore` over `console_credentials`."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def get(self, officer_id: str) -> Credential | None:
        with self.db.read() as conn:
            row = conn.execute(
                console_credentials.select().where(_c.officer_id == officer_id)
            ).one_or_none()
        return _credential(row) if row is not None else None

    def set_password(self, officer_id: str, password_hash: str, now: datetime) -> None:
        """Insert or replace the hash; a new password clears failures and any lock-out."""
        values = {
            "password_hash": password_hash,
            "updated_at": now,
            "failed_count": 0,
            "first_failed_at": None,
            "locked_until": None,
        }
        with self.db.begin() as conn:
            done = conn.execute(
                console_credentials.update().where(_c.officer_id == officer_id).values(**values)
            ).rowcount
            if not done:
                conn.execute(console_credentials.insert().values(officer_id=officer_id, **values))

    def set_failures(self, officer_id: str, failures: FailureRecord) -> None:
        with self.db.begin() as conn:
            conn.execute(
                console_credentials.update()
                .where(_c.officer_id == officer_id)
                .values(
                    failed_count=failures.count,
                    first_failed_at=failures.first_failed_at,
                    locked_until=failures.locked_until,
                )
            )


class SqlSessions:
    """`SessionStore` over `console_sessions` (shared by every console replica)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def add(self, session: Session) -> None:
        with self.db.begin() as conn:
            conn.execute(
                console_sessions.insert().values(
                    digest=session.digest,
                    officer_id=session.officer_id,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    last_seen_at=session.last_seen_at,
                )
            )

    def get(self, digest: str) -> Session | None:
        with self.db.read() as conn:
            row = conn.execute(console_sessions.select().where(_s.digest == digest)).one_or_none()
        if row is None:
            return None
        return Session(row.digest, row.officer_id, row.csrf_token, row.created_at, row.last_seen_at)

    def touch(self, digest: str, now: datetime) -> None:
        with self.db.begin() as conn:
            conn.execute(
                console_sessions.update().where(_s.digest == digest).values(last_seen_at=now)
            )

    def remove(self, digest: str) -> None:
        with self.db.begin() as conn:
            conn.execute(console_sessions.delete().where(_s.digest == digest))

    def remove_expired(self, idle_before: datetime, created_before: datetime) -> int:
        with self.db.begin() as conn:
            return conn.execute(
                console_sessions.delete().where(
                    sa.or_(_s.last_seen_at < idle_before, _s.created_at < created_before)
                )
            ).rowcount
