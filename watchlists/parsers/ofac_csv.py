"""OFAC legacy CSV: the SDN list (sdn/alt/add/sdn_comments.csv) and the consolidated non-SDN
list (cons_prim/cons_alt/cons_add/cons_comments.csv), which share one layout.

Conventions of the format (OFAC's "legacy" files, unchanged since the 1990s):
- no header; Latin-1; CRLF; `-0-` (often with a trailing blank) means null;
- the primary file may end with an MS-DOS end-of-file byte (0x1A) after the last line;
- columns of the primary file: ent_num, name, type, programs ("SDGT] [IFSR"), title,
  call sign, vessel type, tonnage, GRT, vessel flag, vessel owner, remarks;
- remarks are cut at ~1,000 characters; the cut-off text continues, mid-word, in the
  comments file, keyed by ent_num;
- alt.csv holds the strong aliases (aka / fka / nka), add.csv the addresses.
Strong aliases come from alt.csv; the quoted a.k.a.s inside remarks are the weak ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from watchlists.countries import to_iso2
from watchlists.errors import ListFileError
from watchlists.model import Address, Identifier, IdentifierKind, Name, NameQuality, Party, Schema
from watchlists.parsers._build import clean, make_name, unique, unique_names
from watchlists.parsers._io import (
    DEFAULT_LIMITS,
    CsvShape,
    Limits,
    csv_rows,
    decode,
    read_capped,
    require_content,
)
from watchlists.remarks import MinedRemarks, mine_remarks

PRIMARY = CsvShape(12)
ALT = CsvShape(5)
ADDRESS = CsvShape(6)
COMMENTS = CsvShape(2)
_EOF_MARKER = "\x1a"
_SCHEMAS = {
    "individual": Schema.PERSON,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
    "": Schema.ORGANIZATION,
}
_ALT_QUALITY = {"aka": "a.k.a.", "fka": "f.k.a.", "nka": "n.k.a."}


@dataclass(frozen=True, slots=True)
class OfacFiles:
    """The files of one OFAC list version; only the primary file is required."""

    primary: Path
    alt: Path | None = None
    addresses: Path | None = None
    comments: Path | None = None


@dataclass(frozen=True, slots=True)
class OfacOptions:
    source: str = "ofac_sdn"
    limits: Limits = DEFAULT_LIMITS
    # Alt/address/comment rows whose ent_num is not in the primary file mean the files come
    # from different versions: an error unless the caller knowingly combines versions.
    allow_orphans: bool = False


def parse_ofac_csv(files: OfacFiles, options: OfacOptions | None = None) -> Iterator[Party]:
    """Every entry of an OFAC legacy CSV list version, with remarks mined into fields."""
    opts = options or OfacOptions()
    aliases = read_alt_file(files.alt, opts.limits) if files.alt else {}
    addresses = read_address_file(files.addresses, opts.limits) if files.addresses else {}
    comments = read_comments_file(files.comments, opts.limits) if files.comments else {}
    seen: set[str] = set()
    for line, row in _ofac_rows(files.primary, PRIMARY, opts.limits):
        ent_num = _ent_num(files.primary, line, row[0])
        if ent_num in seen:
            raise ListFileError(files.primary, f"ent_num {ent_num} appears twice", line=line)
        seen.add(ent_num)
        extras = _Extras(aliases.get(ent_num, ()), addresses.get(ent_num, ()))
        yield _party(row, extras, comments.get(ent_num, ""), opts.source)
    if not opts.allow_orphans:
        _check_orphans(files, seen, (aliases, addresses, comments))


@dataclass(frozen=True, slots=True)
class _Extras:
    aliases: tuple[Name, ...] | list[Name]
    addresses: tuple[Address, ...] | list[Address]


def read_alt_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, list[Name]]:
    """alt.csv: ent_num -> strong aliases (aka, fka and nka are all names the party used)."""
    out: dict[str, list[Name]] = defaultdict(list)
    for line, row in _ofac_rows(path, ALT, limits):
        ent_num = _ent_num(path, line, row[0])
        kind = row[2].lower()
        if kind not in _ALT_QUALITY:
            raise ListFileError(path, f"unknown alias type {row[2]!r}", line=line)
        name = make_name(row[3], NameQuality.STRONG_ALIAS, parts=_person_parts(row[3]))
        if name is None:
            raise ListFileError(path, "alias row without a name", line=line)
        out[ent_num].append(name)
    return dict(out)


def read_address_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, list[Address]]:
    """add.csv: ent_num -> addresses (street, "city, state, postal code", country)."""
    out: dict[str, list[Address]] = defaultdict(list)
    for line, row in _ofac_rows(path, ADDRESS, limits):
        ent_num = _ent_num(path, line, row[0])
        street, city, country_text = row[2], row[3], row[4]
        full = ", ".join(part for part in (street, city, country_text) if part)
        if full:
            country = to_iso2(country_text)
            out[ent_num].append(Address(full, street or None, city or None, None, None, country))
    return dict(out)


def read_comments_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, str]:
    """sdn_comments.csv: ent_num -> the remarks text that did not fit the primary file."""
    out: dict[str, str] = {}
    for line, row in _ofac_rows(path, COMMENTS, limits):
        ent_num = _ent_num(path, line, row[0])
        out[ent_num] = out.get(ent_num, "") + row[1]
    return out


def _ofac_rows(path: Path, shape: CsvShape, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    text = decode(path, read_capped(path, limits), "latin-1")
    body = text.rstrip("\r\n")
    if body.endswith(_EOF_MARKER):
        body = body[:-1]
    require_content(path, body)
    if _EOF_MARKER in body:
        line = body[: body.index(_EOF_MARKER)].count("\n") + 1
        raise ListFileError(path, "end-of-file byte 0x1A before the end of the file", line=line)
    for line, row in csv_rows(path, body, shape):
        yield line, [_null(cell) for cell in row]


def _null(cell: str) -> str:
    value = cell.strip()
    return "" if value == "-0-" else value


def _ent_num(path: Path, line: int, value: str) -> str:
    if not value.isdigit():
        raise ListFileError(path, f"ent_num {value!r} is not a number", line=line)
    return value


def _party(row: list[str], extras: _Extras, overflow: str, source: str) -> Party:
    ent_num, raw_name, raw_type, programs, title = row[0], row[1], row[2].lower(), row[3], row[4]
    schema = _SCHEMAS.get(raw_type, Schema.UNKNOWN)
    remarks = (row[11] + overflow) or None
    mined = mine_remarks(remarks)
    primary = make_name(
        raw_name, parts=_person_parts(raw_name) if schema is Schema.PERSON else None
    )
    if primary is None:
        raise ValueError(f"{source}:{ent_num} has no name")
    return Party(
        id=f"{source}:{ent_num}",
        schema=schema,
        names=_names(primary, extras.aliases, mined),
        source=source,
        source_id=ent_num,
        gender=mined.gender,
        birth_dates=tuple(mined.birth_dates),
        birth_places=unique(mined.birth_places),
        nationalities=tuple(mined.nationalities),
        countries=_countries(row, extras.addresses, mined),
        identifiers=_identifiers(row, mined),
        addresses=tuple(extras.addresses),
        programmes=_programmes(programs),
        topics=("sanction",),
        remarks=remarks,
        extra=_extra(row, title, mined),
    )


def _person_parts(name: str) -> tuple[str | None, str | None, str | None] | None:
    """ "CIFUENTES VILLA, Jorge Milton" -> given "Jorge Milton", family "CIFUENTES VILLA"."""
    family, comma, given = name.partition(",")
    if not comma or not given.strip():
        return None
    return (given, None, family)


def _names(
    primary: Name, aliases: tuple[Name, ...] | list[Name], mined: MinedRemarks
) -> tuple[Name, ...]:
    weak = [
        make_name(n, NameQuality.WEAK_ALIAS) for n in (*mined.weak_aliases, *mined.former_names)
    ]
    return unique_names([primary, *aliases, *weak])


def _countries(
    row: list[str], addresses: tuple[Address, ...] | list[Address], mined: MinedRemarks
) -> tuple[str, ...]:
    flag = to_iso2(row[9]) if row[9] else None
    found = [a.country for a in addresses if a.country]
    return unique([*([flag] if flag else []), *mined.countries, *found])


def _identifiers(row: list[str], mined: MinedRemarks) -> tuple[Identifier, ...]:
    call_sign = row[5]
    own = [Identifier(IdentifierKind.OTHER, call_sign, note="call sign")] if call_sign else []
    return unique([*own, *mined.identifiers])


def _programmes(programs: str) -> tuple[str, ...]:
    return unique(clean(p.strip("[] ")) for p in programs.split("] [") if p.strip("[] "))


def _extra(row: list[str], title: str, mined: MinedRemarks) -> tuple[tuple[str, str], ...]:
    columns = (("title", title), ("vessel_type", row[6]), ("tonnage", row[7]), ("grt", row[8]))
    own = [(key, clean(value)) for key, value in (*columns, ("vessel_owner", row[10])) if value]
    return unique([*own, *mined.extra])


def _check_orphans(
    files: OfacFiles, seen: set[str], tables: tuple[Mapping[str, object], ...]
) -> None:
    for path, table in zip((files.alt, files.addresses, files.comments), tables, strict=True):
        orphans = sorted(set(table) - seen, key=int)
        if path is not None and orphans:
            raise ListFileError(
                path,
                f"{len(orphans)} rows refer to ent_nums absent from {files.primary.name} "
                f"(first: {orphans[0]}): the files come from different list versions",
            )
