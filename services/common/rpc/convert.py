"""Conversions between warden.common.v1 messages and domain types, shared by every servicer.

Inbound conversions validate: every problem becomes a FieldViolation with a dotted path
("party.names[1].full"), all reported together in one INVALID_ARGUMENT, so a client fixes its
request in one round trip. Limits here are structural (counts, lengths, ranges); text
normalisation (Unicode tricks in names) belongs to the screening core.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from google.protobuf import any_pb2, timestamp_pb2
from warden.common.v1 import operation_pb2, party_pb2, types_pb2

from services.common.errors import FieldViolation, InvalidArgument
from services.common.operations import Operation, OperationState
from services.common.rpc.errors import code_number
from watchlists import model

_E = TypeVar("_E", bound=StrEnum)

MAX_NAMES = 50
MAX_NAME_CHARS = 1_000
MAX_ITEMS = 50
MAX_TEXT_CHARS = 1_000

_STATE = {
    OperationState.PENDING: operation_pb2.OPERATION_STATE_PENDING,
    OperationState.RUNNING: operation_pb2.OPERATION_STATE_RUNNING,
    OperationState.SUCCEEDED: operation_pb2.OPERATION_STATE_SUCCEEDED,
    OperationState.FAILED: operation_pb2.OPERATION_STATE_FAILED,
}
_KIND = {
    party_pb2.PARTY_KIND_UNSPECIFIED: model.Schema.UNKNOWN,
    party_pb2.PARTY_KIND_PERSON: model.Schema.PERSON,
    party_pb2.PARTY_KIND_ORGANIZATION: model.Schema.ORGANIZATION,
    party_pb2.PARTY_KIND_VESSEL: model.Schema.VESSEL,
    party_pb2.PARTY_KIND_AIRCRAFT: model.Schema.AIRCRAFT,
}
_QUALITY = {
    party_pb2.NAME_QUALITY_UNSPECIFIED: model.NameQuality.PRIMARY,
    party_pb2.NAME_QUALITY_PRIMARY: model.NameQuality.PRIMARY,
    party_pb2.NAME_QUALITY_STRONG_ALIAS: model.NameQuality.STRONG_ALIAS,
    party_pb2.NAME_QUALITY_WEAK_ALIAS: model.NameQuality.WEAK_ALIAS,
}
_GENDER = {
    party_pb2.GENDER_UNSPECIFIED: model.Gender.UNKNOWN,
    party_pb2.GENDER_MALE: model.Gender.MALE,
    party_pb2.GENDER_FEMALE: model.Gender.FEMALE,
    party_pb2.GENDER_OTHER: model.Gender.OTHER,
}
_ID_KIND = {
    party_pb2.IDENTIFIER_KIND_UNSPECIFIED: model.IdentifierKind.OTHER,
    party_pb2.IDENTIFIER_KIND_PASSPORT: model.IdentifierKind.PASSPORT,
    party_pb2.IDENTIFIER_KIND_NATIONAL_ID: model.IdentifierKind.NATIONAL_ID,
    party_pb2.IDENTIFIER_KIND_TAX_ID: model.IdentifierKind.TAX_ID,
    party_pb2.IDENTIFIER_KIND_IMO: model.IdentifierKind.IMO,
    party_pb2.IDENTIFIER_KIND_MMSI: model.IdentifierKind.MMSI,
    party_pb2.IDENTIFIER_KIND_BIC: model.IdentifierKind.BIC,
    party_pb2.IDENTIFIER_KIND_LEI: model.IdentifierKind.LEI,
    party_pb2.IDENTIFIER_KIND_REGISTRATION: model.IdentifierKind.REGISTRATION,
    party_pb2.IDENTIFIER_KIND_AIRCRAFT_REGISTRATION: model.IdentifierKind.AIRCRAFT_REGISTRATION,
    party_pb2.IDENTIFIER_KIND_OTHER: model.IdentifierKind.OTHER,
}


def _to_proto(mapping: Mapping[Any, _E]) -> dict[_E, Any]:
    """Inverse of a proto->domain table; `_UNSPECIFIED` (0) is what a missing key falls back to."""
    return {value: number for number, value in mapping.items() if number}


KIND_TO_PROTO = _to_proto(_KIND)
QUALITY_TO_PROTO = _to_proto(_QUALITY)
GENDER_TO_PROTO = _to_proto(_GENDER)
ID_KIND_TO_PROTO = _to_proto(_ID_KIND)


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def operation_to_proto(operation: Operation) -> operation_pb2.Operation:
    message = operation_pb2.Operation(
        id=operation.id,
        kind=operation.kind,
        state=_STATE[operation.state],
        request_id=operation.request_id,
        create_time=timestamp(operation.created_at),
        update_time=timestamp(operation.updated_at),
        progress_percent=operation.progress_percent,
        progress_message=operation.progress_message,
    )
    if operation.result is not None and operation.result_type:
        message.result.CopyFrom(
            any_pb2.Any(
                type_url=f"type.googleapis.com/{operation.result_type}", value=operation.result
            )
        )
    if operation.failure is not None:
        message.error.CopyFrom(
            operation_pb2.OperationError(
                code=code_number(operation.failure.code),
                message=operation.failure.message,
                reasons=[types_pb2.Reason(code=c, message=m) for c, m in operation.failure.reasons],
            )
        )
    return message


# ---------------------------------------------------------------------------------------------
class _Collector:
    """Gathers field violations while converting, so all are reported at once."""

    def __init__(self) -> None:
        self.violations: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.violations.append(FieldViolation(field, description))

    def text(
        self,
        field: str,
        value: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT_CHARS,
        single_line: bool = False,
    ) -> str | None:
        if required and not value.strip():
            self.add(field, "is required")
            return None
        if len(value) > limit:
            self.add(field, f"is longer than {limit} characters")
            return None
        allowed = "" if single_line else "\t\n\r"
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
            # NUL and other control characters are never part of a name or an address, and
            # PostgreSQL text columns cannot even hold NUL. (Invisible formatting characters,
            # category Cf, are left to the screening core: ZWNJ is part of Persian names.)
            self.add(field, "contains control characters")
            return None
        return value or None

    def count(self, field: str, items: object, limit: int = MAX_ITEMS) -> bool:
        if len(items) > limit:  # type: ignore[arg-type]
            self.add(field, f"has more than {limit} entries")
            return False
        return True

    def country(self, field: str, value: str) -> str | None:
        code = value.strip().upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            self.add(field, "must be an ISO 3166-1 alpha-2 code such as 'DE'")
            return None
        return code


def party_from_proto(message: party_pb2.Party, field: str = "party") -> model.Party:
    """A validated domain Party, or InvalidArgument listing every bad field."""
    c = _Collector()
    reference = c.text(f"{field}.reference", message.reference, limit=128) or "query"
    names = _names(c, field, message.names)
    dates = _dates(c, field, message.birth_dates)
    nationalities = _countries(c, f"{field}.nationalities", message.nationalities)
    countries = _countries(c, f"{field}.countries", message.countries)
    identifiers = _identifiers(c, field, message.identifiers)
    addresses = _addresses(c, field, message.addresses)
    places = tuple(
        t
        for i, p in enumerate(message.birth_places)
        if (t := c.text(f"{field}.birth_places[{i}]", p))
    )
    if message.kind not in _KIND:
        c.add(f"{field}.kind", f"unknown party kind {message.kind}")
    if message.gender not in _GENDER:
        c.add(f"{field}.gender", f"unknown gender {message.gender}")
    if c.violations:
        raise InvalidArgument("invalid party", c.violations)
    return model.Party(
        id=reference,
        schema=_KIND[message.kind],
        names=names,
        gender=_GENDER[message.gender],
        birth_dates=dates,
        birth_places=places,
        nationalities=nationalities,
        countries=countries,
        identifiers=identifiers,
        addresses=addresses,
    )


def _names(c: _Collector, field: str, names: object) -> tuple[model.Name, ...]:
    items = list(names)  # type: ignore[call-overload]
    if not items:
        c.add(f"{field}.names", "at least one name is required")
    if not c.count(f"{field}.names", items, MAX_NAMES):
        return ()
    out = []
    for i, n in enumerate(items):
        path = f"{field}.names[{i}]"
        full = c.text(f"{path}.full", n.full, required=True, limit=MAX_NAME_CHARS, single_line=True)
        if n.quality not in _QUALITY:
            c.add(f"{path}.quality", f"unknown name quality {n.quality}")
            continue
        if full:
            out.append(
                model.Name(
                    full=full,
                    quality=_QUALITY[n.quality],
                    given=c.text(f"{path}.given", n.given, single_line=True),
                    middle=c.text(f"{path}.middle", n.middle, single_line=True),
                    family=c.text(f"{path}.family", n.family, single_line=True),
                    script=c.text(f"{path}.script", n.script, limit=4),
                )
            )
    return tuple(out)


def _dates(c: _Collector, field: str, dates: object) -> tuple[model.PartialDate, ...]:
    items = list(dates)  # type: ignore[call-overload]
    if not c.count(f"{field}.birth_dates", items):
        return ()
    out = []
    for i, d in enumerate(items):
        try:
            out.append(
                model.PartialDate(
                    d.year, d.month or None, d.day or None, d.year_to or None, d.circa
                )
            )
        except ValueError as exc:
            c.add(f"{field}.birth_dates[{i}]", str(exc))
    return tuple(out)


def _countries(c: _Collector, field: str, values: object) -> tuple[str, ...]:
    items = list(values)  # type: ignore[call-overload]
    if not c.count(field, items):
        return ()
    return tuple(code for i, v in enumerate(items) if (code := c.country(f"{field}[{i}]", v)))


def _identifiers(c: _Collector, field: str, values: object) -> tuple[model.Identifier, ...]:
    items = list(values)  # type: ignore[call-overload]
    if not c.count(f"{field}.identifiers", items):
        return ()
    out = []
    for i, ident in enumerate(items):
        path = f"{field}.identifiers[{i}]"
        value = c.text(f"{path}.value", ident.value, required=True, limit=128)
        country = c.country(f"{path}.country", ident.country) if ident.country else None
        if ident.kind not in _ID_KIND:
            c.add(f"{path}.kind", f"unknown identifier kind {ident.kind}")
        elif value:
            out.append(model.Identifier(_ID_KIND[ident.kind], value, country, ident.note or None))
    return tuple(out)


def _addresses(c: _Collector, field: str, values: object) -> tuple[model.Address, ...]:
    items = list(values)  # type: ignore[call-overload]
    if not c.count(f"{field}.addresses", items):
        return ()
    out = []
    for i, a in enumerate(items):
        path = f"{field}.addresses[{i}]"
        parts = [a.street, a.city, a.region, a.postal_code]
        full = a.full or ", ".join(p for p in parts if p)
        if c.text(f"{path}.full", full, required=True):
            country = c.country(f"{path}.country", a.country) if a.country else None
            out.append(
                model.Address(
                    full=full,
                    street=a.street or None,
                    city=a.city or None,
                    region=a.region or None,
                    postal_code=a.postal_code or None,
                    country=country,
                )
            )
    return tuple(out)


def party_to_proto(party: model.Party) -> party_pb2.Party:
    """Domain Party -> wire (used to show list entries and echo applicants)."""
    return party_pb2.Party(
        reference=party.id,
        kind=KIND_TO_PROTO.get(party.schema, 0),
        names=[
            party_pb2.Name(
                full=n.full,
                quality=QUALITY_TO_PROTO.get(n.quality, 0),
                given=n.given or "",
                middle=n.middle or "",
                family=n.family or "",
                script=n.script or "",
            )
            for n in party.names
        ],
        birth_dates=[
            party_pb2.PartialDate(
                year=d.year,
                month=d.month or 0,
                day=d.day or 0,
                year_to=d.year_to or 0,
                circa=d.circa,
            )
            for d in party.birth_dates
        ],
        nationalities=list(party.nationalities),
        countries=list(party.countries),
        identifiers=[
            party_pb2.Identifier(
                kind=ID_KIND_TO_PROTO.get(i.kind, 0),
                value=i.value,
                country=i.country or "",
                note=i.note or "",
            )
            for i in party.identifiers
        ],
        addresses=[
            party_pb2.Address(
                full=a.full,
                street=a.street or "",
                city=a.city or "",
                region=a.region or "",
                postal_code=a.postal_code or "",
                country=a.country or "",
            )
            for a in party.addresses
        ],
        gender=GENDER_TO_PROTO.get(party.gender, 0),
        birth_places=list(party.birth_places),
    )
