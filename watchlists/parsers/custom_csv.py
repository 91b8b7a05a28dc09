"""Warden custom list CSV: in-house blocklists and PEP lists (spec: docs/lists/custom-csv.md).

UTF-8, comma-separated, one header row, one party per row. `id`, `schema` and `name` are
required; every other column is optional, but a column the spec does not know is an error
(a typo such as "nationalites" must not silently drop data). Multi-valued cells separate
values with ";" (CSV-quote a value that holds ";"), as the EU annex files do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchlists.countries import countries_in
from watchlists.dates import parse_partial_date
from watchlists.errors import ListFileError
from watchlists.model import (
    Address,
    Gender,
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    PartialDate,
    Party,
    Schema,
)
from watchlists.parsers._build import (
    cell_values,
    identifier_from_text,
    make_name,
    unique,
    unique_names,
)
from watchlists.parsers._io import (
    DEFAULT_LIMITS,
    CsvShape,
    Limits,
    csv_rows,
    decode,
    read_capped,
    require_content,
)

REQUIRED = ("id", "schema", "name")
IDENTIFIER_COLUMNS: dict[str, IdentifierKind] = {
    "passport_numbers": IdentifierKind.PASSPORT,
    "national_ids": IdentifierKind.NATIONAL_ID,
    "tax_ids": IdentifierKind.TAX_ID,
    "registration_numbers": IdentifierKind.REGISTRATION,
    "imo_numbers": IdentifierKind.IMO,
    "mmsi_numbers": IdentifierKind.MMSI,
    "bic_codes": IdentifierKind.BIC,
    "lei_codes": IdentifierKind.LEI,
    "aircraft_registrations": IdentifierKind.AIRCRAFT_REGISTRATION,
}
OPTIONAL = (
    "aliases", "weak_aliases", "gender", "birth_dates", "birth_places", "nationalities",
    "countries", *IDENTIFIER_COLUMNS, "addresses", "programmes", "topics", "listed_on",
    "remarks", "url",
)  # fmt: skip
_GENDERS = {g.value: g for g in Gender}
_Bad = Callable[[str, str], ListFileError]
_SCHEMAS = {s.value: s for s in Schema}


@dataclass(frozen=True, slots=True)
class CustomCsvOptions:
    source: str = "custom"
    limits: Limits = DEFAULT_LIMITS
    # Topics for rows whose `topics` cell is blank: ("role.pep",) for a PEP list,
    # ("sanction",) for a blocklist. A row without topics would match nothing meaningful.
    default_topics: tuple[str, ...] = ("sanction",)


def parse_custom_csv(path: Path, options: CustomCsvOptions | None = None) -> Iterator[Party]:
    """Every row of a custom list as a party; any bad cell fails the whole file."""
    opts = options or CustomCsvOptions()
    text = decode(path, read_capped(path, opts.limits), "utf-8")
    require_content(path, text)
    header = tuple(c.strip() for c in next(csv.reader(io.StringIO(text, newline=""))))
    _check_header(path, header)
    seen: set[str] = set()
    for line, cells in csv_rows(path, text, CsvShape(len(header))):
        if line == 1:
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        party = _party(path, line, row, opts)
        if party.source_id in seen:
            raise ListFileError(path, f"id {party.source_id!r} appears twice", line=line)
        seen.add(party.source_id)
        yield party


def _check_header(path: Path, header: tuple[str, ...]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED and c not in OPTIONAL]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or repeated:
        problem = f"header: missing {missing}, unknown {unknown}, repeated {repeated}"
        raise ListFileError(path, problem, line=1)


def _party(path: Path, line: int, row: dict[str, str], opts: CustomCsvOptions) -> Party:
    def bad(column: str, why: str) -> ListFileError:
        return ListFileError(path, f"column {column!r}: {why}", line=line)

    if not row["id"] or not row["name"]:
        raise bad("id" if not row["id"] else "name", "is required")
    schema = _SCHEMAS.get(row["schema"].lower())
    if schema is None:
        raise bad("schema", f"{row['schema']!r} is not one of {sorted(_SCHEMAS)}")
    gender = _GENDERS.get((row.get("gender") or "unknown").lower())
    if gender is None:
        raise bad("gender", f"{row['gender']!r} is not one of {sorted(_GENDERS)}")
    nationalities = _countries(row, "nationalities", bad)
    return Party(
        id=f"{opts.source}:{row['id']}",
        schema=schema,
        names=_names(row),
        source=opts.source,
        source_id=row["id"],
        gender=gender,
        birth_dates=_birth_dates(row, bad),
        birth_places=tuple(cell_values(row.get("birth_places", ""))),
        nationalities=nationalities,
        countries=_countries(row, "countries", bad),
        identifiers=_identifiers(row),
        addresses=tuple(Address(a) for a in cell_values(row.get("addresses", ""))),
        programmes=tuple(cell_values(row.get("programmes", ""))),
        topics=tuple(cell_values(row.get("topics", ""))) or opts.default_topics,
        listed_on=_listed_on(row, bad),
        remarks=row.get("remarks") or None,
        url=row.get("url") or None,
    )


def _names(row: dict[str, str]) -> tuple[Name, ...]:
    strong = [make_name(v, NameQuality.STRONG_ALIAS) for v in cell_values(row.get("aliases", ""))]
    weak = [make_name(v, NameQuality.WEAK_ALIAS) for v in cell_values(row.get("weak_aliases", ""))]
    return unique_names([make_name(row["name"]), *strong, *weak])


def _birth_dates(row: dict[str, str], bad: _Bad) -> tuple[PartialDate, ...]:
    dates: list[PartialDate] = []
    for value in cell_values(row.get("birth_dates", "")):
        parsed = parse_partial_date(value)
        if parsed is None:
            raise bad("birth_dates", f"{value!r} is not a date (use 1970, 1970-03 or 1970-03-05)")
        dates.append(parsed)
    return unique(dates)


def _countries(row: dict[str, str], column: str, bad: _Bad) -> tuple[str, ...]:
    codes, unknown = countries_in(cell_values(row.get(column, "")))
    if unknown:
        raise bad(column, f"unknown countries {list(unknown)} (use ISO 3166 alpha-2 codes)")
    return codes


def _identifiers(row: dict[str, str]) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for column, kind in IDENTIFIER_COLUMNS.items():
        for value in cell_values(row.get(column, "")):
            identifier = identifier_from_text(kind, value)
            if identifier is not None:
                out.append(identifier)
    return unique(out)


def _listed_on(row: dict[str, str], bad: _Bad) -> date | None:
    value = row.get("listed_on", "")
    if not value:
        return None
    parsed = parse_partial_date(value)
    if parsed is None or parsed.day is None or parsed.month is None:
        raise bad("listed_on", f"{value!r} is not a full ISO date (YYYY-MM-DD)")
    return date(parsed.year, parsed.month, parsed.day)
