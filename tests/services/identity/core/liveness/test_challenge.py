"""Challenges: random, short-lived, redeemable once."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import InvalidArgument
from services.identity.core.liveness import (
    Action,
    Challenge,
    ChallengePolicy,
    InMemoryChallengeStore,
    issue_challenge,
    redeem_challenge,
)
from services.identity.core.reasons import LivenessReason

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _issued(store: InMemoryChallengeStore, policy: ChallengePolicy | None = None) -> Challenge:
    challenge = issue_challenge(policy or ChallengePolicy(), NOW, subject_id="applicant-1")
    store.save(challenge)
    return challenge


def test_issued_challenge_has_actions_nonce_and_expiry() -> None:
    challenge = issue_challenge(ChallengePolicy(actions=4), NOW, rng=random.Random(3))
    assert len(challenge.actions) == 4
    assert all(a != b for a, b in zip(challenge.actions, challenge.actions[1:], strict=False))
    assert challenge.expires_at - challenge.issued_at == timedelta(seconds=90)
    assert len(challenge.nonce) >= 32
    assert challenge.redeemed_at is None


def test_challenges_are_unpredictable() -> None:
    issued = [issue_challenge(ChallengePolicy(), NOW) for _ in range(50)]
    assert len({c.challenge_id for c in issued}) == 50
    assert len({c.nonce for c in issued}) == 50
    assert len({c.actions for c in issued}) > 5  # 12 possible sequences of 3


def test_single_action_pool_still_works() -> None:
    policy = ChallengePolicy(actions=2, pool=(Action.BLINK,))
    assert issue_challenge(policy, NOW).actions == (Action.BLINK, Action.BLINK)


@pytest.mark.parametrize("actions", [0, 9])
def test_policy_bounds_are_validated(actions: int) -> None:
    with pytest.raises(InvalidArgument):
        ChallengePolicy(actions=actions)


def test_first_redemption_succeeds_and_replay_fails() -> None:
    store = InMemoryChallengeStore()
    challenge = _issued(store)

    first = redeem_challenge(store, challenge.challenge_id, challenge.nonce, NOW, "op-1")
    replay = redeem_challenge(store, challenge.challenge_id, challenge.nonce, NOW, "op-2")

    assert isinstance(first, Challenge)
    assert first.actions == challenge.actions
    assert first.redeemed_by == "op-1"
    assert replay is LivenessReason.CHALLENGE_REPLAYED


def test_the_same_attempt_may_redeem_again_even_after_expiry() -> None:
    # A task redelivered after its worker was killed must not fail its own challenge.
    store = InMemoryChallengeStore()
    challenge = _issued(store)
    redeem_challenge(store, challenge.challenge_id, challenge.nonce, NOW, "op-1")
    later = challenge.expires_at + timedelta(hours=2)
    again = redeem_challenge(store, challenge.challenge_id, challenge.nonce, later, "op-1")
    assert isinstance(again, Challenge)
    assert again.redeemed_at == NOW


def test_wrong_nonce_fails_and_burns_the_challenge() -> None:
    store = InMemoryChallengeStore()
    challenge = _issued(store)
    assert redeem_challenge(store, challenge.challenge_id, "guess", NOW, "op-1") is (
        LivenessReason.CHALLENGE_INVALID
    )
    assert redeem_challenge(store, challenge.challenge_id, challenge.nonce, NOW, "op-2") is (
        LivenessReason.CHALLENGE_REPLAYED
    )


def test_expired_challenge_fails() -> None:
    store = InMemoryChallengeStore()
    challenge = _issued(store)
    late = challenge.expires_at
    assert redeem_challenge(store, challenge.challenge_id, challenge.nonce, late, "op-1") is (
        LivenessReason.CHALLENGE_EXPIRED
    )


def test_unknown_challenge_fails() -> None:
    assert redeem_challenge(InMemoryChallengeStore(), "nope", "nonce", NOW, "op-1") is (
        LivenessReason.CHALLENGE_INVALID
    )


def test_concurrent_redemptions_have_one_winner() -> None:
    store = InMemoryChallengeStore()
    challenge = _issued(store)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def redeem(attempt: str) -> None:
        barrier.wait()
        results.append(
            redeem_challenge(store, challenge.challenge_id, challenge.nonce, NOW, attempt)
        )

    threads = [threading.Thread(target=redeem, args=(f"op-{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, Challenge) for r in results) == 1
    assert results.count(LivenessReason.CHALLENGE_REPLAYED) == 7
