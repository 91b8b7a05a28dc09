from __future__ import annotations

from pathlib import Path

import pytest

from services.common.crypto import DecryptionError, KeyRing, development_key_ring, generate_key_spec


def test_round_trip_and_context_binding() -> None:
    ring = KeyRing.parse(generate_key_spec("k1"))
    token = ring.encrypt_text("Anna Maria ERIKSSON", "customer:c1:name")
    assert b"ERIKSSON" not in token
    assert ring.decrypt_text(token, "customer:c1:name") == "Anna Maria ERIKSSON"
    with pytest.raises(DecryptionError, match="another context"):
        ring.decrypt_text(token, "customer:c2:name")  # copied into another customer's row


def test_rotation_keeps_old_data_readable_and_moves_it_to_the_new_key() -> None:
    old = KeyRing.parse(generate_key_spec("k1"))
    token = old.encrypt(b"secret", "ctx")
    rotated_ring = KeyRing.parse(f"{generate_key_spec('k2')},{generate_key_spec('k1')}")
    # The new ring must hold the old key material too: rebuild it with the same k1.
    rotated_ring = KeyRing((rotated_ring.keys[0], old.keys[0]))
    assert rotated_ring.decrypt(token, "ctx") == b"secret"
    moved = rotated_ring.rotate(token, "ctx")
    assert rotated_ring.key_id_of(moved) == "k2"
    with pytest.raises(DecryptionError, match="not in the ring"):
        old.decrypt(moved, "ctx")


def test_tampering_is_detected() -> None:
    ring = KeyRing.parse(generate_key_spec())
    token = bytearray(ring.encrypt(b"data", "ctx"))
    token[-1] ^= 0x01
    with pytest.raises(DecryptionError):
        ring.decrypt(bytes(token), "ctx")
    with pytest.raises(DecryptionError, match="version"):
        ring.decrypt(b"\x07garbage", "ctx")


def test_invalid_key_ring_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        KeyRing((("k", b"short"),))


def test_development_key_is_created_once_and_private(tmp_path: Path) -> None:
    first = development_key_ring(tmp_path)
    second = development_key_ring(tmp_path)
    assert first == second
    assert (tmp_path / "dev-encryption.key").stat().st_mode & 0o777 == 0o600
