"""Customer PII at rest: envelope encryption with one data key per customer.

    vault = PiiVault(container.key_ring, SqlDataKeyStore(db))     # Phase B wiring
    token = vault.seal(customer_id, "personal", json_bytes)
    vault.open(customer_id, "personal", token)
    vault.shred(customer_id)        # crypto-shredding: every token of the customer is now noise

Why envelopes: each customer's fields are encrypted (AES-256-GCM) under the customer's own
random data key; only that 32-byte key is encrypted ("wrapped") by the runtime's `KeyRing`.
- Crypto-shredding a customer is deleting one small row, the wrapped key. Every copy of the
  customer's ciphertext, in any table, backup or replica, becomes unreadable at once, which a
  DELETE of the data rows alone cannot promise for backups.
- Rotating the ring's master key re-wraps the data keys (32 bytes each) instead of
  re-encrypting every field: `rewrap_all()` after prepending a new key to
  WARDEN_ENCRYPTION_KEYS; once it reports nothing left under the old key id, the old key can be
  removed from the ring. See docs/onboarding/README.md, "Key rotation".
Each ciphertext is bound to "<customer>:<field>" (AES-GCM associated data), and each wrapped key
to its customer, so a value or a key copied to another row fails to decrypt instead of leaking.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from services.common.crypto import KeyRing
from services.common.errors import FailedPrecondition

_DATA_KEY_BYTES = 32
_DATA_KEY_ID = "dk1"


class CustomerShredded(FailedPrecondition):
    """The customer's data key is gone: their personal data no longer exists."""

    reason = "CUSTOMER_SHREDDED"


class KeyWrapper(Protocol):
    """What the vault needs from the master key ring (`services.common.crypto.KeyRing`)."""

    @property
    def active_key_id(self) -> str: ...
    def encrypt(self, plaintext: bytes, context: str) -> bytes: ...
    def decrypt(self, token: bytes, context: str) -> bytes: ...
    def rotate(self, token: bytes, context: str) -> bytes: ...
    def key_id_of(self, token: bytes) -> str: ...


class DataKeyStore(Protocol):
    """Wrapped data keys by customer id. `add` keeps the first key stored (concurrent first
    writes for one customer must agree on one key) and returns the one that is stored."""

    def get(self, customer_id: str) -> bytes | None: ...
    def add(self, customer_id: str, wrapped: bytes, key_id: str) -> bytes: ...
    def replace(self, customer_id: str, old: bytes, new: bytes, key_id: str) -> bool: ...
    def delete(self, customer_id: str) -> bool: ...
    def wrapped_by_other_keys(self, key_id: str) -> Iterator[str]:
        """Ids of customers whose data key is wrapped by a ring key other than `key_id`."""
        ...


