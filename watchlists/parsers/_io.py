"""Bounded, loud file reading shared by every parser.

Each reader enforces a size cap before it reads (and while it decompresses, so a gzip bomb
is stopped too), decodes with the list's declared encoding, and turns every low-level failure
(`UnicodeDecodeError`, `csv.Error`, a wrong column count) into a `ListFileError` that names the
file and line. Parsers never see a half-read file.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from watchlists.errors import ListFileError, ListFileTooLarge

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # largest real list today (OFAC sdn.csv) is ~5 MB
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps applied to every list file (after decompression)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_xml_depth: int = 32


DEFAULT_LIMITS = Limits()


def read_capped(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes (gunzipped if it ends in .gz), refusing anything over the cap."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ListFileTooLarge(path, size, limits.max_bytes)
        if path.suffix == ".gz":
            return _gunzip_capped(path, limits.max_bytes)
        return path.read_bytes()
    except OSError as exc:
        raise ListFileError(path, f"cannot read: {exc.strerror or exc}") from exc


def _gunzip_capped(path: Path, limit: int) -> bytes:
    out = io.BytesIO()
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                if out.tell() > limit:
                    raise ListFileTooLarge(path, out.tell(), limit)
    except (gzip.BadGzipFile, EOFError, ValueError) as exc:
        raise ListFileError(path, f"corrupt gzip data: {exc}") from exc
    return out.getvalue()


def decode(path: Path, data: bytes, encoding: str) -> str:
    """Text of a list file; a bad byte is reported with its line number."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListFileError(path, f"not valid {encoding}: {exc.reason}", line=line) from exc
    return text.removeprefix("\ufeff")


def require_content(path: Path, text: str) -> None:
    """An empty list file is a failed download, never an empty list."""
    if not text.strip():
        raise ListFileError(path, "file is empty")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ListFileError(path, "contains a NUL byte (binary or truncated file)", line=line)


@dataclass(frozen=True, slots=True)
class CsvShape:
    """How a CSV file is laid out: its delimiter and exactly how many columns a row has."""

    columns: int
    delimiter: str = ","


def csv_rows(
    path: Path, text: str, shape: CsvShape, *, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row; a row of the wrong width is an error.

    `first_line` is the file line `text` starts at, when the caller consumed lines before.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=shape.delimiter, strict=True)
    offset = first_line - 1
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != shape.columns:
                raise ListFileError(
                    path,
                    f"expected {shape.columns} columns, found {len(row)} "
                    "(truncated or shifted row)",
                    line=reader.line_num + offset,
                )
            yield reader.line_num + offset, row
    except csv.Error as exc:
        raise ListFileError(path, f"malformed CSV: {exc}", line=reader.line_num + offset) from exc


def require_header(path: Path, found: list[str], expected: tuple[str, ...]) -> None:
    """The header must be exactly the documented one: a renamed column is a format change."""
    cleaned = [cell.strip() for cell in found]
    if tuple(cleaned) != expected:
        missing = [c for c in expected if c not in cleaned]
        extra = [c for c in cleaned if c not in expected]
        raise ListFileError(
            path, f"unexpected header (missing {missing}, unexpected {extra})", line=1
        )


def json_lines(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line of a JSON-lines file."""
    text = decode(path, read_capped(path, limits), "utf-8")
    require_content(path, text)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise ListFileError(path, f"not JSON: {exc}", line=number) from exc
        if not isinstance(value, dict):
            raise ListFileError(path, "a line must hold a JSON object", line=number)
        yield number, value
