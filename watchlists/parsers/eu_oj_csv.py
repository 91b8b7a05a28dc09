"""EU sanctions annexes transcribed from the Official Journal (OpenSanctions "journal_sanctions"
consolidated CSVs: one file per framework act, one row per entity per legal context).

The same entity appears on several rows when it is listed under several programmes,
measures or acts ("Bank Rossiya" is on three). The parser merges those rows into one party
keyed by (schema, name); rows that share a name but have disjoint birth years are different
people (two "Kim Yong Chol"s) and stay apart. The annexes print no stable entity id, so the
party id is a hash of what identifies it: schema, name and, only when needed to tell
namesakes apart, birth years.

Every entity column except `name` is multi-valued, separated by ";" and CSV-quoted inside the
cell when a value itself holds ";" (see FORMAT.md beside the data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchlists.countries import countries_in
from watchlists.dates import parse_dates, parse_day
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
    clean,
    identifier_from_text,
    names_from_cell,
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
    require_header,
)

HEADER = (
    "celex", "recordId", "programKey", "annex", "measure", "startDate", "reason", "schema",
    "name", "alias", "weakAlias", "previousName", "country", "nationality", "jurisdiction",
    "birthDate", "birthPlace", "position", "passportNumber", "gender", "appearance",
    "ethnicity", "fatherName", "motherName", "incorporationDate", "legalForm", "sector",
    "registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode", "kppCode",
    "okpoCode", "leiCode", "swiftBic", "ticker", "imoNumber", "mmsi", "flag", "address",
    "phone", "email", "website", "notes",
)  # fmt: skip
_SCHEMAS = {
    "Person": Schema.PERSON,
    "LegalEntity": Schema.ORGANIZATION,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Asset": Schema.UNKNOWN,
}
_IDENTIFIER_COLUMNS = (
    ("passportNumber", IdentifierKind.PASSPORT, None),
    ("idNumber", IdentifierKind.NATIONAL_ID, None),
    ("taxNumber", IdentifierKind.TAX_ID, None),
    ("innCode", IdentifierKind.TAX_ID, "RU"),
    ("registrationNumber", IdentifierKind.REGISTRATION, None),
    ("ogrnCode", IdentifierKind.REGISTRATION, "RU"),
    ("kppCode", IdentifierKind.OTHER, "RU"),
    ("okpoCode", IdentifierKind.OTHER, "RU"),
    ("leiCode", IdentifierKind.LEI, None),
    ("swiftBic", IdentifierKind.BIC, None),
    ("ticker", IdentifierKind.OTHER, None),
    ("imoNumber", IdentifierKind.IMO, None),
    ("mmsi", IdentifierKind.MMSI, None),
)
_EXTRA_COLUMNS = (
    "position", "legalForm", "sector", "incorporationDate", "fatherName", "motherName",
    "phone", "email", "website",
)  # fmt: skip
# Export controls are not asset freezes: screening policies treat them differently.
_TOPICS = {"Export control": "export.control"}

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class EuOptions:
    source: str = "eu_oj"
    limits: Limits = DEFAULT_LIMITS


def parse_eu_oj_csv(paths: Sequence[Path], options: EuOptions | None = None) -> Iterator[Party]:
    """One party per entity across every annex file given (rows merged across contexts)."""
    opts = options or EuOptions()
    groups: dict[tuple[str, str], list[Row]] = {}
    for path in sorted(paths):
        for row in read_eu_rows(path, opts.limits):
            key = (row["schema"], clean(row["name"]).casefold())
            groups.setdefault(key, []).append(row)
    for (schema, name), rows in groups.items():
        clusters = _split_namesakes(rows)
        for cluster in clusters:
            yield _party(cluster, _party_key(schema, name, cluster, len(clusters) > 1), opts.source)


def read_eu_rows(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Row]:
    """The rows of one consolidated annex file, checked against FORMAT.md's contract."""
    text = decode(path, read_capped(path, limits), "utf-8")
    rows = csv_rows(path, text, CsvShape(len(HEADER)))
    header = next(rows, None)
    if header is None:
        raise ListFileError(path, "file is empty (not even a header)")
    require_header(path, header[1], HEADER)
    for line, cells in rows:
        row = dict(zip(HEADER, (c.strip() for c in cells), strict=True))
        if row["celex"] != path.stem:
            raise ListFileError(
                path, f"celex {row['celex']!r} differs from the file name", line=line
            )
        if row["schema"] not in _SCHEMAS or not row["name"]:
            raise ListFileError(path, f"bad schema {row['schema']!r} or empty name", line=line)
        yield row


