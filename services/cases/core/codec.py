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
from collections.abc import Mapping
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
    hints = _hints(cls)  # type: ignore[arg-type]  # classes are hashable; mypy cannot see it through T
    kwargs: dict[str, Any] = {}
    for name, tp in hints.items():
        if name in data:
            kwargs[name] = _decode(tp, data[name], name)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise InvalidArgument(f"{cls.__name__}: {exc}") from exc


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in typing.get_type_hints(cls).items() if k in names}


def _decode(tp: Any, value: object, path: str) -> object:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner, value, path)
    if origin in (dict, Mapping):
        if not isinstance(value, dict):
            raise InvalidArgument(f"{path}: expected an object")
        item_type = typing.get_args(tp)[1]
        return {str(k): _decode(item_type, v, f"{path}.{k}") for k, v in value.items()}
    if origin in (tuple, frozenset):
        if not isinstance(value, list):
            raise InvalidArgument(f"{path}: expected a list")
        args = typing.get_args(tp)
        if origin is tuple and args[-1] is not Ellipsis:  # fixed shape: tuple[A, B]
            if len(args) != len(value):
                raise InvalidArgument(f"{path}: expected {len(args)} items")
            return tuple(_decode(a, v, f"{path}[]") for a, v in zip(args, value, strict=True))
        items = (_decode(args[0], v, f"{path}[]") for v in value)
        return tuple(items) if origin is tuple else frozenset(items)
    return _decode_scalar(tp, value, path)


def _decode_scalar(tp: Any, value: object, path: str) -> object:
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return tp(str(value))
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
    if isinstance(tp, type) and is_dataclass(tp):
        return from_jsonable(tp, value)
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
