"""Identifiers: prefixed, time-ordered, unguessable ("op_01JD...": 26 Crockford base32 chars).

The first 10 characters encode milliseconds since the epoch (so ids sort by creation time and
index well); the last 16 carry 80 random bits (so ids cannot be guessed or enumerated).
"""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_RE = re.compile(r"^[a-z]{2,8}_[0-9A-HJKMNP-TV-Z]{26}$")


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_encode(millis, 10)}{_encode(secrets.randbits(80), 16)}"


def is_valid_id(value: str, prefix: str) -> bool:
    return bool(_ID_RE.match(value)) and value.startswith(prefix + "_")
