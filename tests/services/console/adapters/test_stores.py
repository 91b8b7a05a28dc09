"""The console's stores: the same contract in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.db import Database
from services.console.adapters.sql import SqlCredentials, SqlSessions
from services.console.core import sessions
from services.console.core.lockout import FailureRecord
from services.console.ports import (
    CredentialStore,
    InMemoryCredentials,
    InMemorySessions,
    SessionStore,
)
from tests.conftest import BACKENDS, open_database

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.fixture(params=["memory", *BACKENDS])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[CredentialStore, SessionStore]]:
    if request.param == "memory":
        yield InMemoryCredentials(), InMemorySessions()
        return
    database: Database = open_database(request.param, request, tmp_path)
    yield SqlCredentials(database), SqlSessions(database)
    database.dispose()


def test_passwords_and_failures_round_trip(stores: tuple[CredentialStore, SessionStore]) -> None:
    credentials, _ = stores
    assert credentials.get("ana") is None
    credentials.set_password("ana", "$argon2id$hash-1", T0)
    locked = FailureRecord(5, T0, T0 + timedelta(minutes=15))
    credentials.set_failures("ana", locked)
    found = credentials.get("ana")
    assert found is not None
    assert found.failures == locked
    credentials.set_password("ana", "$argon2id$hash-2", T0 + timedelta(hours=1))
    reset = credentials.get("ana")
    assert reset is not None
    assert reset.password_hash == "$argon2id$hash-2"
    assert reset.failures == FailureRecord()  # a new password lifts the lock-out
    credentials.set_failures("nobody", locked)  # unknown officer: nothing to update
    assert credentials.get("nobody") is None


def test_sessions_by_digest_touch_and_expiry(stores: tuple[CredentialStore, SessionStore]) -> None:
    _, store = stores
    old = sessions.start("ana", "token-old", T0)
    new = sessions.start("rita", "token-new", T0 + timedelta(hours=2))
    store.add(old)
    store.add(new)
    assert store.get(sessions.token_digest("token-old")) == old
    store.touch(old.digest, T0 + timedelta(minutes=10))
    touched = store.get(old.digest)
    assert touched is not None
    assert touched.last_seen_at == T0 + timedelta(minutes=10)
    removed = store.remove_expired(T0 + timedelta(hours=1), T0 - timedelta(hours=12))
    assert removed == 1
    assert store.get(old.digest) is None
    store.remove(new.digest)
    assert store.get(new.digest) is None
