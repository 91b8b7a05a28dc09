"""A screening corpus from the shared list files, parsed just enough for benchmarks.

Temporary by design: the real parsers are being built in `watchlists/` (area/lists). Until they
land on main, this module reads names, schema, birth dates, nationalities and documents from
the files in ../shared/data/watchlists with the simplest code that is faithful enough to
measure matching accuracy and speed. It is bench code, not a parser anyone should reuse.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import pycountry
from defusedxml import ElementTree

from services.screening.core.text import clean_text, has_letter
from watchlists.model import (
    Gender,
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    PartialDate,
    Party,
    Schema,
)


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO alpha-2 for a country name or code as the lists and eval sets write it."""
    text = name.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    try:
        return str(pycountry.countries.search_fuzzy(re.sub(r"\(.*?\)", "", text))[0].alpha_2)
    except LookupError:
        return None


def parse_date(text: str) -> PartialDate | None:
    """ "1972", "1972-03-05", "26.11.1972", "05/03/1972", "00/00/1972" -> PartialDate."""
    text = text.strip()
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if found:
        year, month, day = found.groups()
    else:
        found = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
        if not found:
            return None
        day, month, year = found.groups()
    try:
        m = int(month) if month and int(month) else None
        d = int(day) if day and int(day) and m else None
        return PartialDate(int(year), m, d)
    except ValueError:
        return None


def _names(primary: str, aliases: list[tuple[str, NameQuality]]) -> tuple[Name, ...]:
    seen: set[str] = set()
    out = []
    for text, quality in [(primary, NameQuality.PRIMARY), *aliases]:
        cleaned = clean_text(text)
        if cleaned and has_letter(cleaned) and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            out.append(Name(cleaned, quality))
    return tuple(out)


def _codes(values: list[str]) -> tuple[str, ...]:
    codes = (country_code(v) for v in values if v)
    return tuple(dict.fromkeys(c for c in codes if c))


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def load_un(root: Path) -> Iterator[Party]:
    """UN Security Council consolidated XML: individuals and entities."""
    document = ElementTree.parse(next((root / "un_sc").rglob("*.xml"))).getroot()
    if document is None:
        return
    for kind, schema in (("INDIVIDUAL", Schema.PERSON), ("ENTITY", Schema.ORGANIZATION)):
        for node in document.iter(kind):
            party = _un_party(node, kind, schema)
            if party is not None:
                yield party


def _un_aliases(node: Element, kind: str) -> list[tuple[str, NameQuality]]:
    aliases = []
    for alias in node.iter(f"{kind}_ALIAS"):
        weak = _text(alias, "QUALITY") == "Low"
        aliases.append(
            (
                _text(alias, "ALIAS_NAME"),
                NameQuality.WEAK_ALIAS if weak else NameQuality.STRONG_ALIAS,
            )
        )
    original = _text(node, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append((original, NameQuality.STRONG_ALIAS))
    return aliases


def _un_party(node: Element, kind: str, schema: Schema) -> Party | None:
    parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    names = _names(" ".join(p for p in parts if p), _un_aliases(node, kind))
    if not names:
        return None
    dates = [_un_date(d) for d in node.iter(f"{kind}_DATE_OF_BIRTH")]
    docs = [
        Identifier(IdentifierKind.PASSPORT, _text(d, "NUMBER"))
        for d in node.iter(f"{kind}_DOCUMENT")
        if _text(d, "NUMBER") and "passport" in _text(d, "TYPE_OF_DOCUMENT").lower()
    ]
    genders = {"Male": Gender.MALE, "Female": Gender.FEMALE}
    nationality = node.find("NATIONALITY")
    countries = [v.text or "" for v in nationality.iter("VALUE")] if nationality is not None else []
    return Party(
        id=f"un_sc:{_text(node, 'DATAID')}",
        schema=schema,
        names=names,
        source="un_sc",
        source_id=_text(node, "REFERENCE_NUMBER"),
        gender=genders.get(_text(node, "GENDER"), Gender.UNKNOWN),
        birth_dates=tuple(d for d in dates if d is not None),
        nationalities=_codes(countries),
        identifiers=tuple(docs),
    )


def _un_date(node: Element) -> PartialDate | None:
    exact = _text(node, "DATE") or _text(node, "YEAR")
    if exact:
        return parse_date(exact[:10])
    start, end = _text(node, "FROM_YEAR"), _text(node, "TO_YEAR")
    if start.isdigit() and end.isdigit() and int(end) >= int(start):
        return PartialDate(int(start), year_to=int(end))
    return None


_OFAC_TYPES = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}


