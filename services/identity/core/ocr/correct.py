"""Check-digit-guided decoding: from per-cell class probabilities to the most likely valid MRZ.

What the glyph classifier does not know:
1. The layout says what each position may hold: a date holds digits, a name letters (ICAO
   9303-3 §4.4), a passport's first character is P; forcing the class removes O/0, I/1, B/8,
   S/5, Z/2 confusions outright.
2. Issuing state and nationality must be country codes (ICAO 9303-3 §5): an unknown code is
   replaced by the most probable known one among the cells' runners-up.
3. Check digits (7-3-1 weights, mod 10) cover most fields: when one fails, the cheapest change
   (in log-probability) among the covered positions' runners-up that makes it valid is taken,
   trying single changes, then pairs. A change must stay cheap (`MAX_COST`), else the misread
   is left visible for the document checks to report.
4. The composite check covers fields that have their own check digits; positions of a field
   whose own check already holds are not touched when repairing the composite.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from services.identity.core.mrz import (
    FILLER,
    CheckSpec,
    FieldKind,
    Layout,
    MrzFormat,
    Span,
    check_digit,
    is_known_code,
)
from services.identity.core.ocr.names import decode_names
from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray

MAX_COST: Final = 6.0
"""Largest total log-probability a correction may give up (e^-6: unlikely runners-up are not
promoted just to make a digit fit; with a few positions to play with, almost any misread can be
made to satisfy one check digit, and a confident wrong reading is worse than a visible failure)."""
_FILLER_IN_NUMERIC: Final = 0.1
_ALTERNATIVES: Final = 4
_PAIR_POSITIONS: Final = 10
_DIGITS: Final = frozenset("0123456789")
_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALLOWED: Final = {
    FieldKind.NUMERIC: _DIGITS | {FILLER},
    FieldKind.ALPHA: _LETTERS | {FILLER},
    FieldKind.ALNUM: _DIGITS | _LETTERS | {FILLER},
}
# Where only letters may stand, a digit read there lends its probability to its look-alike
# letter, and the other way round where only digits may.
_LETTER_FOR_DIGIT: Final = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}
_DIGIT_FOR_LETTER: Final = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "I": "1",
    "Z": "2",
    "S": "5",
    "G": "6",
    "B": "8",
}

# The first character of the document code is fixed per format (ICAO 9303-4 §4.2.2: P for
# passports; 9303-5: A, C or I for cards; 9303-7: V for visas).
_DOCUMENT_CODES: Final = {
    MrzFormat.TD1: "ACI",
    MrzFormat.TD2: "ACI",
    MrzFormat.TD3: "P",
    MrzFormat.MRV_A: "V",
    MrzFormat.MRV_B: "V",
}

_COUNTRY_FIELDS: Final = ("issuing_state", "nationality")

Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Decoded:
    lines: tuple[str, ...]
    checks_passed: int
    checks_total: int
    confidence: float
    """Mean probability of the characters finally chosen."""
    probabilities: tuple[FloatArray, ...]
    """Per line, the class probabilities after the layout's mask (what the choice was made on)."""
    layout: Layout


@dataclass(frozen=True, slots=True)
class _Change:
    position: Position
    char: str
    cost: float


def decode(probabilities: Sequence[FloatArray], layout: Layout) -> Decoded:
    """The best reading of `layout` given one (length, 37) probability array per line."""
    masked = [_mask(line, index, layout) for index, line in enumerate(probabilities)]
    chars = [[ALPHABET[int(i)] for i in line.argmax(axis=1)] for line in masked]
    names = layout.field("names").span
    chars[names.line][names.start : names.end] = decode_names(
        masked[names.line][names.start : names.end]
    )
    for name in _COUNTRY_FIELDS:
        _repair_country(layout.field(name).span, chars, masked)
    for spec in layout.checks:
        if not _valid(spec, chars):
            _repair(spec, chars, masked, layout)
    lines = tuple("".join(line) for line in chars)
    chosen = [
        masked[li][ci, ALPHABET.index(c)]
        for li, line in enumerate(lines)
        for ci, c in enumerate(line)
    ]
    passed = sum(_valid(spec, chars) for spec in layout.checks)
    return Decoded(lines, passed, len(layout.checks), float(np.mean(chosen)), tuple(masked), layout)


def _mask(line: FloatArray, index: int, layout: Layout) -> FloatArray:
    kinds = [layout.kind_at(index, column) for column in range(len(line))]
    allowed = np.array([[c in _ALLOWED[kind] for c in ALPHABET] for kind in kinds], np.float32)
    if index == 0:
        allowed[0] = [c in _DOCUMENT_CODES[layout.format] for c in ALPHABET]
    # `<` and `0` weigh the same in a check digit, so no check can tell them apart; in numeric
    # fields (dates, check digits) a filler is legal but rare, so it has to be clearly read.
    numeric = np.array([kind is FieldKind.NUMERIC for kind in kinds])
    allowed[numeric, ALPHABET.index(FILLER)] = _FILLER_IN_NUMERIC
    line = _lend_lookalikes(line, numeric, np.array([kind is FieldKind.ALPHA for kind in kinds]))
    masked = line * allowed + 1e-9
    return np.asarray(masked / masked.sum(axis=1, keepdims=True), np.float32)


