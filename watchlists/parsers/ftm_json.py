"""FollowTheMoney entities as JSON lines (the OpenSanctions / Aleph export format).

Each line is `{"id": ..., "schema": ..., "properties": {prop: [values...]}}`. Thing schemas
that can be screened (Person, Organization, Company, LegalEntity, PublicBody, Vessel,
Airplane) become parties. `Sanction` entities point at a target through their `entity`
property and contribute its programmes, listing date and the "sanction" topic. Every other
schema (Address, Identification, Ownership, Occupancy, Position, ...) describes relations,
not screenable parties: such lines are counted and skipped, never an error. An entity
without a name, or a line that is not an FtM object, fails the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from watchlists.countries import countries_in
from watchlists.dates import parse_day, parse_partial_date
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
from watchlists.parsers._build import identifier_from_text, make_name, unique, unique_names
from watchlists.parsers._io import DEFAULT_LIMITS, Limits, json_lines

logger = logging.getLogger(__name__)

SCHEMAS = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "LegalEntity": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
}
_IDENTIFIERS = (
    ("passportNumber", IdentifierKind.PASSPORT),
    ("idNumber", IdentifierKind.NATIONAL_ID),
    ("taxNumber", IdentifierKind.TAX_ID),
    ("innCode", IdentifierKind.TAX_ID),
    ("vatCode", IdentifierKind.TAX_ID),
    ("registrationNumber", IdentifierKind.REGISTRATION),
    ("ogrnCode", IdentifierKind.REGISTRATION),
    ("leiCode", IdentifierKind.LEI),
    ("swiftBic", IdentifierKind.BIC),
    ("imoNumber", IdentifierKind.IMO),
    ("mmsi", IdentifierKind.MMSI),
)
Props = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class FtmOptions:
    source: str = "ftm"
    limits: Limits = DEFAULT_LIMITS
    default_topics: tuple[str, ...] = ()


@dataclass(slots=True)
class _Sanctions:
    programmes: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)


def parse_ftm_json(path: Path, options: FtmOptions | None = None) -> Iterator[Party]:
    """Every screenable entity of an FtM JSON-lines file, sanctions folded in."""
    opts = options or FtmOptions()
    things: list[tuple[int, dict[str, Any]]] = []
    sanctions: dict[str, _Sanctions] = {}
    skipped = 0
    for line, entity in json_lines(path, opts.limits):
        schema = entity.get("schema")
        if not isinstance(schema, str) or not entity.get("id"):
            raise ListFileError(path, "an FtM entity needs an id and a schema", line=line)
        if schema in SCHEMAS:
            things.append((line, entity))
        elif schema == "Sanction":
            _add_sanction(_props(path, line, entity), sanctions)
        else:
            skipped += 1
    logger.info("ftm: %d relation entities skipped in %s", skipped, path.name)
    for line, entity in things:
        yield _party(path, line, entity, sanctions.get(str(entity["id"])), opts)


def _props(path: Path, line: int, entity: dict[str, Any]) -> Props:
    raw = entity.get("properties") or {}
    if not isinstance(raw, dict):
        raise ListFileError(path, "`properties` must be an object", line=line)
    out: Props = {}
    for key, values in raw.items():
        if not isinstance(values, list):
            raise ListFileError(path, f"property {key!r} must be a list", line=line)
        out[str(key)] = [
            str(v).strip() for v in values if isinstance(v, str | int) and str(v).strip()
        ]
    return out


def _add_sanction(props: Props, sanctions: dict[str, _Sanctions]) -> None:
    for target in props.get("entity", []):
        entry = sanctions.setdefault(target, _Sanctions())
        entry.programmes.extend(props.get("programId", []) or props.get("program", []))
        entry.dates.extend(d for d in map(parse_day, props.get("startDate", [])) if d)


def _party(
    path: Path, line: int, entity: dict[str, Any], sanction: _Sanctions | None, opts: FtmOptions
) -> Party:
    props = _props(path, line, entity)
    names = _names(props)
    if not names:
        raise ListFileError(path, f"entity {entity['id']!r} has no name", line=line)
    topics = list(props.get("topics", [])) or list(opts.default_topics)
    if sanction is not None:
        topics.append("sanction")
    nationalities, _ = countries_in([*props.get("nationality", []), *props.get("citizenship", [])])
    countries, _ = countries_in(
        [*props.get("country", []), *props.get("jurisdiction", []), *props.get("flag", [])]
    )
    return Party(
        id=f"{opts.source}:{entity['id']}",
        schema=SCHEMAS[str(entity["schema"])],
        names=names,
        source=opts.source,
        source_id=str(entity["id"]),
        gender=_gender(props.get("gender", [])),
        birth_dates=unique(d for d in map(parse_partial_date, props.get("birthDate", [])) if d),
        birth_places=tuple(props.get("birthPlace", [])),
        nationalities=nationalities,
        countries=countries,
        identifiers=_identifiers(entity["schema"], props),
        addresses=tuple(Address(a) for a in props.get("address", [])),
        programmes=unique(
            [*props.get("programId", []), *(sanction.programmes if sanction else [])]
        ),
        topics=unique(topics),
        listed_on=min(sanction.dates, default=None) if sanction else None,
        remarks="\n".join(props.get("notes", [])) or None,
        url=next(iter(props.get("sourceUrl", [])), None),
    )


def _names(props: Props) -> tuple[Name, ...]:
    full = [make_name(n) for n in props.get("name", [])]
    if not full and (props.get("firstName") or props.get("lastName")):
        parts = (
            props.get("firstName", [None])[0],
            props.get("middleName", [None])[0],
            props.get("lastName", [None])[0],
        )
        full = [make_name(" ".join(p for p in parts if p), parts=parts)]
    strong = [
        make_name(n, NameQuality.STRONG_ALIAS)
        for n in (*props.get("alias", []), *props.get("previousName", []))
    ]
    weak = [make_name(n, NameQuality.WEAK_ALIAS) for n in props.get("weakAlias", [])]
    return unique_names([*full, *strong, *weak])


def _gender(values: list[str]) -> Gender:
    found = {v.lower() for v in values}
    for gender in (Gender.MALE, Gender.FEMALE, Gender.OTHER):
        if found == {gender.value}:
            return gender
    return Gender.UNKNOWN


def _identifiers(schema: str, props: Props) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for prop, kind in _IDENTIFIERS:
        if prop == "registrationNumber" and schema == "Airplane":
            kind = IdentifierKind.AIRCRAFT_REGISTRATION
        out.extend(i for i in (identifier_from_text(kind, v) for v in props.get(prop, [])) if i)
    return unique(out)
