"""Parse and validate a machine-readable zone read as text lines.

Every check digit is reported (field, expected, found, ok) rather than only a verdict, so the
document checks can say which one failed and the OCR can tell which characters to doubt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from services.identity.core.mrz.checkdigit import FILLER, MRZ_ALPHABET, check_digit
from services.identity.core.mrz.countries import is_known_code, normalise_code
from services.identity.core.mrz.dates import BirthDate, parse_birth, parse_expiry
from services.identity.core.mrz.layout import LAYOUTS, CheckSpec, Layout, MrzFormat, detect_format
from services.identity.core.mrz.names import parse_name


class MrzFormatError(ValueError):
    """The lines are not an MRZ of any known format (shape or characters)."""


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNSPECIFIED = "X"  # `X` or `<` on the document


@dataclass(frozen=True, slots=True)
class CheckDigitResult:
    """One check digit: `expected` computed from the data, `found` the character printed."""

    field: str
    expected: int
    found: str
    ok: bool


@dataclass(frozen=True, slots=True)
class MrzDocument:
    """The fields of one MRZ, fillers removed; raw date strings are kept for exact comparison.
    `problems` are (reason code, sentence) pairs for malformed fields."""

    format: MrzFormat
    lines: tuple[str, ...]
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    names_truncated: bool
    document_number: str
    nationality: str
    birth_date_raw: str
    birth: BirthDate
    sex: Sex | None
    expiry_date_raw: str
    expiry_date: date | None
    optional_data: str
    optional_data_2: str
    checks: tuple[CheckDigitResult, ...]
    problems: tuple[tuple[str, str], ...]

    @property
    def birth_date(self) -> date | None:
        return self.birth.value

    @property
    def valid(self) -> bool:
        """Every applicable check digit passes and every field is well formed."""
        return not self.problems and all(c.ok for c in self.checks)


def parse_mrz(lines: Sequence[str], today: date) -> MrzDocument:
    """Parse `lines` (each without line breaks); MrzFormatError if they are not an MRZ."""
    lines = tuple(line.strip().upper() for line in lines)
    fmt = detect_format(lines)
    if fmt is None:
        lengths = [len(line) for line in lines]
        raise MrzFormatError(f"no MRZ format has {len(lines)} lines of lengths {lengths}")
    bad = sorted({c for line in lines for c in line} - MRZ_ALPHABET)
    if bad:
        raise MrzFormatError(f"characters outside the MRZ alphabet: {''.join(bad)!r}")
    layout = LAYOUTS[fmt]
    return _build(layout, lines, today)


def _build(layout: Layout, lines: tuple[str, ...], today: date) -> MrzDocument:
    def raw(name: str) -> str:
        return layout.field(name).span.read(lines)

    number, optional, number_check = _document_number(layout, lines)
    expiry = parse_expiry(raw("expiry_date"), today)
    name = parse_name(raw("names"))
    sex = _SEXES.get(raw("sex"))
    doc = MrzDocument(
        format=layout.format,
        lines=lines,
        document_code=raw("document_code").rstrip(FILLER),
        issuing_state=normalise_code(raw("issuing_state")),
        surname=name.surname,
        given_names=name.given_names,
        names_truncated=name.truncated,
        document_number=number,
        nationality=normalise_code(raw("nationality")),
        birth_date_raw=raw("birth_date"),
        birth=parse_birth(raw("birth_date"), today, expiry),
        sex=sex,
        expiry_date_raw=raw("expiry_date"),
        expiry_date=expiry,
        optional_data=optional,
        optional_data_2=_strip(raw("optional_data_2")) if _has(layout, "optional_data_2") else "",
        checks=_checks(layout, lines, number_check),
        problems=(),
    )
    return _with_problems(doc, raw("sex"))


_SEXES = {"M": Sex.MALE, "F": Sex.FEMALE, "X": Sex.UNSPECIFIED, FILLER: Sex.UNSPECIFIED}


def _has(layout: Layout, name: str) -> bool:
    return any(f.name == name for f in layout.fields)


def _strip(value: str) -> str:
    return value.strip(FILLER)


def _document_number(
    layout: Layout, lines: Sequence[str]
) -> tuple[str, str, CheckDigitResult | None]:
    """The document number, the optional data left after it, and (for a long number) its
    check. ICAO 9303-5 §4.2.2 (TD1) and 9303-6 (TD2): a number longer than 9 characters has
    `<` in the check-digit position, its remaining characters and then the check digit at the
    start of the optional data."""
    number = layout.field("document_number").span.read(lines)
    optional = layout.field("optional_data").span.read(lines)
    spec = layout.check("document_number")
    overflow = layout.format in (MrzFormat.TD1, MrzFormat.TD2) and spec is not None
    if not overflow or spec is None or spec.digit.read(lines) != FILLER or optional[:1] == FILLER:
        return _strip(number), _strip(optional), None
    run = optional.split(FILLER, 1)[0]
    full = number + run[:-1]
    found = run[-1]
    expected = check_digit(full)
    check = CheckDigitResult("document_number", expected, found, found == str(expected))
    return _strip(full), _strip(optional[len(run) :]), check


def _checks(
    layout: Layout, lines: Sequence[str], number_check: CheckDigitResult | None
) -> tuple[CheckDigitResult, ...]:
    results = []
    for spec in layout.checks:
        if spec.name == "document_number" and number_check is not None:
            results.append(number_check)
        else:
            results.append(_check(spec, lines))
    return tuple(results)


def _check(spec: CheckSpec, lines: Sequence[str]) -> CheckDigitResult:
    value = spec.value(lines)
    expected = check_digit(value)
    found = spec.digit.read(lines)
    # An unused optional-data field may carry `<` instead of 0 as its check digit (9303-4 §4.2.2).
    blank_ok = found == FILLER and spec.name == "optional_data" and not _strip(value)
    return CheckDigitResult(spec.name, expected, found, found == str(expected) or blank_ok)


# ICAO 9303 parts 4-7: what the first character of the document code may be, per format.
_DOCUMENT_KINDS = {
    MrzFormat.TD3: "P",
    MrzFormat.TD2: "ACI",
    MrzFormat.TD1: "ACI",
    MrzFormat.MRV_A: "V",
    MrzFormat.MRV_B: "V",
}


def _with_problems(doc: MrzDocument, raw_sex: str) -> MrzDocument:
    problems = []
    if doc.document_code[:1] not in _DOCUMENT_KINDS[doc.format] or not doc.document_code:
        code = f"document code {doc.document_code!r} is not one of {doc.format}'s"
        problems.append(("MRZ_DOCUMENT_CODE_INVALID", code))
    if doc.sex is None:
        problems.append(("MRZ_SEX_INVALID", f"sex {raw_sex!r} is not M, F, X or <"))
    if doc.birth.value is None and not _unknown_date(doc.birth_date_raw):
        # The value stays out of the sentence: it is personal data, and sentences are stored.
        problems.append(("MRZ_DATE_INVALID", "the birth date is no past calendar date"))
    if doc.expiry_date is None:
        problems.append(("MRZ_DATE_INVALID", f"expiry date {doc.expiry_date_raw!r} is no date"))
    if not doc.surname:
        problems.append(("MRZ_NAME_INVALID", "the name field has no primary identifier"))
    for role, code in (("issuing state", doc.issuing_state), ("nationality", doc.nationality)):
        if not is_known_code(code):
            problems.append(("MRZ_COUNTRY_UNKNOWN", f"{role} {code!r} is no country code"))
    if not problems:
        return doc
    return replace(doc, problems=tuple(problems))


_UNKNOWN_PARTS = re.compile(r"\d{4}<<|\d{2}<{4}|<{6}")


def _unknown_date(raw: str) -> bool:
    """ICAO 9303-3 allows an unknown day, day and month, or whole birth date as `<` fillers."""
    return _UNKNOWN_PARTS.fullmatch(raw) is not None
