"""UK OFSI Consolidated List of Financial Sanctions Targets ("ConList"), as CSV or .xlsx.

Layout: row 1 is `Last Updated,<dd/mm/yyyy>`; row 2 the 36-column header; then one row per
*name* of a target, repeating every other attribute, and multiplied again by each date of
birth and address (Joseph Kony's 4 names x 10 birth dates x ... = 400 rows). Rows are grouped
by `Group ID` into one party. Names are split over "Name 1".."Name 5" (given names, in order)
and "Name 6" (the surname); the full name is Name 1..5 then Name 6. Dates are day-first and
use 00 for unknown parts ("00/00/1964"). Several values in one cell are numbered:
"(1) A-333602 (2) M110522".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchlists.countries import countries_in, to_iso2
from watchlists.dates import parse_day, parse_partial_date
from watchlists.errors import ListFileError, ListFileTooLarge
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
from watchlists.parsers._build import clean, make_name, unique, unique_names
from watchlists.parsers._io import (
    DEFAULT_LIMITS,
    CsvShape,
    Limits,
    csv_rows,
    decode,
    read_capped,
    require_header,
)

HEADER = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title",
    "Name Non-Latin Script", "Non-Latin Script Type", "Non-Latin Script Language", "DOB",
    "Town of Birth", "Country of Birth", "Nationality", "Passport Number", "Passport Details",
    "National Identification Number", "National Identification Details", "Position",
    "Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6",
    "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated",
    "Last Updated", "Group ID",
)  # fmt: skip
_SCHEMAS = {"Individual": Schema.PERSON, "Entity": Schema.ORGANIZATION, "Ship": Schema.VESSEL}
_NUMBERED = re.compile(r"\(\d+\)")
_LABELLED = re.compile(r"\(([^()]+)\):\s*(.*?)(?=\s*\([^()]+\):|$)", re.DOTALL)
# A reference at the start of a labelled value ("CFi.009. Kony is the founder ..." -> "CFi.009").
_REFERENCE = re.compile(r"\s*([A-Za-z]{2,4}\.?\d+)")
_LANGUAGES = {"russian": "ru", "belarusian": "be", "ukrainian": "uk", "arabic": "ar",
              "persian": "fa", "chinese": "zh", "georgian": "ka", "hebrew": "he",
              "korean": "ko", "pashto": "ps", "urdu": "ur"}  # fmt: skip

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class UkOptions:
    source: str = "uk_ofsi"
    limits: Limits = DEFAULT_LIMITS


def parse_uk_ofsi_csv(path: Path, options: UkOptions | None = None) -> Iterator[Party]:
    """Every target of a ConList CSV (UTF-8; `.csv.gz` is unpacked within the size cap)."""
    opts = options or UkOptions()
    text = decode(path, read_capped(path, opts.limits), "utf-8")
    return _parse(path, _csv_rows(path, text), opts.source)


def parse_uk_ofsi_xlsx(path: Path, options: UkOptions | None = None) -> Iterator[Party]:
    """Every target of the ConList workbook (first sheet), read with openpyxl in read-only mode."""
    opts = options or UkOptions()
    data = read_capped(path, opts.limits)
    return _parse(path, _xlsx_rows(path, data, opts.limits), opts.source)


def read_uk_last_updated(path: Path, limits: Limits = DEFAULT_LIMITS) -> date | None:
    """The list's own as-of date from its first row ("Last Updated,10/04/2025")."""
    data = read_capped(path, limits)
    if path.suffix == ".xlsx":
        rows = _xlsx_rows(path, data, limits)
    else:
        rows = _csv_rows(path, decode(path, data, "utf-8"))
    first = next(rows, None)
    if first is None or len(first[1]) < 2 or first[1][0].strip() != "Last Updated":
        return None
    return parse_day(first[1][1])


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV's first row has 2 cells, not 36: read it apart, then the width-checked rows."""
    first_line, _, rest = text.partition("\n")
    yield 1, first_line.rstrip("\r").split(",")
    yield from csv_rows(path, rest, CsvShape(len(HEADER)), first_line=2)


