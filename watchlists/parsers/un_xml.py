"""UN Security Council Consolidated List, XML (`CONSOLIDATED_LIST`, schema sc-sanctions.xsd).

Individuals carry up to four name parts, aliases with a quality ("Good" = strong, "Low" =
weak; entities say "a.k.a."/"f.k.a."), dates of birth typed EXACT (a DATE or a YEAR),
APPROXIMATELY (circa) or BETWEEN (FROM_YEAR..TO_YEAR), documents, nationalities and
addresses. The party id uses the UN's permanent reference number ("QDi.426"), the one other
lists cite (OFSI's "UN Ref"); the internal DATAID is kept in `extra`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchlists.countries import split_countries, to_iso2
from watchlists.dates import parse_day, parse_partial_date
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
from watchlists.parsers._build import clean, names_from_cell, unique, unique_names
from watchlists.parsers._io import DEFAULT_LIMITS, Limits
from watchlists.parsers._xml import load_xml, text_of, values_of

_QUALITY = {
    "good": NameQuality.STRONG_ALIAS,
    "a.k.a.": NameQuality.STRONG_ALIAS,
    "f.k.a.": NameQuality.STRONG_ALIAS,
    "": NameQuality.STRONG_ALIAS,
    "low": NameQuality.WEAK_ALIAS,
}
_GENDER = {"male": Gender.MALE, "female": Gender.FEMALE}
_OTHER_DOCUMENTS = ("birth", "driver", "voter", "student", "ration", "military", "residential")


@dataclass(frozen=True, slots=True)
class UnOptions:
    source: str = "un_sc"
    limits: Limits = DEFAULT_LIMITS


def parse_un_xml(path: Path, options: UnOptions | None = None) -> Iterator[Party]:
    """Every individual and entity of a UN consolidated list file."""
    opts = options or UnOptions()
    root = load_xml(path, opts.limits)
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFileError(path, f"root element is <{root.tag}>, not <CONSOLIDATED_LIST>")
    for element in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
        yield _individual(path, element, opts.source)
    for element in root.iterfind("ENTITIES/ENTITY"):
        yield _entity(path, element, opts.source)


def read_un_generated_date(path: Path, limits: Limits = DEFAULT_LIMITS) -> date | None:
    """The list's own as-of date (`dateGenerated` on the root element)."""
    generated = load_xml(path, limits).get("dateGenerated", "")
    return parse_day(generated[:10]) if generated else None


def _reference(path: Path, element: ET.Element) -> str:
    reference = text_of(element, "REFERENCE_NUMBER")
    if not reference:
        raise ListFileError(
            path, f"entry DATAID {text_of(element, 'DATAID')!r} has no REFERENCE_NUMBER"
        )
    return reference


def _individual(path: Path, element: ET.Element, source: str) -> Party:
    reference = _reference(path, element)
    names, printed = _names(path, element, "INDIVIDUAL_ALIAS", person=True)
    nationalities, unknown_nationalities = _countries(values_of(element, "NATIONALITY"))
    aliases = element.findall("INDIVIDUAL_ALIAS")
    birth_dates, unparsed_dates = _birth_dates(element, aliases)
    return Party(
        id=f"{source}:{reference}",
        schema=Schema.PERSON,
        names=names,
        source=source,
        source_id=reference,
        gender=_GENDER.get(text_of(element, "GENDER").lower(), Gender.UNKNOWN),
        birth_dates=birth_dates,
        birth_places=_birth_places(element, aliases),
        nationalities=nationalities,
        countries=_address_countries(element, "INDIVIDUAL_ADDRESS"),
        identifiers=tuple(
            _document(d) for d in element.findall("INDIVIDUAL_DOCUMENT") if text_of(d, "NUMBER")
        ),
        addresses=_addresses(element, "INDIVIDUAL_ADDRESS"),
        programmes=(text_of(element, "UN_LIST_TYPE"),) if text_of(element, "UN_LIST_TYPE") else (),
        topics=("sanction",),
        listed_on=parse_day(text_of(element, "LISTED_ON")),
        remarks=text_of(element, "COMMENTS1") or None,
        extra=_extra(element, (*unknown_nationalities,), (*unparsed_dates,), printed),
    )


def _entity(path: Path, element: ET.Element, source: str) -> Party:
    reference = _reference(path, element)
    names, printed = _names(path, element, "ENTITY_ALIAS", person=False)
    return Party(
        id=f"{source}:{reference}",
        schema=Schema.ORGANIZATION,
        names=names,
        source=source,
        source_id=reference,
        countries=_address_countries(element, "ENTITY_ADDRESS"),
        addresses=_addresses(element, "ENTITY_ADDRESS"),
        programmes=(text_of(element, "UN_LIST_TYPE"),) if text_of(element, "UN_LIST_TYPE") else (),
        topics=("sanction",),
        listed_on=parse_day(text_of(element, "LISTED_ON")),
        remarks=text_of(element, "COMMENTS1") or None,
        extra=_extra(element, (), (), printed),
    )