def _lend_lookalikes(
    line: FloatArray, numeric: npt.NDArray[np.bool_], alpha: npt.NDArray[np.bool_]
) -> FloatArray:
    """Where only digits may stand, a letter read there most likely is its look-alike digit
    (fonts in the wild draw O/0, I/1, S/5, B/8 closer than OCR-B does): its probability goes to
    that digit before the mask removes it, and the check digits have the last word. Where only
    letters may stand, and no check digit will, a digit lends just a hundredth: enough to pick
    O over Q for a round 0, not to override a D the classifier itself gave a few percent."""
    lent = line.copy()
    for digit, letter in _LETTER_FOR_DIGIT.items():
        lent[alpha, ALPHABET.index(letter)] += 0.01 * line[alpha, ALPHABET.index(digit)]
    for letter, digit in _DIGIT_FOR_LETTER.items():
        lent[numeric, ALPHABET.index(digit)] += line[numeric, ALPHABET.index(letter)]
    return lent


def _repair_country(span: Span, chars: list[list[str]], probs: list[FloatArray]) -> None:
    """An issuing state or nationality that is no country code becomes the most probable code
    that is one, among the runners-up of its three cells (no check digit covers these)."""
    row = chars[span.line]
    if is_known_code("".join(row[span.start : span.end])):
        return
    cells = probs[span.line][span.start : span.end]
    options = [np.argsort(cell)[::-1][:_ALTERNATIVES] for cell in cells]
    best, best_cost = None, MAX_COST
    for combination in itertools.product(*options):
        code = "".join(ALPHABET[int(i)] for i in combination)
        cost = -sum(
            math.log(float(cell[i]) / float(cell.max()))
            for cell, i in zip(cells, combination, strict=True)
        )
        if cost < best_cost and is_known_code(code):
            best, best_cost = code, cost
    if best is not None:
        row[span.start : span.end] = list(best)


def _valid(spec: CheckSpec, chars: list[list[str]]) -> bool:
    lines = ["".join(line) for line in chars]
    found = spec.digit.read(lines)
    value = spec.value(lines)
    if found == FILLER:
        # ICAO 9303-4 §4.2.2: an unused optional-data field may carry `<` as its check digit.
        return set(value) == {FILLER}
    return found == str(check_digit(value))


def _repair(
    spec: CheckSpec, chars: list[list[str]], probs: list[FloatArray], layout: Layout
) -> None:
    protected = _protected(spec, chars, layout)
    positions = [p for p in _positions(spec) if p not in protected]
    options = [c for p in positions for c in _alternatives(p, chars, probs)]
    best: tuple[_Change, ...] | None = None
    for combination in _combinations(options):
        cost = sum(c.cost for c in combination)
        cheaper = best is None or cost < sum(c.cost for c in best)
        if cost < MAX_COST and cheaper and _fixes(spec, chars, combination):
            best = combination
    for change in best or ():
        chars[change.position[0]][change.position[1]] = change.char


def _positions(spec: CheckSpec) -> list[Position]:
    covered = [(s.line, col) for s in spec.covers for col in range(s.start, s.end)]
    return [*covered, (spec.digit.line, spec.digit.start)]


def _protected(spec: CheckSpec, chars: list[list[str]], layout: Layout) -> set[Position]:
    """Positions of the other checks that currently hold: changing them would break those."""
    held = [other for other in layout.checks if other is not spec and _valid(other, chars)]
    return {p for other in held for p in _positions(other)}


def _alternatives(
    position: Position, chars: list[list[str]], probs: list[FloatArray]
) -> list[_Change]:
    line, column = position
    row = probs[line][column]
    current = math.log(float(row[ALPHABET.index(chars[line][column])]))
    ranked = np.argsort(row)[::-1][: _ALTERNATIVES + 1]
    changes = []
    for index in ranked:
        char = ALPHABET[int(index)]
        cost = current - math.log(float(row[index]))
        if char != chars[line][column] and cost < MAX_COST:
            changes.append(_Change(position, char, cost))
    return changes


def _combinations(options: list[_Change]) -> Iterator[tuple[_Change, ...]]:
    """Single changes, then pairs of changes among the cheapest positions."""
    yield from ((o,) for o in options)
    cheapest = sorted(options, key=lambda o: o.cost)
    positions = list(dict.fromkeys(o.position for o in cheapest))[:_PAIR_POSITIONS]
    pool = [o for o in cheapest if o.position in positions]
    for first, second in itertools.combinations(pool, 2):
        if first.position != second.position:
            yield first, second


def _fixes(spec: CheckSpec, chars: list[list[str]], changes: tuple[_Change, ...]) -> bool:
    trial = [list(line) for line in chars]
    for change in changes:
        trial[change.position[0]][change.position[1]] = change.char
    lines = ["".join(line) for line in trial]
    found = spec.digit.read(lines)
    return found != FILLER and found == str(check_digit(spec.value(lines)))
