"""The SQL identity stores on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services.common.crypto import KeyRing, generate_key_spec
from services.common.db import Database
from services.common.errors import NotFound
from services.identity.adapters.stores import SqlChallengeStore, SqlImageStore, SqlResultStore
from services.identity.adapters.tables import identity_images
from services.identity.core.liveness import Action, Challenge, redeem_challenge
from services.identity.core.reasons import LivenessReason
from services.identity.core.verdict import Check, CheckStatus, Decision
from services.identity.ports import StoredImage, VerificationRecord

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"pixels" * 100


def _image(image_id: str = "img_1", created: datetime = NOW) -> StoredImage:
    return StoredImage(image_id, "client-1", "selfie", "ab" * 32, 64, 48, JPEG, created)


def test_images_are_encrypted_at_rest_and_owner_scoped(database: Database) -> None:
    store = SqlImageStore(database, KeyRing.parse(generate_key_spec("k1")))

    assert store.put(_image())
    assert not store.put(_image())  # idempotent by id

    with database.read() as conn:
        raw = conn.execute(sa.select(identity_images.c.content)).scalar_one()
    assert b"pixels" not in raw
    assert store.get("img_1", "client-1").content == JPEG
    with pytest.raises(NotFound):
        store.get("img_1", "client-2")


def test_purge_deletes_only_old_images(database: Database) -> None:
    store = SqlImageStore(database, KeyRing.parse(generate_key_spec("k1")))
    store.put(_image("img_old", NOW - timedelta(days=40)))
    store.put(_image("img_new", NOW))
    assert store.purge(NOW - timedelta(days=30)) == 1
    assert store.get("img_new", "client-1").id == "img_new"
    with pytest.raises(NotFound):
        store.get("img_old", "client-1")


def _challenge() -> Challenge:
    return Challenge(
        "ch_1",
        "nonce-1",
        (Action.BLINK, Action.TURN_LEFT),
        NOW,
        NOW + timedelta(seconds=90),
        subject_id="applicant-1",
        owner="client-1",
    )


def test_challenge_round_trip_and_single_redemption(database: Database) -> None:
    store = SqlChallengeStore(database)
    store.save(_challenge())

    first = redeem_challenge(store, "ch_1", "nonce-1", NOW, "op_a")
    again = redeem_challenge(store, "ch_1", "nonce-1", NOW, "op_a")
    replay = redeem_challenge(store, "ch_1", "nonce-1", NOW, "op_b")

    assert isinstance(first, Challenge)
    assert first.actions == (Action.BLINK, Action.TURN_LEFT)
    assert (first.owner, first.subject_id) == ("client-1", "applicant-1")
    assert isinstance(again, Challenge)
    assert replay is LivenessReason.CHALLENGE_REPLAYED
    assert store.redeem("missing", NOW, "op_a") is None


def test_concurrent_redemptions_have_one_winner(database: Database) -> None:
    store = SqlChallengeStore(database)
    store.save(_challenge())
    barrier = threading.Barrier(4)
    results: list[object] = []

    def redeem(attempt: str) -> None:
        barrier.wait()
        results.append(redeem_challenge(store, "ch_1", "nonce-1", NOW, attempt))

    threads = [threading.Thread(target=redeem, args=(f"op_{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, Challenge) for r in results) == 1


def test_results_are_recorded_once(database: Database) -> None:
    store = SqlResultStore(database)
    record = VerificationRecord(
        operation_id="op_1",
        kind="identity.face_match",
        owner="client-1",
        subject_id="applicant-1",
        decision=Decision.DECLINED,
        reason_codes=("FACE_MISMATCH",),
        checks=(Check("face_match", CheckStatus.FAIL, "FACE_MISMATCH", "distance 0.8"),),
        timings_ms={"total": 321.5},
        face_distance=0.8,
        created_at=NOW,
    )
    assert store.record(record)
    assert not store.record(record)
    assert store.get("op_1") == record
    assert store.get("op_2") is None
