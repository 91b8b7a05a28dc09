"""How sure the reader is of each field: the margin to the next reading it would also accept.

A valid check digit is no proof of a correct read. The 7-3-1 weights modulo 10 cannot see a
substitution by a character of equal value modulo 10 (S and 8 are 28 and 8), nor two
substitutions whose weighted differences cancel, and the correction (correct.py) chooses among
the runners-up precisely the change that makes a check digit hold. So the question for each
field is not "do its check digits hold" but "is there another reading, almost as likely, that
would pass every constraint the reader enforces (the field's character class, every check
digit, the composite included)?"

`field_margins` answers it per field: the log-probability (in nats, over the classifier's
probabilities after the layout's class mask) that the most likely such other reading gives up
against the chosen one, looking at every single substitution and every pair of substitutions
among each position's runners-up. A position no check digit covers has only its class to obey,
so its margin is its own chosen-vs-runner-up margin. A margin below the calibrated threshold
(`UNSURE_BELOW`, docs/identity/mrz-reader.md) makes the field unsure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np

from services.identity.core.mrz import FieldSpec, Layout, Span, char_value
from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray

UNSURE_BELOW: Final = 3.0
"""A field whose margin is below this many nats (the next acceptable reading at least e^-3,
1/20, as likely as the chosen one, less what the correction overrode) is unsure. Chosen on
generated specimens of seed 21 as the largest threshold that sends at most 2.5 % of exact
reads to review; measured on seed 31 (`python -m bench identity --only=confidence`, figures in
docs/identity/mrz-reader.md)."""
_ALTERNATIVES: Final = 4
_NO_ALTERNATIVE: Final = math.inf
_WEIGHTS: Final = (7, 3, 1)

Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Alternative:
    position: Position
    cost: float
    shift: tuple[int, ...]
    """How each check digit's residue (computed minus found, modulo 10) moves."""


def field_margins(
    probabilities: Sequence[FloatArray], lines: Sequence[str], layout: Layout
) -> dict[str, float]:
    """Per field of `layout`, the nats the most likely other acceptable reading gives up
    (infinity when none within the runners-up is acceptable), less the nats by which the
    correction already overrode the classifier in that field: a reading the check digits
    forced against the classifier's first choices (the LUX photo's `0WW0527` for its `0W98527`)
    has shown the classifier wrong there, so its margins count for less. `probabilities` are
    the masked per-line (length, 37) arrays the decoder chose `lines` from."""
    owner = _field_owner(layout)
    digits = [(spec.digit.line, spec.digit.start) for spec in layout.checks]
    alternatives = _alternatives([*owner, *digits], probabilities, lines, layout)
    margins = dict.fromkeys((spec.name for spec in layout.fields), _NO_ALTERNATIVE)
    zero = (0,) * len(layout.checks)
    partners = _cheapest_by_shift(alternatives)
    for alt in alternatives:
        name = owner.get(alt.position)
        if alt.shift == zero:
            if name is not None:
                margins[name] = min(margins[name], alt.cost)
            continue
        needed = tuple((-s) % 10 for s in alt.shift)
        for partner in partners.get(needed, ()):
            if partner.position != alt.position:
                cost = alt.cost + partner.cost
                for touched in (name, owner.get(partner.position)):
                    if touched is not None:
                        margins[touched] = min(margins[touched], cost)
                break
    for position, name in owner.items():
        margins[name] -= _overridden(position, probabilities, lines)
    return margins


def _overridden(
    position: Position, probabilities: Sequence[FloatArray], lines: Sequence[str]
) -> float:
    """The nats by which the chosen character is less likely than the classifier's own first
    choice there (0 unless the correction overrode it)."""
    line, column = position
    row = probabilities[line][column]
    chosen = float(row[ALPHABET.index(lines[line][column])])
    return math.log(float(row.max()) / chosen)


def unsure_fields(
    margins: Mapping[str, float], layout: Layout, below: float = UNSURE_BELOW
) -> tuple[str, ...]:
    """The fields a check digit covers whose margin is below `below`, in layout order.

    Only those: a field no check digit covers (names, nationality, sex) was never vouched for
    by one, and the checks that read it already treat it as read (the name is compared fuzzily,
    a country code must be a known one)."""
    return tuple(
        spec.name
        for spec in layout.fields
        if checked(spec, layout) and margins.get(spec.name, math.inf) < below
    )


def checked(spec: FieldSpec, layout: Layout) -> bool:
    """Whether some check digit (its own or the composite) covers the field."""
    span = spec.span
    return any(
        cover.line == span.line and cover.start <= span.start and span.end <= cover.end
        for check in layout.checks
        for cover in check.covers
    )


def _field_owner(layout: Layout) -> dict[Position, str]:
    """Every data position with the name of its field (check digits belong to none)."""
    return {
        (spec.span.line, column): spec.name
        for spec in layout.fields
        for column in range(spec.span.start, spec.span.end)
    }


def _alternatives(
    positions: Sequence[Position],
    probabilities: Sequence[FloatArray],
    lines: Sequence[str],
    layout: Layout,
) -> list[_Alternative]:
    """Each position's runners-up, with their cost against the chosen character and the
    residue shift they cause."""
    logs = [np.log(line) for line in probabilities]
    ranked = [np.argsort(line, axis=1)[:, ::-1][:, : _ALTERNATIVES + 1] for line in probabilities]
    coefficients = _coefficients(layout)
    found = []
    for line, column in positions:
        chosen = lines[line][column]
        chosen_log = float(logs[line][column, ALPHABET.index(chosen)])
        weights, digit = coefficients[(line, column)]
        for index in ranked[line][column]:
            char = ALPHABET[int(index)]
            if char == chosen:
                continue
            value = char_value(char) - char_value(chosen)
            moved = _digit(char) - _digit(chosen)
            shift = tuple((w * value - d * moved) % 10 for w, d in zip(weights, digit, strict=True))
            cost = chosen_log - float(logs[line][column, index])
            found.append(_Alternative((line, column), cost, shift))
    return found


@cache
def _coefficients(layout: Layout) -> dict[Position, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Per position, its weight in each check digit's sum (0 if not covered) and whether it is
    that check digit (1) or not (0): a change there moves each residue by weight x (value
    change) - is-digit x (digit change)."""
    table = {}
    for line in range(layout.line_count):
        for column in range(layout.line_length):
            weights, digit = [], []
            for spec in layout.checks:
                weights.append(_weight(spec.covers, line, column))
                digit.append(int(spec.digit.covers(line, column)))
            table[(line, column)] = (tuple(weights), tuple(digit))
    return table


def _weight(covers: Sequence[Span], line: int, column: int) -> int:
    offset = 0
    for span in covers:
        if span.covers(line, column):
            return _WEIGHTS[(offset + column - span.start) % 3]
        offset += span.end - span.start
    return 0


def _digit(char: str) -> int:
    """The check digit a character stands for: a filler reads as 0 (ICAO's empty-field `<`)."""
    return int(char) if char.isdigit() else 0


def _cheapest_by_shift(
    alternatives: list[_Alternative],
) -> dict[tuple[int, ...], list[_Alternative]]:
    """The two cheapest alternatives at distinct positions per residue shift (a partner at the
    same position as the one it completes is no pair)."""
    groups: dict[tuple[int, ...], list[_Alternative]] = {}
    for alt in sorted(alternatives, key=lambda a: a.cost):
        group = groups.setdefault(alt.shift, [])
        if len(group) < 2 and all(g.position != alt.position for g in group):
            group.append(alt)
    return groups