def _names(
    path: Path, element: ET.Element, alias_tag: str, *, person: bool
) -> tuple[tuple[Name, ...], list[str]]:
    """Every name of an entry, and the name cells that had to be split (kept as printed)."""
    parts = [
        text_of(element, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    ]
    present = [p for p in parts if p]
    split = (
        (present[0], " ".join(present[1:-1]) or None, present[-1])
        if person and len(present) > 1
        else None
    )
    cells = [(" ".join(present), NameQuality.PRIMARY, split)]
    cells.append((text_of(element, "NAME_ORIGINAL_SCRIPT"), NameQuality.PRIMARY, None))
    for alias in element.findall(alias_tag):
        quality = _QUALITY.get(text_of(alias, "QUALITY").lower(), NameQuality.STRONG_ALIAS)
        cells.append((text_of(alias, "ALIAS_NAME"), quality, None))
    names: list[Name] = []
    printed: list[str] = []
    for text, quality, name_parts in cells:
        found, as_printed = names_from_cell(text, quality, parts=name_parts)
        names.extend(found)
        printed.extend([as_printed] if as_printed else [])
    if not present or not names:
        raise ListFileError(path, f"entry {text_of(element, 'REFERENCE_NUMBER')} has no name")
    return unique_names(names), printed


def _birth_dates(
    element: ET.Element, aliases: list[ET.Element]
) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    dates: list[PartialDate] = []
    unparsed: list[str] = []
    for item in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        parsed, raw = _birth_date(item)
        if parsed is not None:
            dates.append(parsed)
        elif raw:
            unparsed.append(raw)
    for alias in aliases:
        parsed_alias = parse_partial_date(text_of(alias, "DATE_OF_BIRTH"))
        if parsed_alias is not None:
            dates.append(parsed_alias)
    return unique(dates), tuple(unparsed)


def _birth_date(item: ET.Element) -> tuple[PartialDate | None, str]:
    """One INDIVIDUAL_DATE_OF_BIRTH: EXACT / APPROXIMATELY / BETWEEN, else the NOTE text."""
    kind = text_of(item, "TYPE_OF_DATE").upper()
    note = text_of(item, "NOTE")
    circa = kind == "APPROXIMATELY" or note.lower() == "approximately"
    if kind == "BETWEEN":
        text = f"{text_of(item, 'FROM_YEAR')} to {text_of(item, 'TO_YEAR')}"
    else:
        text = text_of(item, "DATE") or text_of(item, "YEAR") or note
    parsed = parse_partial_date(f"circa {text}" if circa and text else text)
    return parsed, (note or text)


def _birth_places(element: ET.Element, aliases: list[ET.Element]) -> tuple[str, ...]:
    places: list[str] = []
    for item in element.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = [text_of(item, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
        places.append(", ".join(p for p in parts if p))
    for alias in aliases:
        parts = [text_of(alias, "CITY_OF_BIRTH"), text_of(alias, "COUNTRY_OF_BIRTH")]
        places.append(", ".join(p for p in parts if p))
    return unique(p for p in places if p)


def _addresses(element: ET.Element, tag: str) -> tuple[Address, ...]:
    out = []
    for item in element.findall(tag):
        street, city, region, postal, country = (
            text_of(item, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        )
        full = ", ".join(p for p in (street, city, region, postal, country) if p)
        if full:
            out.append(
                Address(
                    full,
                    street or None,
                    city or None,
                    region or None,
                    postal or None,
                    to_iso2(country),
                )
            )
    return unique(out)


def _address_countries(element: ET.Element, tag: str) -> tuple[str, ...]:
    return unique(c for c in (to_iso2(text_of(a, "COUNTRY")) for a in element.findall(tag)) if c)


def _countries(values: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes: list[str] = []
    unknown: list[str] = []
    for value in values:
        found, missed = split_countries(value)
        codes.extend(found)
        unknown.extend(missed)
    return unique(codes), tuple(unknown)


def _document(item: ET.Element) -> Identifier:
    """Passport or national ID by the document type; other documents keep their type as note."""
    kind_text = clean(text_of(item, "TYPE_OF_DOCUMENT")).lower()
    detail = clean(text_of(item, "TYPE_OF_DOCUMENT2"))
    country = to_iso2(text_of(item, "ISSUING_COUNTRY")) or to_iso2(
        text_of(item, "COUNTRY_OF_ISSUE")
    )
    if any(word in detail.lower() for word in _OTHER_DOCUMENTS):
        kind = IdentifierKind.OTHER
    elif "passport" in detail.lower() or any(
        w in kind_text for w in ("passport", "passeport", "pasaporte")
    ):
        kind = IdentifierKind.PASSPORT
    elif "identi" in kind_text:
        kind = IdentifierKind.NATIONAL_ID
    else:
        kind = IdentifierKind.OTHER
    note = clean(" ".join(p for p in (detail, text_of(item, "NOTE")) if p)) or None
    return Identifier(kind, text_of(item, "NUMBER"), country, note)


def _extra(
    element: ET.Element,
    unknown: tuple[str, ...],
    unparsed_dates: tuple[str, ...],
    printed_names: list[str],
) -> tuple[tuple[str, str], ...]:
    pairs = [("un_dataid", text_of(element, "DATAID"))]
    pairs += [("name_as_printed", v) for v in printed_names]
    pairs += [("title", v) for v in values_of(element, "TITLE")]
    pairs += [("position", v) for v in values_of(element, "DESIGNATION")]
    pairs += [("nationality_text", v) for v in unknown]
    pairs += [("birth_date_text", v) for v in unparsed_dates]
    return unique((k, v) for k, v in pairs if v)
