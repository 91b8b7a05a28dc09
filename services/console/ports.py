"""What the console stores itself (passwords, lock-out state, sessions), with in-memory fakes.

Case data is never stored here: the console reads and changes it only through CaseService.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from services.console.core.lockout import CLEAR, FailureRecord
from services.console.core.sessions import Session
from watchlists.model import Party


@dataclass(frozen=True, slots=True)
class Credential:
    """An officer's console password (an argon2id hash) and their failed log-ins."""

    officer_id: str
    password_hash: str
    updated_at: datetime
    failures: FailureRecord = CLEAR


class CredentialStore(Protocol):
    def get(self, officer_id: str) -> Credential | None: ...
    def set_password(self, officer_id: str, password_hash: str, now: datetime) -> None: ...
    def set_failures(self, officer_id: str, failures: FailureRecord) -> None: ...


class SessionStore(Protocol):
    def add(self, session: Session) -> None: ...
    def get(self, digest: str) -> Session | None: ...
    def touch(self, digest: str, now: datetime) -> None: ...
    def remove(self, digest: str) -> None: ...
    def remove_expired(self, idle_before: datetime, created_before: datetime) -> int: ...


class InMemoryCredentials:
    """`CredentialStore` in a dict (tests, benchmarks)."""

    def __init__(self) -> None:
        self._rows: dict[str, Credential] = {}
        self._lock = threading.Lock()

    def get(self, officer_id: str) -> Credential | None:
        with self._lock:
            return self._rows.get(officer_id)

    def set_password(self, officer_id: str, password_hash: str, now: datetime) -> None:
        # A new password also lifts a lock-out: that is how an admin unlocks an officer.
        with self._lock:
            self._rows[officer_id] = Credential(officer_id, password_hash, now)

    def set_failures(self, officer_id: str, failures: FailureRecord) -> None:
        with self._lock:
            current = self._rows.get(officer_id)
            if current is not None:
                self._rows[officer_id] = replace(current, failures=failures)


class InMemorySessions:
    """`SessionStore` in a dict (tests, benchmarks)."""

    def __init__(self) -> None:
        self._rows: dict[str, Session] = {}
        self._lock = threading.Lock()

    def add(self, session: Session) -> None:
        with self._lock:
            self._rows[session.digest] = session

    def get(self, digest: str) -> Session | None:
        with self._lock:
            return self._rows.get(digest)

    def touch(self, digest: str, now: datetime) -> None:
        with self._lock:
            if digest in self._rows:
                self._rows[digest] = replace(self._rows[digest], last_seen_at=now)

    def remove(self, digest: str) -> None:
        with self._lock:
            self._rows.pop(digest, None)

    def remove_expired(self, idle_before: datetime, created_before: datetime) -> int:
        with self._lock:
            gone = [
                d
                for d, s in self._rows.items()
                if s.last_seen_at < idle_before or s.created_at < created_before
            ]
            for digest in gone:
                del self._rows[digest]
            return len(gone)


class ListRecords(Protocol):
    """The list's own record of an entry ("<source>:<source id>"), from the live list version."""

    def entry(self, entry_id: str) -> Party | None: ...


class InMemoryListRecords:
    """`ListRecords` over a dict of parties (tests); empty = no list loaded."""

    def __init__(self, parties: Iterable[Party] = ()) -> None:
        self._parties = {p.id: p for p in parties}

    def entry(self, entry_id: str) -> Party | None:
        return self._parties.get(entry_id)