def _values(rows: Iterable[Row], column: str) -> list[str]:
    cells = [row[column] for row in rows if row[column]]  # most cells are empty: skip them fast
    if not cells:
        return []
    return list(unique(v for cell in cells for v in cell_values(cell)))


def _birth_years(row: Row) -> set[int]:
    dates, _ = parse_dates(row["birthDate"]) if row["birthDate"] else ([], [])
    return {d.year for d in dates}


def _split_namesakes(rows: list[Row]) -> list[list[Row]]:
    """Rows of one name, clustered so rows with disjoint known birth years stay apart."""
    clusters: list[tuple[set[int], list[Row]]] = []
    for row in rows:
        years = _birth_years(row)
        for known, members in clusters:
            if not years or not known or years & known:
                known |= years
                members.append(row)
                break
        else:
            clusters.append((set(years), [row]))
    return [members for _, members in clusters]


def _party_key(schema: str, name: str, rows: list[Row], namesakes: bool) -> str:
    parts = [schema, name]
    if namesakes:
        parts.append(",".join(str(y) for y in sorted(set().union(*map(_birth_years, rows)))))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _party(rows: list[Row], key: str, source: str) -> Party:
    first = rows[0]
    names, printed = _names(rows)
    dates, unparsed_dates = _dates(rows)
    nationalities, unknown = countries_in(_values(rows, "nationality"))
    countries, _ = countries_in(
        [*_values(rows, "country"), *_values(rows, "jurisdiction"), *_values(rows, "flag")]
    )
    return Party(
        id=f"{source}:{key}",
        schema=_SCHEMAS[first["schema"]],
        names=names,
        source=source,
        source_id=key,
        gender=_gender(_values(rows, "gender")),
        birth_dates=dates,
        birth_places=tuple(_values(rows, "birthPlace")),
        nationalities=nationalities,
        countries=countries,
        identifiers=_identifiers(rows),
        addresses=tuple(Address(a) for a in _values(rows, "address")),
        programmes=unique(r["programKey"] for r in rows),
        topics=unique(_TOPICS.get(r["measure"], "sanction") for r in rows),
        listed_on=min((d for d in (parse_day(r["startDate"]) for r in rows) if d), default=None),
        remarks="\n".join(unique(clean(r[c]) for r in rows for c in ("reason", "notes") if r[c]))
        or None,
        extra=_extra(rows, unknown, unparsed_dates, printed),
    )


def _names(rows: list[Row]) -> tuple[tuple[Name, ...], list[str]]:
    """Every name of the entity, and the name cells that had to be split (kept as printed)."""
    cells = [(rows[0]["name"], NameQuality.PRIMARY)]
    cells += [(v, NameQuality.STRONG_ALIAS) for v in _values(rows, "alias")]
    cells += [(v, NameQuality.STRONG_ALIAS) for v in _values(rows, "previousName")]
    cells += [(v, NameQuality.WEAK_ALIAS) for v in _values(rows, "weakAlias")]
    names: list[Name] = []
    printed: list[str] = []
    for text, quality in cells:
        found, as_printed = names_from_cell(text, quality)
        names.extend(found)
        printed.extend([as_printed] if as_printed else [])
    return unique_names(names), printed


def _dates(rows: list[Row]) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    dates: list[PartialDate] = []
    unparsed: list[str] = []
    for value in _values(rows, "birthDate"):
        found, missed = parse_dates(value)
        dates.extend(found)
        unparsed.extend(missed)
    return unique(dates), tuple(unparsed)


def _gender(values: list[str]) -> Gender:
    found = {v.lower().strip(". ") for v in values}
    if found == {"male"}:
        return Gender.MALE
    if found == {"female"}:
        return Gender.FEMALE
    return Gender.UNKNOWN


def _identifiers(rows: list[Row]) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for column, kind, country in _IDENTIFIER_COLUMNS:
        for value in _values(rows, column):
            identifier = identifier_from_text(kind, value, country)
            if identifier is not None:
                out.append(identifier)
    return unique(out)


def _extra(
    rows: list[Row],
    unknown: tuple[str, ...],
    unparsed_dates: tuple[str, ...],
    printed_names: list[str],
) -> tuple[tuple[str, str], ...]:
    pairs = [(c, v) for c in _EXTRA_COLUMNS for v in _values(rows, c)]
    pairs += [("name_as_printed", v) for v in printed_names]
    pairs += [
        ("eu_reference", f"{r['celex']}/{r['annex']}/{r['recordId']}")
        for r in rows
        if r["recordId"]
    ]
    pairs += [("measure", r["measure"]) for r in rows]
    pairs += [("nationality_text", v) for v in unknown]
    pairs += [("birth_date_text", v) for v in unparsed_dates]
    return unique(pairs)