def _ofac_rows(path: Path) -> Iterator[list[str]]:
    text = path.read_bytes().decode("latin-1").replace("\x1a", "")
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].strip().isdigit():
            yield [c.strip() if c.strip() != "-0-" else "" for c in row]


def load_ofac(path: Path, alt: Path | None, source: str) -> Iterator[Party]:
    """OFAC legacy CSV (SDN or consolidated): primary rows plus alt names when given."""
    aliases: dict[str, list[tuple[str, NameQuality]]] = {}
    if alt is not None and alt.exists():
        for row in _ofac_rows(alt):
            quality = (
                NameQuality.WEAK_ALIAS if "weak" in row[-1].lower() else NameQuality.STRONG_ALIAS
            )
            aliases.setdefault(row[0], []).append((row[3], quality))
    for row in _ofac_rows(path):
        names = _names(row[1], aliases.get(row[0], []))
        if names:
            schema = _OFAC_TYPES.get(row[2].lower(), Schema.ORGANIZATION)
            remarks = row[-1]
            yield Party(
                f"{source}:{row[0]}",
                schema,
                names,
                source=source,
                source_id=row[0],
                gender=_ofac_gender(remarks),
                birth_dates=_ofac_dates(remarks),
                nationalities=_codes(_OFAC_COUNTRY.findall(remarks)),
            )


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_OFAC_DOB = re.compile(
    r"DOB (?:circa )?(?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})(?: to (\d{4}))?"
)
_OFAC_COUNTRY = re.compile(r"(?:nationality|citizen) ([A-Z][A-Za-z ,'()-]+?)(?:;|\.|$)")


def _ofac_dates(remarks: str) -> tuple[PartialDate, ...]:
    """ "DOB 14 May 1998; alt. DOB 1960 to 1962" -> PartialDates (bench-grade parsing)."""
    out = []
    for day, month, year, year_to in _OFAC_DOB.findall(remarks):
        try:
            if year_to:
                out.append(PartialDate(int(year), year_to=int(year_to)))
            else:
                m = _MONTHS.get(month)
                out.append(PartialDate(int(year), m, int(day) if day and m else None))
        except ValueError:
            continue
    return tuple(dict.fromkeys(out))


def _ofac_gender(remarks: str) -> Gender:
    if "Gender Male" in remarks:
        return Gender.MALE
    return Gender.FEMALE if "Gender Female" in remarks else Gender.UNKNOWN


_EU_SCHEMAS = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL, "Airplane": Schema.AIRCRAFT}


