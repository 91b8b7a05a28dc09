"""Where every field and check digit sits in each MRZ format (ICAO 9303 parts 4, 5, 6, 7).

Declarative on purpose: the parser reads fields through these tables, and the OCR uses them to
know, per character position, whether a digit or a letter is expected and which check digits
cover it (for check-digit-guided correction). Positions are 0-based, `end` exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class MrzFormat(StrEnum):
    TD1 = "TD1"  # ID cards: 3 lines of 30
    TD2 = "TD2"  # ID cards and others: 2 lines of 36
    TD3 = "TD3"  # passports: 2 lines of 44
    MRV_A = "MRV-A"  # visas, full size: 2 lines of 44
    MRV_B = "MRV-B"  # visas, small: 2 lines of 36


class FieldKind(StrEnum):
    """What a position may hold besides the `<` filler."""

    ALPHA = "alpha"  # A-Z
    NUMERIC = "numeric"  # 0-9
    ALNUM = "alnum"  # A-Z and 0-9


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    start: int
    end: int

    def read(self, lines: Sequence[str]) -> str:
        return lines[self.line][self.start : self.end]

    def covers(self, line: int, column: int) -> bool:
        return line == self.line and self.start <= column < self.end


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One data field; `check` names the check digit that covers it (None: none does)."""

    name: str
    span: Span
    kind: FieldKind
    check: str | None = None


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check digit at `digit`, computed over the concatenation of `covers`."""

    name: str
    digit: Span
    covers: tuple[Span, ...]

    def value(self, lines: Sequence[str]) -> str:
        return "".join(span.read(lines) for span in self.covers)


@dataclass(frozen=True, slots=True)
class Layout:
    format: MrzFormat
    line_count: int
    line_length: int
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def check(self, name: str) -> CheckSpec | None:
        return next((c for c in self.checks if c.name == name), None)

    def kind_at(self, line: int, column: int) -> FieldKind:
        """What the character at (line, column) should be; check digits are NUMERIC."""
        if any(c.digit.covers(line, column) for c in self.checks):
            return FieldKind.NUMERIC
        for spec in self.fields:
            if spec.span.covers(line, column):
                return spec.kind
        return FieldKind.ALNUM  # unreachable for a complete layout; the safest answer

    def checks_covering(self, line: int, column: int) -> tuple[str, ...]:
        """Names of the check digits whose value includes (line, column) or that sit there."""
        return tuple(
            c.name
            for c in self.checks
            if c.digit.covers(line, column) or any(s.covers(line, column) for s in c.covers)
        )


A, N, X = FieldKind.ALPHA, FieldKind.NUMERIC, FieldKind.ALNUM


def _f(
    name: str, line: int, start: int, end: int, kind: FieldKind, check: str | None = None
) -> FieldSpec:
    return FieldSpec(name, Span(line, start, end), kind, check)


def _c(name: str, line: int, at: int, *covers: tuple[int, int, int]) -> CheckSpec:
    return CheckSpec(name, Span(line, at, at + 1), tuple(Span(*c) for c in covers))


def _first_line(length: int) -> tuple[FieldSpec, ...]:
    """TD2, TD3 and visas share line 1: document code, issuing state, names."""
    return (
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 5, A),
        _f("names", 0, 5, length, A),
    )


def _second_line(optional_end: int, optional_check: bool) -> tuple[FieldSpec, ...]:
    """TD2, TD3 and visas share line 2 up to the expiry; the optional data runs to
    `optional_end`, covered by its own check digit only in TD3."""
    return (
        _f("document_number", 1, 0, 9, X, "document_number"),
        _f("nationality", 1, 10, 13, A),
        _f("birth_date", 1, 13, 19, N, "birth_date"),
        _f("sex", 1, 20, 21, A),
        _f("expiry_date", 1, 21, 27, N, "expiry_date"),
        _f("optional_data", 1, 28, optional_end, X, "optional_data" if optional_check else None),
    )


def _standard_checks() -> tuple[CheckSpec, ...]:
    return (
        _c("document_number", 1, 9, (1, 0, 9)),
        _c("birth_date", 1, 19, (1, 13, 19)),
        _c("expiry_date", 1, 27, (1, 21, 27)),
    )


def _td3() -> Layout:
    checks = (
        *_standard_checks(),
        _c("optional_data", 1, 42, (1, 28, 42)),
        _c("composite", 1, 43, (1, 0, 10), (1, 13, 20), (1, 21, 43)),
    )
    return Layout(MrzFormat.TD3, 2, 44, _first_line(44) + _second_line(42, True), checks)


def _td2() -> Layout:
    # TD2 has no optional-data check digit: its last position is the composite.
    fields = _first_line(36) + _second_line(35, False)
    checks = (
        *_standard_checks(),
        _c("composite", 1, 35, (1, 0, 10), (1, 13, 20), (1, 21, 35)),
    )
    return Layout(MrzFormat.TD2, 2, 36, fields, checks)


def _visa(fmt: MrzFormat, length: int) -> Layout:
    # Visas (ICAO 9303-7) carry no composite check digit and no optional-data check.
    fields = _first_line(length) + _second_line(length, False)
    return Layout(fmt, 2, length, fields, _standard_checks())


def _td1() -> Layout:
    fields = (
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 5, A),
        _f("document_number", 0, 5, 14, X, "document_number"),
        _f("optional_data", 0, 15, 30, X),
        _f("birth_date", 1, 0, 6, N, "birth_date"),
        _f("sex", 1, 7, 8, A),
        _f("expiry_date", 1, 8, 14, N, "expiry_date"),
        _f("nationality", 1, 15, 18, A),
        _f("optional_data_2", 1, 18, 29, X),
        _f("names", 2, 0, 30, A),
    )
    checks = (
        _c("document_number", 0, 14, (0, 5, 14)),
        _c("birth_date", 1, 6, (1, 0, 6)),
        _c("expiry_date", 1, 14, (1, 8, 14)),
        _c("composite", 1, 29, (0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)),
    )
    return Layout(MrzFormat.TD1, 3, 30, fields, checks)


LAYOUTS: Mapping[MrzFormat, Layout] = {
    MrzFormat.TD1: _td1(),
    MrzFormat.TD2: _td2(),
    MrzFormat.TD3: _td3(),
    MrzFormat.MRV_A: _visa(MrzFormat.MRV_A, 44),
    MrzFormat.MRV_B: _visa(MrzFormat.MRV_B, 36),
}


def detect_format(lines: Sequence[str]) -> MrzFormat | None:
    """The format from the line count and lengths; a visa by its document code `V`."""
    shape = (len(lines), {len(line) for line in lines})
    visa = bool(lines) and lines[0].startswith("V")
    if shape == (3, {30}):
        return MrzFormat.TD1
    if shape == (2, {44}):
        return MrzFormat.MRV_A if visa else MrzFormat.TD3
    if shape == (2, {36}):
        return MrzFormat.MRV_B if visa else MrzFormat.TD2
    return None
