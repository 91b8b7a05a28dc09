"""PII envelope encryption: sealing, crypto-shredding and master-key rotation."""

from __future__ import annotations

import pytest

from services.common.crypto import DecryptionError, KeyRing, generate_key_spec
from services.onboarding.codec import personal_from_json, personal_to_json
from services.onboarding.pii import CustomerShredded, InMemoryDataKeyStore, PiiVault, RewrapReport
from tests.services.onboarding.factories import personal_data

OLD = generate_key_spec("k1")
NEW = generate_key_spec("k2")


def vault(spec: str = OLD, keys: InMemoryDataKeyStore | None = None) -> PiiVault:
    return PiiVault(KeyRing.parse(spec), keys or InMemoryDataKeyStore())


def test_personal_data_round_trips_and_is_not_readable_at_rest() -> None:
    v = vault()
    plaintext = personal_to_json(personal_data())
    token = v.seal("cus_1", "personal", plaintext)
    assert b"Schmidt" not in token
    assert b"C01X00T47" not in token
    assert personal_from_json(v.open("cus_1", "personal", token)) == personal_data()


def test_each_customer_has_their_own_data_key() -> None:
    keys = InMemoryDataKeyStore()
    v = vault(keys=keys)
    a = v.seal("cus_a", "personal", b"same")
    v.seal("cus_b", "personal", b"same")
    assert keys.keys["cus_a"] != keys.keys["cus_b"]
    # A ciphertext moved to another customer or field does not open.
    with pytest.raises(DecryptionError):
        v.open("cus_b", "personal", a)
    with pytest.raises(DecryptionError):
        v.open("cus_a", "notes", a)


def test_a_wrapped_key_copied_to_another_customer_does_not_unwrap() -> None:
    keys = InMemoryDataKeyStore()
    v = vault(keys=keys)
    v.seal("cus_a", "personal", b"x")
    keys.keys["cus_b"] = keys.keys["cus_a"]
    with pytest.raises(DecryptionError):
        v.open("cus_b", "personal", b"\x01")


def test_shredded_data_is_unreadable_even_with_the_master_key_and_the_ciphertext() -> None:
    keys = InMemoryDataKeyStore()
    v = vault(keys=keys)
    token = v.seal("cus_1", "personal", personal_to_json(personal_data()))
    other = v.seal("cus_2", "personal", b"untouched")
    assert v.shred("cus_1") is True
    assert v.shred("cus_1") is False  # idempotent
    with pytest.raises(CustomerShredded) as caught:
        v.open("cus_1", "personal", token)
    assert caught.value.reason == "CUSTOMER_SHREDDED"
    # A fresh vault on the same master key cannot read it either: the data key is gone.
    with pytest.raises(CustomerShredded):
        vault(keys=keys).open("cus_1", "personal", token)
    assert v.open("cus_2", "personal", other) == b"untouched"


def test_rotation_rewraps_data_keys_and_old_master_key_can_then_be_dropped() -> None:
    keys = InMemoryDataKeyStore()
    before = vault(OLD, keys)
    tokens = {cid: before.seal(cid, "personal", cid.encode()) for cid in ("c1", "c2", "c3")}
    ring = KeyRing.parse(f"{NEW},{OLD}")  # new key first: it wraps; both unwrap
    rotated = PiiVault(ring, keys)
    assert rotated.rewrap_all().rewrapped == 3
    assert {ring.key_id_of(w) for w in keys.keys.values()} == {"k2"}
    assert rotated.rewrap_all() == RewrapReport(0, 0)  # re-running finds nothing left
    # The field ciphertexts were not touched, and open with the new key alone.
    only_new = vault(NEW, keys)
    assert {cid: only_new.open(cid, "personal", t) for cid, t in tokens.items()} == {
        "c1": b"c1",
        "c2": b"c2",
        "c3": b"c3",
    }
    # The old key alone can no longer unwrap anything.
    with pytest.raises(DecryptionError):
        vault(OLD, keys).open("c1", "personal", tokens["c1"])


def test_two_vaults_sharing_a_key_store_agree_on_one_data_key() -> None:
    keys = InMemoryDataKeyStore()
    first, second = vault(keys=keys), vault(keys=keys)
    a = first.seal("cus_1", "personal", b"a")
    b = second.seal("cus_1", "personal", b"b")
    assert (first.open("cus_1", "personal", b), second.open("cus_1", "personal", a)) == (b"b", b"a")
