"""Lock-out after repeated failed log-ins (a brute-force brake, not a password policy).

Failures are counted per officer inside a sliding window that starts at the first failure; at
`threshold` failures the account is locked for `duration`. While locked, even the right
password is refused (and counted as nothing), so guessing cannot go on in the background. A
successful log-in clears the count. Times are passed in, never read here: the rules are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """How many failures within `window` lock an account, and for how long."""

    threshold: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise InvalidArgument.for_field("lockout.threshold", "must be at least 1")
        if self.window <= timedelta(0) or self.duration <= timedelta(0):
            raise InvalidArgument.for_field("lockout", "window and duration must be positive")


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """Failed log-ins of one officer: how many since `first_failed_at`, and any lock."""

    count: int = 0
    first_failed_at: datetime | None = None
    locked_until: datetime | None = None


CLEAR = FailureRecord()


def is_locked(record: FailureRecord, now: datetime) -> bool:
    """Whether log-ins are refused now."""
    return record.locked_until is not None and now < record.locked_until


def after_failure(record: FailureRecord, policy: LockoutPolicy, now: datetime) -> FailureRecord:
    """The record after one more failed log-in; locks once the threshold is reached.

    A failure outside the window of the first one starts a new window, so an officer who
    mistypes once a day is never locked out.
    """
    in_window = record.first_failed_at is not None and now - record.first_failed_at < policy.window
    count = record.count + 1 if in_window else 1
    first = record.first_failed_at if in_window else now
    locked_until = now + policy.duration if count >= policy.threshold else None
    return FailureRecord(count, first, locked_until)


def just_locked(before: FailureRecord, after: FailureRecord, now: datetime) -> bool:
    """True when this failure is the one that locked the account (audited once, not per try)."""
    return is_locked(after, now) and not is_locked(before, now)
