"""Every single-character substitution in a field covered by a check digit is caught.

Exhaustive over the goldens: each covered position (data and the check digits themselves) and
each of the 36 other MRZ characters. The 7-3-1 scheme has one blind spot, a property of ICAO's
design and not of the parser: a character swapped for another of the same value modulo 10
(`0`, `A`, `K`, `U`, `<`; `1`, `B`, `L`, `V`; ...) leaves every sum unchanged. In numeric fields
those substitutes are letters or fillers, which the parser refuses as malformed; in document
numbers and optional data they are valid characters, and nothing can catch them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from services.identity.core.mrz import (
    FILLER,
    LAYOUTS,
    MRZ_ALPHABET,
    FieldKind,
    char_value,
    detect_format,
    parse_mrz,
)
from tests.services.identity.core.test_mrz_parser import TD1_LONG, golden_rows

TODAY = date(2026, 11, 29)


def _goldens() -> list[tuple[str, ...]]:
    rows = [tuple(r[k] for k in ("line1", "line2", "line3") if r[k]) for r in golden_rows()]
    return [*list(dict.fromkeys(rows)), TD1_LONG]


def _covered_positions(lines: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    fmt = detect_format(lines)
    assert fmt is not None
    layout = LAYOUTS[fmt]
    for line in range(layout.line_count):
        for col in range(layout.line_length):
            if layout.checks_covering(line, col):
                yield line, col


def _substituted(lines: tuple[str, ...], line: int, col: int, char: str) -> tuple[str, ...]:
    changed = lines[line][:col] + char + lines[line][col + 1 :]
    return (*lines[:line], changed, *lines[line + 1 :])


def _blind_spot(original: str, char: str) -> bool:
    return (char_value(original) - char_value(char)) % 10 == 0


def _unused_check_as_filler(lines: tuple[str, ...], line: int, col: int, char: str) -> bool:
    """`<` for `0` as the check digit of empty optional data is an equivalent encoding."""
    doc = parse_mrz(lines, TODAY)
    layout = LAYOUTS[doc.format]
    spec = layout.check("optional_data")
    return (
        spec is not None
        and spec.digit.covers(line, col)
        and char == FILLER
        and not spec.value(lines).strip(FILLER)
    )


@pytest.mark.parametrize("lines", _goldens(), ids=lambda x: x[-1])
def test_every_covered_substitution_is_caught_except_the_mod_10_blind_spot(
    lines: tuple[str, ...],
) -> None:
    missed = []
    for line, col in _covered_positions(lines):
        original = lines[line][col]
        for char in sorted(MRZ_ALPHABET - {original}):
            corrupted = _substituted(lines, line, col, char)
            if parse_mrz(corrupted, TODAY).valid:
                missed.append((line, col, original, char))
    allowed = [
        m for m in missed
        if _blind_spot(m[2], m[3]) or _unused_check_as_filler(lines, m[0], m[1], m[3])
    ]  # fmt: skip
    assert missed == allowed


@pytest.mark.parametrize("lines", _goldens(), ids=lambda x: x[-1])
def test_numeric_positions_catch_every_substitution(lines: tuple[str, ...]) -> None:
    fmt = detect_format(lines)
    assert fmt is not None
    layout = LAYOUTS[fmt]
    for line, col in _covered_positions(lines):
        if layout.kind_at(line, col) is not FieldKind.NUMERIC:
            continue
        for char in sorted(MRZ_ALPHABET - {lines[line][col]}):
            corrupted = _substituted(lines, line, col, char)
            if _unused_check_as_filler(lines, line, col, char):
                continue
            assert not parse_mrz(corrupted, TODAY).valid, (line, col, char)


def test_the_blind_spot_is_real_in_document_numbers() -> None:
    td3 = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    )
    # `C` (12) and `2` (2): same value modulo 10, so no check digit can see the swap.
    swapped = _substituted(td3, 1, 7, "2")
    assert parse_mrz(swapped, TODAY).valid
