"""Small helpers every parser uses to assemble `Party` fields consistently."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TypeVar

from watchlists.countries import to_iso2
from watchlists.model import Identifier, IdentifierKind, Name, NameQuality
from watchlists.names import name_variants
from watchlists.scripts import detect_script

T = TypeVar("T")


def unique(values: Iterable[T]) -> tuple[T, ...]:
    """Values in first-seen order without repeats (list cells repeat themselves a lot)."""
    return tuple(dict.fromkeys(values))


def clean(text: str | None) -> str:
    """Whitespace collapsed, surrounding blanks removed; None becomes ""."""
    return " ".join(text.split()) if text else ""


def make_name(
    full: str,
    quality: NameQuality = NameQuality.PRIMARY,
    *,
    parts: tuple[str | None, str | None, str | None] | None = None,
    language: str | None = None,
) -> Name | None:
    """A `Name` with its script detected, or None if the text is blank.

    `parts` is (given, middle, family) when the source splits the name.
    """
    text = clean(full)
    if not text:
        return None
    given, middle, family = (clean(p) or None for p in (parts or (None, None, None)))
    return Name(text, quality, given, middle, family, detect_script(text), language)


def unique_names(names: Iterable[Name | None]) -> tuple[Name, ...]:
    """Drop blanks and repeats of the same text (keeping the first, i.e. best, quality)."""
    seen: dict[str, Name] = {}
    for name in names:
        if name is not None and name.full.casefold() not in seen:
            seen[name.full.casefold()] = name
    return tuple(seen.values())


_TRAILING_COUNTRY = re.compile(r"\s*\((?P<country>[^()]+)\)\s*$")


def identifier_from_text(
    kind: IdentifierKind, text: str, country: str | None = None
) -> Identifier | None:
    """An identifier from a cell like "C2002515 (Iran)": a trailing country in parentheses
    becomes the identifier's country when it is one; otherwise the text stays whole."""
    value = clean(text)
    match = _TRAILING_COUNTRY.search(value)
    if match:
        found = to_iso2(match.group("country"))
        if found is not None:
            value, country = value[: match.start()].strip(), found
    value = value.strip(" ,;:")
    if not value or not any(ch.isalnum() for ch in value):
        return None
    return Identifier(kind, value, country)


def cell_values(cell: str) -> list[str]:
    """The values of a multi-valued cell: `;`-separated, CSV-quoted when a value holds `;`
    ('"Foo; Bar"; Baz' holds two). Used by the EU annexes and the custom CSV format."""
    if not cell or not cell.strip():
        return []
    if '"' not in cell:  # no quoted value: a plain split gives the same answer, much faster
        return [value for value in (clean(v) for v in cell.split(";")) if value]
    reader = csv.reader([cell], delimiter=";", skipinitialspace=True)
    return [clean(v) for v in next(reader, []) if clean(v)]


def names_from_cell(
    text: str,
    quality: NameQuality = NameQuality.PRIMARY,
    *,
    parts: tuple[str | None, str | None, str | None] | None = None,
    language: str | None = None,
) -> tuple[list[Name], str | None]:
    """The names one cell holds (see `watchlists.names`), and the cell as printed when it had
    to be split or cleaned of notes (for `Party.extra`), else None.

    Name parts only apply when the cell is one plain name.
    """
    printed = clean(text)
    variants = name_variants(printed)
    if variants == [printed]:
        single = make_name(printed, quality, parts=parts, language=language)
        return ([single] if single else []), None
    names = [make_name(v, quality, language=language) for v in variants]
    return [n for n in names if n is not None], printed or None
