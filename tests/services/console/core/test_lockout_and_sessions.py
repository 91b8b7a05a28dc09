"""Lock-out and session rules (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import InvalidArgument
from services.console.core import lockout, sessions
from services.console.core.lockout import CLEAR, LockoutPolicy
from services.console.core.sessions import SessionPolicy

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
POLICY = LockoutPolicy(threshold=3, window=timedelta(minutes=15), duration=timedelta(minutes=30))


def test_three_failures_in_the_window_lock_for_the_duration() -> None:
    record = CLEAR
    for minute in (0, 1, 2):
        before = record
        record = lockout.after_failure(record, POLICY, T0 + timedelta(minutes=minute))
    assert record.count == 3
    assert lockout.just_locked(before, record, T0 + timedelta(minutes=2))
    assert lockout.is_locked(record, T0 + timedelta(minutes=31))
    assert not lockout.is_locked(record, T0 + timedelta(minutes=32))


def test_failures_outside_the_window_start_over() -> None:
    record = lockout.after_failure(CLEAR, POLICY, T0)
    record = lockout.after_failure(record, POLICY, T0 + timedelta(minutes=1))
    record = lockout.after_failure(record, POLICY, T0 + timedelta(minutes=20))
    assert record.count == 1
    assert record.first_failed_at == T0 + timedelta(minutes=20)
    assert not lockout.is_locked(record, T0 + timedelta(minutes=20))


def test_a_failure_while_locked_is_not_a_new_lock() -> None:
    record = CLEAR
    for minute in range(3):
        record = lockout.after_failure(record, POLICY, T0 + timedelta(minutes=minute))
    later = lockout.after_failure(record, POLICY, T0 + timedelta(minutes=5))
    assert not lockout.just_locked(record, later, T0 + timedelta(minutes=5))


def test_policies_refuse_nonsense() -> None:
    with pytest.raises(InvalidArgument):
        LockoutPolicy(threshold=0)
    with pytest.raises(InvalidArgument):
        SessionPolicy(idle=timedelta(hours=2), absolute=timedelta(hours=1))


def test_sessions_expire_when_idle_or_too_old() -> None:
    policy = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
    token = sessions.new_token()
    session = sessions.start("ana", token, T0)
    assert session.digest == sessions.token_digest(token) != token
    assert not sessions.expired(session, policy, T0 + timedelta(minutes=29))
    assert sessions.expired(session, policy, T0 + timedelta(minutes=30))
    busy = type(session)(session.digest, "ana", session.csrf_token, T0, T0 + timedelta(hours=8))
    assert sessions.expired(busy, policy, T0 + timedelta(hours=8))
    assert sessions.needs_touch(session, policy, T0 + timedelta(minutes=2))
    assert not sessions.needs_touch(session, policy, T0 + timedelta(seconds=30))


def test_csrf_comparison() -> None:
    assert sessions.same_token("abc", "abc")
    assert not sessions.same_token("abc", "abd")
    assert not sessions.same_token("abc", None)
    assert not sessions.same_token("abc", "")
