"""US BIS Denied Persons List: tab-separated, every cell quoted, one header row.

One row per (denied person, address): the same order lists a person or company once per
known address, so rows are grouped by name and effective date into one party. The list
prints no id; the party id is a hash of that key. Dates are US month-first ("08/24/2022");
countries are already ISO alpha-2. The list does not say whether a name is a person or a
company: a legal-form word ("LTD", "LLC", "AIRLINES", ...) makes it an organisation,
anything else stays `Schema.UNKNOWN` rather than being guessed a person.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from watchlists.dates import parse_us_date
from watchlists.errors import ListFileError
from watchlists.model import Address, NameQuality, Party, Schema
from watchlists.parsers._build import clean, make_name, unique, unique_names
from watchlists.parsers._io import (
    DEFAULT_LIMITS,
    CsvShape,
    Limits,
    csv_rows,
    decode,
    read_capped,
    require_content,
    require_header,
)

HEADER = (
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
)  # fmt: skip
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|CO|COMPANY|GMBH|AG|SA|S\.A|SRL|BV|"
    r"AIRLINES?|AIRWAYS|AVIATION|TRADING|INDUSTR(?:Y|IES)|ENTERPRISES?|INTERNATIONAL|GROUP|"
    r"TECHNOLOG(?:Y|IES)|SERVICES|ELECTRONICS|FZE|FZCO|LLP|PLC|JSC|OOO)\b",
    re.IGNORECASE,
)

_AKA = re.compile(r"\s+A/K/A\s+", re.IGNORECASE)

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class DplOptions:
    source: str = "us_bis_dpl"
    limits: Limits = DEFAULT_LIMITS


def parse_us_bis_dpl(path: Path, options: DplOptions | None = None) -> Iterator[Party]:
    """Every denied person or company, addresses of repeated rows merged."""
    opts = options or DplOptions()
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in read_dpl_rows(path, opts.limits):
        key = (clean(row["Name"]).casefold(), row["Effective_Date"])
        groups.setdefault(key, []).append(row)
    for (name, effective), rows in groups.items():
        party_key = hashlib.sha256(f"{name}|{effective}".encode()).hexdigest()[:16]
        yield _party(party_key, rows, opts.source)


def read_dpl_rows(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Row]:
    """The checked rows of a dpl.txt file."""
    text = decode(path, read_capped(path, limits), "utf-8")
    require_content(path, text)
    rows = csv_rows(path, text, CsvShape(len(HEADER), delimiter="\t"))
    header = next(rows, None)
    if header is None:
        raise ListFileError(path, "no header row", line=1)
    require_header(path, header[1], HEADER)
    for line, cells in rows:
        row = dict(zip(HEADER, (clean(c) for c in cells), strict=True))
        if not row["Name"]:
            raise ListFileError(path, "row without a name", line=line)
        if row["Effective_Date"] and parse_us_date(row["Effective_Date"]) is None:
            raise ListFileError(path, f"bad Effective_Date {row['Effective_Date']!r}", line=line)
        yield row


def _party(key: str, rows: list[Row], source: str) -> Party:
    first = rows[0]
    # "FUYI SUN A/K/A FRANK SUN": the list writes aliases into the name cell.
    printed, *aliases = _AKA.split(first["Name"])
    name = make_name(printed)
    if name is None:  # read_dpl_rows refuses blank names
        raise ValueError("blank name")
    addresses = unique(a for a in (_address(r) for r in rows) if a is not None)
    return Party(
        id=f"{source}:{key}",
        schema=Schema.ORGANIZATION if _ORGANIZATION_WORDS.search(name.full) else Schema.UNKNOWN,
        names=unique_names([name, *(make_name(a, NameQuality.STRONG_ALIAS) for a in aliases)]),
        source=source,
        source_id=key,
        countries=unique(a.country for a in addresses if a.country),
        addresses=addresses,
        programmes=("US-BIS-DPL",),
        topics=("debarment", "export.control"),
        listed_on=parse_us_date(first["Effective_Date"]),
        remarks=first["Action"] or None,
        extra=unique(
            (key_name, row[column])
            for row in rows
            for key_name, column in (
                ("expires", "Expiration_Date"),
                ("fr_citation", "FR_Citation"),
                ("last_update", "Last_Update"),
            )
            if row[column]
        ),
    )


def _address(row: Row) -> Address | None:
    parts = [row[c] for c in ("Street_Address", "City", "State", "Postal_Code", "Country")]
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    country = row["Country"].upper() if len(row["Country"]) == 2 else None
    return Address(
        full, row["Street_Address"] or None, row["City"] or None, row["State"] or None,
        row["Postal_Code"] or None, country,
    )  # fmt: skip
