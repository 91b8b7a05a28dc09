"""Server-side sessions: what a session is, when it ends, and how its secrets are made.

The browser holds only a random token (256 bits) in an HttpOnly, SameSite=Strict cookie; the
store keeps its SHA-256, so a copy of the session table cannot be replayed as cookies. Each
session carries its own CSRF token (synchronizer pattern). A session ends on log-out, after
`idle` without a request, or `absolute` after log-in whatever the activity — officers share
workstations, and a forgotten tab must not stay signed in for days.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.errors import InvalidArgument

TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """Idle and absolute lifetimes; `touch_every` bounds how often last-seen is written."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(minutes=1)

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.absolute < self.idle:
            raise InvalidArgument.for_field("session", "idle must be positive and <= absolute")


@dataclass(frozen=True, slots=True)
class Session:
    """One signed-in officer in one browser."""

    digest: str
    officer_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


def new_token() -> str:
    """A fresh unguessable token (session cookie or CSRF token)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the store keys a session by: the SHA-256 of the cookie value."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(officer_id: str, token: str, now: datetime) -> Session:
    """A session for an officer who just proved their password."""
    return Session(token_digest(token), officer_id, new_token(), now, now)


def expired(session: Session, policy: SessionPolicy, now: datetime) -> bool:
    """Whether the session may no longer be used (idle too long, or too old)."""
    return now - session.last_seen_at >= policy.idle or now - session.created_at >= policy.absolute


def needs_touch(session: Session, policy: SessionPolicy, now: datetime) -> bool:
    """Whether last-seen is stale enough to be written (not on every request)."""
    return now - session.last_seen_at >= policy.touch_every


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
