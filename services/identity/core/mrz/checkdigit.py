"""ICAO 9303-3 §4.9 check digits: weights 7, 3, 1 repeating; `<` is 0, digits their value,
A..Z are 10..35; the digit is the weighted sum modulo 10."""

from __future__ import annotations

import string

FILLER = "<"
MRZ_ALPHABET = frozenset(string.ascii_uppercase + string.digits + FILLER)
_WEIGHTS = (7, 3, 1)
_VALUES = {FILLER: 0} | {c: int(c) for c in string.digits}
_VALUES |= {c: 10 + i for i, c in enumerate(string.ascii_uppercase)}


def char_value(char: str) -> int:
    """The check-digit value of one MRZ character; ValueError outside the MRZ alphabet."""
    try:
        return _VALUES[char]
    except KeyError:
        raise ValueError(f"{char!r} is not an MRZ character") from None


def check_digit(value: str) -> int:
    """The ICAO check digit of `value` (0-9)."""
    return sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(value)) % 10
