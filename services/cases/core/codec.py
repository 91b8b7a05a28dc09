"""JSON-ready encoding of the core's frozen dataclasses (events, SAR content), and back.

One generic codec driven by the dataclasses' type hints, so adding a field to an event needs
no serialiser change. Supported field types: str, int, float, bool, Decimal (as a string, so no
precision is lost), date, datetime (ISO 8601, must be timezone-aware), StrEnum, Optional,
tuple[X, ...], tuple[A, B], frozenset[X] (encoded sorted, so the encoding is canonical),
Mapping[str, X] and nested dataclasses. Anything else is a programming error and fails loudly.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from services.common.errors import InvalidArgument

T = TypeVar("T")


def to_jsonable(value: object) -> object:
    """Encode a dataclass (or any supported value) into JSON-ready dicts, lists and scalars."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: use timezone-aware UTC values")
        return value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(to_jsonable(v) for v in value)  # type: ignore[type-var]  # str items
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    return value


def from_jsonable(cls: type[T], data: object) -> T:
    """Decode what `to_jsonable` produced for a dataclass `cls`; bad data -> InvalidArgument."""
    if not isinstance(data, dict):
        raise InvalidArgument(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for name, decode in _field_decoders(cls):  # type: ignore[arg-type]  # classes are hashable
        if name in data:
            kwargs[name] = decode(data[name], name)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise InvalidArgument(f"{cls.__name__}: {exc}") from exc


# Decoding is compiled once per type into a closure: looking the type hints up again for each
# of thousands of stored cases (a dashboard reads them all) cost ~0.8 ms per case.
Decoder = Callable[[object, str], object]


@cache
def _field_decoders(cls: type[Any]) -> tuple[tuple[str, Decoder], ...]:
    names = {f.name for f in fields(cls)}
    hints = typing.get_type_hints(cls)
    return tuple((k, _decoder(v)) for k, v in hints.items() if k in names)


@cache
def _decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _optional(_decoder(inner))
    if origin in (dict, Mapping):
        return _mapping(_decoder(typing.get_args(tp)[1]))
    if origin is tuple and typing.get_args(tp)[-1] is not Ellipsis:  # fixed shape: tuple[A, B]
        return _fixed_tuple(tuple(_decoder(a) for a in typing.get_args(tp)))
    if origin in (tuple, frozenset):
        return _sequence(_decoder(typing.get_args(tp)[0]), tuple if origin is tuple else frozenset)
    return _scalar(tp)


def _optional(inner: Decoder) -> Decoder:
    return lambda value, path: None if value is None else inner(value, path)


def _mapping(item: Decoder) -> Decoder:
    def decode(value: object, path: str) -> object:
        if not isinstance(value, dict):
            raise InvalidArgument(f"{path}: expected an object")
        return {str(k): item(v, f"{path}.{k}") for k, v in value.items()}

    return decode


def _fixed_tuple(items: tuple[Decoder, ...]) -> Decoder:
    def decode(value: object, path: str) -> object:
        if not isinstance(value, list):
            raise InvalidArgument(f"{path}: expected a list")
        if len(items) != len(value):
            raise InvalidArgument(f"{path}: expected {len(items)} items")
        return tuple(d(v, f"{path}[]") for d, v in zip(items, value, strict=True))

    return decode


def _sequence(item: Decoder, kind: type[tuple[Any, ...]] | type[frozenset[Any]]) -> Decoder:
    def decode(value: object, path: str) -> object:
        if not isinstance(value, list):
            raise InvalidArgument(f"{path}: expected a list")
        inner = f"{path}[]"
        return kind(item(v, inner) for v in value)

    return decode


def _scalar(tp: Any) -> Decoder:
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return lambda value, path: tp(str(value))
    if tp in (str, int, bool):
        return lambda value, path: (
            value if isinstance(value, tp) else _decode_scalar(tp, value, path)
        )
    if isinstance(tp, type) and is_dataclass(tp):
        return lambda value, path: from_jsonable(tp, value)
    return lambda value, path: _decode_scalar(tp, value, path)


def _decode_scalar(tp: Any, value: object, path: str) -> object:
    if tp is datetime:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidArgument(f"{path}: {exc}") from exc
        if parsed.tzinfo is None:
            raise InvalidArgument(f"{path}: datetime without a time zone")
        return parsed
    if tp is date:
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidArgument(f"{path}: {exc}") from exc
    if tp is Decimal:
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise InvalidArgument(f"{path}: {value!r} is not a number") from exc
    if tp is float and isinstance(value, int | float):
        return float(value)
    if tp in (str, int, bool) and isinstance(value, tp):
        return value
    raise InvalidArgument(f"{path}: expected {getattr(tp, '__name__', tp)}, got {value!r}")


def encode_typed(value: object) -> dict[str, object]:
    """A dataclass as a JSON-ready dict tagged with its class name under "type"."""
    body = to_jsonable(value)
    if not isinstance(body, dict):
        raise TypeError(f"{type(value).__name__} is not a dataclass")
    return {"type": type(value).__name__, **body}


def decode_typed(registry: Mapping[str, type[T]], data: Mapping[str, object]) -> T:
    """Inverse of `encode_typed` over the classes of `registry` (name -> class)."""
    cls = registry.get(str(data.get("type")))
    if cls is None:
        raise InvalidArgument(f"unknown record type {data.get('type')!r}")
    return from_jsonable(cls, {k: v for k, v in data.items() if k != "type"})