def _xlsx_rows(path: Path, data: bytes, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only the .xlsx path pays for it

    _check_zip(path, data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ListFileError(path, f"not a readable workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v) for v in values]
            while len(cells) > len(HEADER) and not cells[-1]:
                cells.pop()
            if any(cells):
                yield number, cells
    finally:
        workbook.close()


def _check_zip(path: Path, data: bytes, limits: Limits) -> None:
    """An .xlsx is a zip: its unpacked size is capped too (a zip bomb is a small file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ListFileError(path, f"not a zip/xlsx file: {exc}") from exc
    if unpacked > limits.max_bytes * 4:  # sheets compress ~5-10x; allow generous headroom
        raise ListFileTooLarge(path, unpacked, limits.max_bytes * 4)


def _parse(path: Path, rows: Iterable[tuple[int, list[str]]], source: str) -> Iterator[Party]:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None or not first[1] or first[1][0].strip() != "Last Updated":
        raise ListFileError(path, "first row is not 'Last Updated,<date>'", line=1)
    header = next(iterator, None)
    if header is None:
        raise ListFileError(path, "no header row", line=2)
    require_header(path, header[1], HEADER)
    groups: dict[str, list[Row]] = {}
    for line, cells in iterator:
        if len(cells) != len(HEADER):
            raise ListFileError(
                path, f"expected {len(HEADER)} columns, found {len(cells)}", line=line
            )
        row = dict(zip(HEADER, (c.strip() for c in cells), strict=True))
        if not row["Group ID"].isdigit() or row["Group Type"] not in _SCHEMAS:
            raise ListFileError(path, f"bad Group ID {row['Group ID']!r} or Group Type", line=line)
        groups.setdefault(row["Group ID"], []).append(row)
    for group_id, members in groups.items():
        yield _party(group_id, members, source)


def numbered(cell: str) -> list[str]:
    """ "(1) A (2) B" -> ["A", "B"]; a plain cell -> [cell]; blank -> []."""
    return [clean(p) for p in _NUMBERED.split(cell) if clean(p) and clean(p) != "-"]


def _column(rows: list[Row], column: str) -> list[str]:
    return list(unique(v for r in rows for v in numbered(r[column])))


def _party(group_id: str, rows: list[Row], source: str) -> Party:
    first = rows[0]
    labelled = dict(_LABELLED.findall(first["Other Information"]))
    nationalities, unknown = countries_in(_column(rows, "Nationality"))
    return Party(
        id=f"{source}:{group_id}",
        schema=_SCHEMAS[first["Group Type"]],
        names=_names(rows),
        source=source,
        source_id=group_id,
        gender=_gender(labelled.get("Gender", "")),
        birth_dates=_birth_dates(rows),
        birth_places=_birth_places(first),
        nationalities=nationalities,
        countries=countries_in(_column(rows, "Country"))[0],
        identifiers=_identifiers(first),
        addresses=_addresses(rows),
        programmes=unique(r["Regime"] for r in rows if r["Regime"]),
        topics=("sanction",),
        listed_on=min((d for d in (parse_day(r["Listed On"]) for r in rows) if d), default=None),
        remarks=clean(first["Other Information"]) or None,
        extra=_extra(rows, labelled, unknown),
    )


def _names(rows: list[Row]) -> tuple[Name, ...]:
    names: list[Name | None] = []
    for row in sorted(rows, key=lambda r: r["Alias Type"] != "Primary name"):
        given = [row[f"Name {i}"] for i in range(1, 6) if row[f"Name {i}"]]
        full = " ".join([*given, row["Name 6"]])
        parts = (given[0] if given else None, " ".join(given[1:]) or None, row["Name 6"] or None)
        names.append(make_name(full, _quality(row), parts=parts))
        language = _LANGUAGES.get(row["Non-Latin Script Language"].lower())
        names.append(make_name(row["Name Non-Latin Script"], _quality(row), language=language))
    return unique_names(names)


def _quality(row: Row) -> NameQuality:
    if row["Alias Type"] == "Primary name":
        return NameQuality.PRIMARY
    if row["Alias Quality"] == "Low quality":
        return NameQuality.WEAK_ALIAS
    return NameQuality.STRONG_ALIAS


def _gender(text: str) -> Gender:
    return {"male": Gender.MALE, "female": Gender.FEMALE}.get(clean(text).lower(), Gender.UNKNOWN)


def _birth_dates(rows: list[Row]) -> tuple[PartialDate, ...]:
    return unique(d for d in (parse_partial_date(v) for v in _column(rows, "DOB")) if d)


def _birth_places(row: Row) -> tuple[str, ...]:
    towns, countries = numbered(row["Town of Birth"]), numbered(row["Country of Birth"])
    if len(towns) == len(countries):
        return unique(f"{t}, {c}" for t, c in zip(towns, countries, strict=True))
    return unique([*towns, *countries])


def _identifiers(row: Row) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for number_col, detail_col, kind in (
        ("Passport Number", "Passport Details", IdentifierKind.PASSPORT),
        (
            "National Identification Number",
            "National Identification Details",
            IdentifierKind.NATIONAL_ID,
        ),
    ):
        numbers, details = numbered(row[number_col]), numbered(row[detail_col])
        paired = details if len(details) == len(numbers) else [""] * len(numbers)
        for number, detail in zip(numbers, paired, strict=True):
            country = to_iso2(re.split(r"\s+number|\.|,", detail)[0]) if detail else None
            out.append(Identifier(kind, number, country, detail or None))
    return unique(out)


def _addresses(rows: list[Row]) -> tuple[Address, ...]:
    out = []
    for row in rows:
        lines = [row[f"Address {i}"] for i in range(1, 7) if row[f"Address {i}"]]
        full = ", ".join([*lines, row["Post/Zip Code"], row["Country"]]).strip(", ")
        full = ", ".join(p for p in full.split(", ") if p)
        if full:
            city = row["Address 6"] or None
            out.append(
                Address(
                    full,
                    ", ".join(lines[:-1]) or None,
                    city,
                    None,
                    row["Post/Zip Code"] or None,
                    to_iso2(row["Country"]),
                )
            )
    return unique(out)


def _extra(
    rows: list[Row], labelled: dict[str, str], unknown: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    pairs = [("title", v) for v in _column(rows, "Title")]
    pairs += [("position", v) for v in _column(rows, "Position")]
    for label, key in (("UK Sanctions List Ref", "uk_sanctions_list_ref"), ("UN Ref", "un_ref")):
        reference = _REFERENCE.match(labelled.get(label, ""))
        if reference:
            pairs.append((key, reference.group(1)))
    pairs += [("date_designated", v) for v in _column(rows, "UK Sanctions List Date Designated")]
    pairs += [("last_updated", v) for v in _column(rows, "Last Updated")]
    pairs += [("nationality_text", v) for v in unknown]
    return unique(pairs)
