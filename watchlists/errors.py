"""Errors raised while loading lists: every one names the file (and line) at fault.

A list that cannot be read completely must fail the whole load: a screening service that
silently serves half a sanctions list is worse than one that keeps serving yesterday's.
These are domain errors (`services.common.errors`), so the gRPC interceptor and the Celery
base task already know how to report them.
"""

from __future__ import annotations

from pathlib import Path

from services.common.errors import FieldViolation, InvalidArgument, ResourceExhausted


class ListFileError(InvalidArgument):
    """A list file is malformed: bad encoding, truncated row, unexpected column, hostile XML."""

    reason = "LIST_FILE_INVALID"

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}", [FieldViolation(where, problem)])
        self.path = str(path)
        self.line = line
        self.problem = problem


class ListFileTooLarge(ResourceExhausted):
    """A list file exceeds the configured size cap (a runaway download or a decompression bomb)."""

    reason = "LIST_FILE_TOO_LARGE"

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"{path}: {size} bytes exceeds the {limit}-byte cap for list files")
        self.path = str(path)
        self.size = size
        self.limit = limit


class CatalogError(InvalidArgument):
    """The catalog of sources is inconsistent (unknown format, missing file, duplicate id)."""

    reason = "LIST_CATALOG_INVALID"

    def __init__(self, problem: str, *, source: str | None = None) -> None:
        where = f"sources.{source}" if source else "catalog"
        super().__init__(f"{where}: {problem}", [FieldViolation(where, problem)])
        self.source = source