class InMemoryDataKeyStore:
    """The `DataKeyStore` contract in a dict (thread-safe), for tests and benchmarks."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.key_ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, customer_id: str) -> bytes | None:
        return self.keys.get(customer_id)

    def add(self, customer_id: str, wrapped: bytes, key_id: str) -> bytes:
        with self._lock:
            self.key_ids.setdefault(customer_id, key_id)
            return self.keys.setdefault(customer_id, wrapped)

    def replace(self, customer_id: str, old: bytes, new: bytes, key_id: str) -> bool:
        with self._lock:
            if self.keys.get(customer_id) != old:
                return False
            self.keys[customer_id], self.key_ids[customer_id] = new, key_id
            return True

    def delete(self, customer_id: str) -> bool:
        with self._lock:
            self.key_ids.pop(customer_id, None)
            return self.keys.pop(customer_id, None) is not None

    def wrapped_by_other_keys(self, key_id: str) -> Iterator[str]:
        return iter(sorted(c for c, k in self.key_ids.items() if k != key_id))


@dataclass(frozen=True, slots=True)
class RewrapReport:
    rewrapped: int
    remaining: int


def _key_context(customer_id: str) -> str:
    return f"onboarding:customer:{customer_id}:data-key"


def _field_context(customer_id: str, field: str) -> str:
    return f"onboarding:customer:{customer_id}:{field}"


class PiiVault:
    """Seals and opens a customer's fields under their data key; shreds; re-wraps."""

    def __init__(self, ring: KeyWrapper, keys: DataKeyStore) -> None:
        self.ring = ring
        self.keys = keys

    def seal(self, customer_id: str, field: str, plaintext: bytes) -> bytes:
        """Encrypt `plaintext` for the customer (creating their data key on first use)."""
        return self.cipher(customer_id, create=True).seal(field, plaintext)

    def open(self, customer_id: str, field: str, token: bytes) -> bytes:
        """Decrypt; `CustomerShredded` once the customer's key was destroyed."""
        return self.cipher(customer_id).open(field, token)

    def cipher(self, customer_id: str, *, create: bool = False) -> CustomerCipher:
        """One customer's fields, with their data key fetched and unwrapped once (lazily).

        Use one per store operation that touches several fields; do not keep it: a shredded
        key must stop working everywhere, so unwrapped keys are never cached across calls.
        """
        return CustomerCipher(self, customer_id, create)

    def shred(self, customer_id: str) -> bool:
        """Destroy the customer's data key (True if there was one): irreversible."""
        return self.keys.delete(customer_id)

    def rewrap(self, customer_id: str) -> bool:
        """Re-wrap the customer's data key under the ring's active key; True if it changed."""
        wrapped = self.keys.get(customer_id)
        if wrapped is None or self.ring.key_id_of(wrapped) == self.ring.active_key_id:
            return False
        rewrapped = self.ring.rotate(wrapped, _key_context(customer_id))
        return self.keys.replace(customer_id, wrapped, rewrapped, self.ring.active_key_id)

    def rewrap_all(self) -> RewrapReport:
        """Re-wrap every data key still under an older ring key (the rotation job).

        `remaining` counts keys that could not be re-wrapped in this pass (changed or shredded
        concurrently); run again until it is 0 before removing the old ring key.
        """
        changed = remaining = 0
        for customer_id in list(self.keys.wrapped_by_other_keys(self.ring.active_key_id)):
            if self.rewrap(customer_id):
                changed += 1
            elif self.keys.get(customer_id) is not None:
                remaining += 1
        return RewrapReport(changed, remaining)

    def data_key(self, customer_id: str, *, create: bool) -> KeyRing:
        wrapped = self.keys.get(customer_id)
        if wrapped is None:
            if not create:
                raise CustomerShredded(f"customer {customer_id} has no data key (shredded)")
            fresh = self.ring.encrypt(
                secrets.token_bytes(_DATA_KEY_BYTES), _key_context(customer_id)
            )
            wrapped = self.keys.add(customer_id, fresh, self.ring.key_id_of(fresh))
        key = self.ring.decrypt(wrapped, _key_context(customer_id))
        # The customer's key as a one-key ring: the same authenticated layout as every PII
        # ciphertext in Warden (version, key id, nonce, AES-GCM with the context as AAD).
        return KeyRing(((_DATA_KEY_ID, key),))


class CustomerCipher:
    """Seals and opens one customer's fields (see `PiiVault.cipher`)."""

    def __init__(self, vault: PiiVault, customer_id: str, create: bool) -> None:
        self.vault = vault
        self.customer_id = customer_id
        self.create = create
        self._ring: KeyRing | None = None

    def _key(self) -> KeyRing:
        if self._ring is None:
            self._ring = self.vault.data_key(self.customer_id, create=self.create)
        return self._ring

    def seal(self, field: str, plaintext: bytes) -> bytes:
        return self._key().encrypt(plaintext, _field_context(self.customer_id, field))

    def open(self, field: str, token: bytes) -> bytes:
        return self._key().decrypt(token, _field_context(self.customer_id, field))
