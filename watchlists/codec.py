"""Compact positional encoding of parties for snapshot files.

`party_to_dict` repeats every field name for each of ~30,000 parties and its inverse checks
every value generically; loading a whole snapshot that way takes seconds. Here a party is a
list in `Party` field order, nested values are lists in their dataclass field order, and
enums are decoded through dict lookups. The layout is versioned by the store's
FORMAT_VERSION: changing the field order here requires bumping it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

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

_SCHEMAS = {s.value: s for s in Schema}
_QUALITIES = {q.value: q for q in NameQuality}
_GENDERS = {g.value: g for g in Gender}
_KINDS = {k.value: k for k in IdentifierKind}


def encode_party(p: Party) -> list[Any]:
    return [
        p.id,
        p.schema.value,
        [
            [n.full, n.quality.value, n.given, n.middle, n.family, n.script, n.language]
            for n in p.names
        ],
        p.source,
        p.source_id,
        p.gender.value,
        [[d.year, d.month, d.day, d.year_to, d.circa] for d in p.birth_dates],
        list(p.birth_places),
        list(p.nationalities),
        list(p.countries),
        [[i.kind.value, i.value, i.country, i.note] for i in p.identifiers],
        [[a.full, a.street, a.city, a.region, a.postal_code, a.country] for a in p.addresses],
        list(p.programmes),
        list(p.topics),
        p.listed_on.isoformat() if p.listed_on else None,
        p.remarks,
        p.url,
        [list(pair) for pair in p.extra],
    ]


def decode_party(row: list[Any]) -> Party:
    """Inverse of `encode_party`; the model's own checks still run on every value."""
    (id_, schema, names, source, source_id, gender, dates, places, nationalities, countries,
     identifiers, addresses, programmes, topics, listed_on, remarks, url, extra) = row  # fmt: skip
    return Party(
        id=id_,
        schema=_SCHEMAS[schema],
        names=tuple(Name(n[0], _QUALITIES[n[1]], *n[2:]) for n in names),
        source=source,
        source_id=source_id,
        gender=_GENDERS[gender],
        birth_dates=tuple(PartialDate(*d) for d in dates),
        birth_places=tuple(places),
        nationalities=tuple(nationalities),
        countries=tuple(countries),
        identifiers=tuple(Identifier(_KINDS[i[0]], *i[1:]) for i in identifiers),
        addresses=tuple(Address(*a) for a in addresses),
        programmes=tuple(programmes),
        topics=tuple(topics),
        listed_on=date.fromisoformat(listed_on) if listed_on else None,
        remarks=remarks,
        url=url,
        extra=tuple((k, v) for k, v in extra),
    )


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of objects.

    Unpacking and decoding a snapshot allocates ~1 million objects, none of them garbage;
    each allocation burst triggers generation scans over everything built so far, which
    tripled load time. Reference counting still frees memory; the collector resumes (and
    runs once) at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
