"""Field-level encryption of PII at rest: AES-256-GCM with a key ring for rotation.

A ciphertext names the key that made it, so old data stays readable after a new key is added:
`WARDEN_ENCRYPTION_KEYS="k2:<new>,k1:<old>"` encrypts with k2 and decrypts both; `rotate()`
re-encrypts a value under the active key (each area's re-encryption job walks its tables;
see docs/operations.md).
Every ciphertext is bound to a context string (e.g. "customer:<id>:name") given as associated
data, so a value copied into another row or column fails to decrypt instead of leaking.

Layout: version byte 0x01 | key id length (1 byte) | key id | 12-byte nonce | ciphertext+tag.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.common.errors import FailedPrecondition

_VERSION = 1
_NONCE_BYTES = 12


class DecryptionError(FailedPrecondition):
    """A ciphertext is corrupt, bound to another context, or made with a key we no longer hold."""

    reason = "DECRYPTION_FAILED"


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Ordered keys: the first encrypts; any decrypts (by the key id stored in the ciphertext)."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a key ring needs at least one key")
        for kid, key in self.keys:
            if not 0 < len(kid.encode()) < 256 or len(key) != 32:
                raise ValueError(f"key {kid!r}: ids are 1..255 bytes, keys 32 bytes")

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """From 'kid:base64key,kid2:base64key' (the WARDEN_ENCRYPTION_KEYS format)."""
        keys = []
        for entry in filter(None, (e.strip() for e in spec.split(","))):
            kid, _, material = entry.partition(":")
            keys.append((kid, base64.b64decode(material, validate=True)))
        return cls(tuple(keys))

    @property
    def active_key_id(self) -> str:
        return self.keys[0][0]

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        kid, key = self.keys[0]
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, plaintext, context.encode())
        kid_bytes = kid.encode()
        return bytes([_VERSION, len(kid_bytes)]) + kid_bytes + nonce + sealed

    def decrypt(self, token: bytes, context: str) -> bytes:
        if len(token) < 2 or token[0] != _VERSION:
            raise DecryptionError("unknown ciphertext version")
        kid_end = 2 + token[1]
        kid = token[2:kid_end].decode(errors="replace")
        key = dict(self.keys).get(kid)
        if key is None:
            raise DecryptionError(f"ciphertext made with key {kid!r}, which is not in the ring")
        nonce, sealed = token[kid_end : kid_end + _NONCE_BYTES], token[kid_end + _NONCE_BYTES :]
        try:
            return AESGCM(key).decrypt(nonce, sealed, context.encode())
        except InvalidTag as exc:
            raise DecryptionError("ciphertext is corrupt or bound to another context") from exc

    def key_id_of(self, token: bytes) -> str:
        return token[2 : 2 + token[1]].decode(errors="replace")

    def rotate(self, token: bytes, context: str) -> bytes:
        """Re-encrypt under the active key (a no-op re-seal if it already uses it)."""
        return self.encrypt(self.decrypt(token, context), context)

    def encrypt_text(self, text: str, context: str) -> bytes:
        return self.encrypt(text.encode("utf-8"), context)

    def decrypt_text(self, token: bytes, context: str) -> str:
        return self.decrypt(token, context).decode("utf-8")


def generate_key_spec(kid: str = "k1") -> str:
    """A fresh 'kid:base64key' entry (used by `warden keys new-encryption-key`)."""
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def development_key_ring(data_dir: Path) -> KeyRing:
    """Outside production with no keys configured: a key kept in <data_dir>, created once (0600)."""
    path = data_dir / "dev-encryption.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # another process created it first: use theirs
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key_spec("dev1"))
    return KeyRing.parse(path.read_text().strip())
