"""Active liveness challenges: a random action sequence, single use, short-lived.

The server picks the actions from a cryptographic random source, so a pre-recorded video
cannot know them; the nonce binds the client's frames to this challenge; the store lets each
challenge be redeemed once, so a recorded successful session cannot be replayed.
"""

from __future__ import annotations

import hmac
import random
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from services.common.errors import InvalidArgument
from services.identity.core.reasons import LivenessReason


class Action(StrEnum):
    """What the applicant is asked to do. Directions are the applicant's own left/right."""

    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    BLINK = "blink"


@dataclass(frozen=True, slots=True)
class ChallengePolicy:
    """How many actions a challenge asks for, from which pool, and how long it lives."""

    actions: int = 3
    pool: tuple[Action, ...] = (Action.TURN_LEFT, Action.TURN_RIGHT, Action.BLINK)
    time_to_live: timedelta = timedelta(seconds=90)

    def __post_init__(self) -> None:
        if not 1 <= self.actions <= 8 or not self.pool:
            raise InvalidArgument.for_field("actions", "between 1 and 8, from a non-empty pool")


@dataclass(frozen=True, slots=True)
class Challenge:
    """One issued challenge. `redeemed_at`/`redeemed_by` are set by the store on first
    redemption; `redeemed_by` names the attempt (an operation id) that used it."""

    challenge_id: str
    nonce: str
    actions: tuple[Action, ...]
    issued_at: datetime
    expires_at: datetime
    subject_id: str = ""
    owner: str = ""
    redeemed_at: datetime | None = None
    redeemed_by: str = ""


def issue_challenge(
    policy: ChallengePolicy,
    now: datetime,
    subject_id: str = "",
    owner: str = "",
    rng: random.Random | None = None,
) -> Challenge:
    """A fresh challenge for `owner` (the client) about `subject_id` (the applicant): random
    actions, never the same action twice in a row.

    `rng` defaults to the OS's cryptographic source; tests pass a seeded one.
    """
    chooser = rng or random.SystemRandom()
    actions: list[Action] = []
    while len(actions) < policy.actions:
        options = [a for a in policy.pool if not actions or a != actions[-1]] or list(policy.pool)
        actions.append(chooser.choice(options))
    return Challenge(
        challenge_id=secrets.token_hex(16),
        nonce=secrets.token_urlsafe(24),
        actions=tuple(actions),
        issued_at=now,
        expires_at=now + policy.time_to_live,
        subject_id=subject_id,
        owner=owner,
    )


class ChallengeStore(Protocol):
    """Keeps issued challenges. `redeem` must be atomic: of two concurrent redemptions of
    one challenge by different redeemers, exactly one gets it back unredeemed."""

    def save(self, challenge: Challenge) -> None: ...

    def redeem(self, challenge_id: str, now: datetime, redeemer: str) -> Challenge | None:
        """Mark the challenge redeemed by `redeemer` at `now` unless it already is, and return
        it as stored afterwards (None if unknown). A later call sees the first redeemer and
        time, so a task redelivered after its worker died recognises its own redemption."""
        ...


class InMemoryChallengeStore:
    """The store of tests and of the embedded demo (one process)."""

    def __init__(self) -> None:
        self._challenges: dict[str, Challenge] = {}
        self._lock = threading.Lock()

    def save(self, challenge: Challenge) -> None:
        with self._lock:
            self._challenges[challenge.challenge_id] = challenge

    def redeem(self, challenge_id: str, now: datetime, redeemer: str) -> Challenge | None:
        with self._lock:
            found = self._challenges.get(challenge_id)
            if found is not None and found.redeemed_at is None:
                found = replace(found, redeemed_at=now, redeemed_by=redeemer)
                self._challenges[challenge_id] = found
            return found


def redeem_challenge(
    store: ChallengeStore, challenge_id: str, nonce: str, now: datetime, redeemer: str
) -> Challenge | LivenessReason:
    """The challenge to verify frames against, or why it cannot be used.

    Redeeming burns the challenge whatever happens next (wrong nonce, expiry, failed
    liveness): a second attempt needs a new challenge, which makes replay and nonce guessing
    useless. `redeemer` identifies the attempt (the operation id); only a retry of that same
    attempt may redeem again.
    """
    found = store.redeem(challenge_id, now, redeemer)
    if found is None:
        return LivenessReason.CHALLENGE_INVALID
    if found.redeemed_by != redeemer:
        return LivenessReason.CHALLENGE_REPLAYED
    if not hmac.compare_digest(found.nonce.encode(), nonce.encode()):
        return LivenessReason.CHALLENGE_INVALID
    # Judged at the first redemption: a redelivered task must not expire its own challenge.
    if (found.redeemed_at or now) >= found.expires_at:
        return LivenessReason.CHALLENGE_EXPIRED
    return found