def load_eu(root: Path) -> Iterator[Party]:
    """EU annex CSVs (OpenSanctions transcription): one party per row."""
    for path in sorted((root / "eu_oj_annexes").rglob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                party = _eu_party(row, path.stem)
                if party is not None:
                    yield party


def _eu_party(row: dict[str, str], celex: str) -> Party | None:
    aliases = [(a, NameQuality.STRONG_ALIAS) for a in re.split(r";|\(|\)", row.get("alias") or "")]
    aliases += [(a, NameQuality.WEAK_ALIAS) for a in (row.get("weakAlias") or "").split(";")]
    names = _names(re.sub(r"\(.*?\)", "", row.get("name") or ""), aliases)
    if not names:
        return None
    dates = [parse_date(d) for d in re.split(r"[;,]| or ", row.get("birthDate") or "")]
    gender = {"male": Gender.MALE, "female": Gender.FEMALE}.get(
        row.get("gender") or "", Gender.UNKNOWN
    )
    return Party(
        id=f"eu:{celex}:{row['recordId']}",
        schema=_EU_SCHEMAS.get(row.get("schema") or "", Schema.ORGANIZATION),
        names=names,
        source="eu",
        source_id=row["recordId"],
        gender=gender,
        birth_dates=tuple(d for d in dates if d is not None),
        nationalities=_codes((row.get("nationality") or "").split(";")),
    )


_UK_SCHEMAS = {"Individual": Schema.PERSON, "Ship": Schema.VESSEL}


def load_uk(root: Path) -> Iterator[Party]:
    """UK OFSI consolidated list (CSV converted from the xlsx): rows grouped by Group ID."""
    path = next((root / "uk_ofsi").rglob("*.csv.gz"))
    groups: dict[str, list[dict[str, str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        next(handle)
        for row in csv.DictReader(handle):
            groups.setdefault(row["Group ID"], []).append(row)
    for group_id, rows in groups.items():
        texts = [
            " ".join(r[f"Name {i}"] for i in (1, 2, 3, 4, 5, 6) if r[f"Name {i}"]) for r in rows
        ]
        qualities = [
            NameQuality.WEAK_ALIAS if r["Alias Quality"] == "Low" else NameQuality.STRONG_ALIAS
            for r in rows
        ]
        extra = [(r["Name Non-Latin Script"], NameQuality.STRONG_ALIAS) for r in rows]
        names = _names(texts[0], [*zip(texts[1:], qualities[1:], strict=True), *extra])
        if names:
            dates = [parse_date(r["DOB"]) for r in rows if r["DOB"]]
            yield Party(
                id=f"uk_ofsi:{group_id}",
                schema=_UK_SCHEMAS.get(rows[0]["Group Type"], Schema.ORGANIZATION),
                names=names,
                source="uk_ofsi",
                source_id=group_id,
                birth_dates=tuple(dict.fromkeys(d for d in dates if d is not None)),
                nationalities=_codes([r["Nationality"] for r in rows]),
            )


def load_bis(root: Path) -> Iterator[Party]:
    """US BIS Denied Persons (tab-separated)."""
    path = next((root / "us_bis_dpl").rglob("*.txt"))
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            names = _names(row["Name"], [])
            if names:
                yield Party(f"us_bis_dpl:{number}", Schema.UNKNOWN, names, source="us_bis_dpl")


def load_pep(root: Path) -> Iterator[Party]:
    """US Congress PEPs (Senzing JSON lines); test use only (CC BY-NC)."""
    path = next((root / "pep_us_congress_opensanctions").glob("*.json"))
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        names = _names(
            record["NAMES"][0]["NAME_FULL"],
            [(n["NAME_FULL"], NameQuality.STRONG_ALIAS) for n in record["NAMES"][1:]],
        )
        dates = [parse_date(d.get("DATE_OF_BIRTH", "")) for d in record.get("DATES", [])]
        yield Party(
            id=f"pep:{record['RECORD_ID']}",
            schema=Schema.PERSON,
            names=names,
            source="pep_us_congress",
            birth_dates=tuple(d for d in dates if d is not None),
            nationalities=_codes([c.get("NATIONALITY", "") for c in record.get("COUNTRIES", [])]),
            topics=("role.pep",),
        )


def load_all(root: Path) -> list[Party]:
    """Every shared list, as one list of parties (ids unique)."""
    lists = root / "watchlists"
    sdn_dir = lists / "ofac_sdn"
    parties: list[Party] = [
        *load_un(lists),
        *load_ofac(
            sdn_dir / "2024-05-03" / "sdn.csv", sdn_dir / "2025-12-24" / "alt.csv", "ofac_sdn"
        ),
        *load_ofac(
            next((lists / "ofac_cons").rglob("cons_prim.csv")),
            next((lists / "ofac_cons").rglob("cons_alt.csv")),
            "ofac_cons",
        ),
        *load_eu(lists),
        *load_uk(lists),
        *load_bis(lists),
        *load_pep(lists),
    ]
    return list({p.id: p for p in parties}.values())
