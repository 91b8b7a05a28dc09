"""Senzing JSON lines (Senzing's generic entity specification; OpenSanctions publishes its
datasets, including PEP lists, in this form).

One record per line: `DATA_SOURCE`, `RECORD_ID`, `RECORD_TYPE` (PERSON / ORGANIZATION),
and lists of feature objects: `NAMES` (NAME_FULL or NAME_FIRST/MIDDLE/LAST or NAME_ORG, with
NAME_TYPE PRIMARY / ALIAS), `DATES` (DATE_OF_BIRTH), `COUNTRIES` (NATIONALITY, CITIZENSHIP,
REGISTRATION_COUNTRY, COUNTRY_OF_ASSOCIATION), `ADDRESSES`, `IDENTIFIERS` (PASSPORT_NUMBER,
NATIONAL_ID_NUMBER, TAX_ID_NUMBER, LEI_NUMBER, ... each with its _COUNTRY), `RISKS`
(TOPIC: "role.pep", "sanction", ...), `GENDER`, `URL`.
Records without a RECORD_TYPE and without RISKS are relationship anchors (the "United
States senator" position every senator points to): they are counted and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchlists.countries import countries_in, to_iso2
from watchlists.dates import parse_partial_date
from watchlists.errors import ListFileError
from watchlists.model import (
    Address,
    Gender,
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    Party,
    Schema,
)
from watchlists.parsers._build import make_name, unique, unique_names
from watchlists.parsers._io import DEFAULT_LIMITS, Limits, json_lines

logger = logging.getLogger(__name__)

_SCHEMAS = {"PERSON": Schema.PERSON, "ORGANIZATION": Schema.ORGANIZATION, None: Schema.UNKNOWN}
_IDENTIFIERS = (
    ("PASSPORT_NUMBER", "PASSPORT_COUNTRY", IdentifierKind.PASSPORT),
    ("NATIONAL_ID_NUMBER", "NATIONAL_ID_COUNTRY", IdentifierKind.NATIONAL_ID),
    ("TAX_ID_NUMBER", "TAX_ID_COUNTRY", IdentifierKind.TAX_ID),
    ("LEI_NUMBER", None, IdentifierKind.LEI),
    ("DUNS_NUMBER", None, IdentifierKind.REGISTRATION),
)
_COUNTRY_KEYS = ("REGISTRATION_COUNTRY", "COUNTRY_OF_ASSOCIATION", "ADDR_COUNTRY")
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SenzingOptions:
    source: str = "senzing"
    limits: Limits = DEFAULT_LIMITS
    default_topics: tuple[str, ...] = ()


def parse_senzing_json(path: Path, options: SenzingOptions | None = None) -> Iterator[Party]:
    """Every person or organisation record of a Senzing JSON-lines file."""
    opts = options or SenzingOptions()
    anchors = 0
    for line, record in json_lines(path, opts.limits):
        record_type = record.get("RECORD_TYPE")
        if record_type not in _SCHEMAS:
            raise ListFileError(path, f"unknown RECORD_TYPE {record_type!r}", line=line)
        if record_type is None and not record.get("RISKS"):
            anchors += 1
            continue
        yield _party(path, line, record, opts)
    logger.info("senzing: %d relationship anchors skipped in %s", anchors, path.name)


def _features(path: Path, line: int, record: Record, key: str) -> list[dict[str, str]]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ListFileError(path, f"{key} must be a list of objects", line=line)
    return [{str(k): str(v).strip() for k, v in item.items() if v is not None} for item in value]


def _party(path: Path, line: int, record: Record, opts: SenzingOptions) -> Party:
    record_id = str(record.get("RECORD_ID") or "").strip()
    if not record_id:
        raise ListFileError(path, "record without RECORD_ID", line=line)
    names = _names(_features(path, line, record, "NAMES"))
    if not names:
        raise ListFileError(path, f"record {record_id!r} has no name", line=line)
    countries = _features(path, line, record, "COUNTRIES")
    addresses = _features(path, line, record, "ADDRESSES")
    nationalities, _ = countries_in(
        [v for c in countries for k, v in c.items() if k in ("NATIONALITY", "CITIZENSHIP")]
    )
    others, _ = countries_in(
        [v for c in (*countries, *addresses) for k, v in c.items() if k in _COUNTRY_KEYS]
    )
    topics = [r.get("TOPIC", "") for r in _features(path, line, record, "RISKS")]
    return Party(
        id=f"{opts.source}:{record_id}",
        schema=_SCHEMAS[record.get("RECORD_TYPE")],
        names=names,
        source=opts.source,
        source_id=record_id,
        gender=_gender(str(record.get("GENDER") or "")),
        birth_dates=unique(
            d
            for f in _features(path, line, record, "DATES")
            if (d := parse_partial_date(f.get("DATE_OF_BIRTH", "")))
        ),
        nationalities=nationalities,
        countries=others,
        identifiers=_identifiers(_features(path, line, record, "IDENTIFIERS")),
        addresses=tuple(a for a in map(_address, addresses) if a is not None),
        topics=unique(t for t in topics if t) or opts.default_topics,
        url=str(record["URL"]) if record.get("URL") else None,
        extra=(("last_change", str(record["LAST_CHANGE"])),) if record.get("LAST_CHANGE") else (),
    )


def _names(features: list[dict[str, str]]) -> tuple[Name, ...]:
    out: list[Name | None] = []
    for feature in features:
        quality = (
            NameQuality.PRIMARY
            if feature.get("NAME_TYPE", "PRIMARY") == "PRIMARY"
            else NameQuality.STRONG_ALIAS
        )
        parts = (feature.get("NAME_FIRST"), feature.get("NAME_MIDDLE"), feature.get("NAME_LAST"))
        full = (
            feature.get("NAME_FULL") or feature.get("NAME_ORG") or " ".join(p for p in parts if p)
        )
        out.append(make_name(full, quality, parts=parts if any(parts) else None))
    return unique_names(out)


def _gender(value: str) -> Gender:
    return {"M": Gender.MALE, "MALE": Gender.MALE, "F": Gender.FEMALE, "FEMALE": Gender.FEMALE}.get(
        value.upper(), Gender.UNKNOWN
    )


def _identifiers(features: list[dict[str, str]]) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for feature in features:
        for number_key, country_key, kind in _IDENTIFIERS:
            if feature.get(number_key):
                country = to_iso2(feature.get(country_key, "")) if country_key else None
                out.append(Identifier(kind, feature[number_key], country))
        if feature.get("OTHER_ID_NUMBER") or feature.get("TRUSTED_ID_NUMBER"):
            number = feature.get("OTHER_ID_NUMBER") or feature["TRUSTED_ID_NUMBER"]
            note = feature.get("OTHER_ID_TYPE") or feature.get("TRUSTED_ID_TYPE")
            out.append(Identifier(IdentifierKind.OTHER, number, None, note))
    return unique(out)


def _address(feature: dict[str, str]) -> Address | None:
    full = feature.get("ADDR_FULL") or ", ".join(
        feature[k]
        for k in ("ADDR_LINE1", "ADDR_CITY", "ADDR_STATE", "ADDR_POSTAL_CODE", "ADDR_COUNTRY")
        if feature.get(k)
    )
    if not full:
        return None
    return Address(
        full,
        feature.get("ADDR_LINE1"),
        feature.get("ADDR_CITY"),
        feature.get("ADDR_STATE"),
        feature.get("ADDR_POSTAL_CODE"),
        to_iso2(feature.get("ADDR_COUNTRY", "")),
    )
