"""Log-in, log-out and sessions: the console's own security, audited in case management's chain.

Passwords are argon2id hashes (argon2-cffi's defaults: t=3, 64 MiB, p=4, rehashed on log-in
when the parameters change). Roles are not the console's: after the password holds, the
officer's record is read from CaseService and an inactive or unknown officer is refused.
Every log-in, failure, lock-out and log-out becomes a `RecordSecurityEvent`; failures are
recorded by the console itself (not "on behalf of" a name someone typed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.errors import InvalidArgument
from services.console.core import lockout, sessions
from services.console.core.lockout import LockoutPolicy
from services.console.core.sessions import Session, SessionPolicy
from services.console.ports import Credential, CredentialStore, SessionStore

log = logging.getLogger(__name__)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
MAX_OFFICER_ID = 128
WRONG_CREDENTIALS = "Wrong officer id or password."


class SecurityAudit(Protocol):
    """Where security events go (case management's audit chain in production)."""

    def __call__(self, action: str, target: str, officer: str | None) -> Awaitable[None]: ...


class OfficerCheck(Protocol):
    """Whether an officer exists and is active in case management."""

    def __call__(self, officer_id: str) -> Awaitable[bool]: ...


class LoginRefused(Exception):
    """A log-in that did not succeed; `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class AuthDeps:
    credentials: CredentialStore
    sessions: SessionStore
    hasher: PasswordHasher
    lockout: LockoutPolicy
    session_policy: SessionPolicy
    clock: Callable[[], datetime]
    audit: SecurityAudit
    officer_active: OfficerCheck


def validate_password(password: str) -> str:
    """A new password: long enough to resist guessing, short enough to hash."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument.for_field(
            "password", f"at least {MIN_PASSWORD_LENGTH} characters (a passphrase is best)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidArgument.for_field("password", f"at most {MAX_PASSWORD_LENGTH} characters")
    return password


def set_password(officer_id: str, password: str, deps: AuthDeps) -> None:
    """Store a new password (and lift any lock-out). Blocking: call it from a thread."""
    digest = deps.hasher.hash(validate_password(password))
    deps.credentials.set_password(officer_id, digest, deps.clock())


def _plausible_id(officer_id: str) -> bool:
    return (
        0 < len(officer_id) <= MAX_OFFICER_ID and officer_id.isascii() and officer_id.isprintable()
    )


def _verify(hasher: PasswordHasher, credential: Credential | None, password: str) -> bool:
    if credential is None or len(password) > MAX_PASSWORD_LENGTH:
        # Same work as a real check, so response time does not tell which ids exist.
        hasher.hash("x" * MIN_PASSWORD_LENGTH)
        return False
    try:
        return hasher.verify(credential.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _refuse_wrong(credential: Credential, deps: AuthDeps, now: datetime) -> LoginRefused:
    before = credential.failures
    after = lockout.after_failure(before, deps.lockout, now)
    await asyncio.to_thread(deps.credentials.set_failures, credential.officer_id, after)
    target = f"officer:{credential.officer_id}"
    if lockout.just_locked(before, after, now):
        await deps.audit("login_locked_out", target, None)
        return LoginRefused(_locked_message(after))
    await deps.audit("login_failed", target, None)
    return LoginRefused(WRONG_CREDENTIALS)


def _locked_message(record: lockout.FailureRecord) -> str:
    until = record.locked_until.strftime("%H:%M UTC") if record.locked_until else "later"
    return f"Too many failed log-ins: this account is locked until {until}."


async def _check(officer_id: str, password: str, deps: AuthDeps) -> Credential:
    now = deps.clock()
    known = _plausible_id(officer_id)
    credential = await asyncio.to_thread(deps.credentials.get, officer_id) if known else None
    if credential is not None and lockout.is_locked(credential.failures, now):
        await deps.audit("login_failed", f"officer:{officer_id}", None)
        raise LoginRefused(_locked_message(credential.failures))
    if not await asyncio.to_thread(_verify, deps.hasher, credential, password):
        if credential is None:
            await deps.audit("login_failed", "console:unknown-officer", None)
            raise LoginRefused(WRONG_CREDENTIALS)
        raise await _refuse_wrong(credential, deps, now)
    assert credential is not None  # _verify is False without a credential
    return credential


async def _after_success(credential: Credential, password: str, deps: AuthDeps) -> None:
    if credential.failures != lockout.CLEAR:
        await asyncio.to_thread(deps.credentials.set_failures, credential.officer_id, lockout.CLEAR)
    if deps.hasher.check_needs_rehash(credential.password_hash):
        await asyncio.to_thread(set_password, credential.officer_id, password, deps)


async def log_in(officer_id: str, password: str, deps: AuthDeps) -> tuple[str, Session]:
    """Check the password and the officer; returns the new cookie token and its session."""
    credential = await _check(officer_id, password, deps)
    if not await deps.officer_active(officer_id):
        await deps.audit("login_failed", f"officer:{officer_id}", None)
        raise LoginRefused("This officer is not active in case management.")
    await _after_success(credential, password, deps)
    token = sessions.new_token()
    session = sessions.start(officer_id, token, deps.clock())
    await asyncio.to_thread(deps.sessions.add, session)
    await asyncio.to_thread(purge_sessions, deps)  # expired ones are refused anyway; tidy up
    await deps.audit("login_succeeded", "console", officer_id)
    return token, session


async def resume(token: str | None, deps: AuthDeps) -> Session | None:
    """The live session of a cookie, or None (unknown, expired: an expired one is removed)."""
    if not token or len(token) > 128:
        return None
    digest = sessions.token_digest(token)
    found = await asyncio.to_thread(deps.sessions.get, digest)
    if found is None:
        return None
    now = deps.clock()
    if sessions.expired(found, deps.session_policy, now):
        await asyncio.to_thread(deps.sessions.remove, digest)
        return None
    if sessions.needs_touch(found, deps.session_policy, now):
        await asyncio.to_thread(deps.sessions.touch, digest, now)
    return found


async def log_out(session: Session, deps: AuthDeps) -> None:
    await asyncio.to_thread(deps.sessions.remove, session.digest)
    await deps.audit("logout", "console", session.officer_id)


def purge_sessions(deps: AuthDeps) -> int:
    """Delete expired sessions (run now and then; expired ones are refused anyway)."""
    now = deps.clock()
    policy = deps.session_policy
    return deps.sessions.remove_expired(now - policy.idle, now - policy.absolute)
