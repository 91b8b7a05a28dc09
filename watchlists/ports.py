"""What the watchlists handlers need besides files: a log of the versions that went live.

The store (files) is the source of truth for a version's content; the log, kept in the
database, is the audit trail of *when* each version was made current and by which run, so
compliance can answer "which lists were we screening against on 3 March?".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from watchlists.store import VersionInfo


@dataclass(frozen=True, slots=True)
class SourceSummary:
    id: str
    party_count: int
    as_of: str | None  # ISO date
    sha256: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One version as the database remembers it."""

    version: str
    created_at: datetime
    party_count: int
    sources: tuple[SourceSummary, ...]
    first_activated_at: datetime
    last_activated_at: datetime


class VersionLog(Protocol):
    def record_activation(self, info: VersionInfo, at: datetime) -> None:
        """Remember that `info` went live at `at` (idempotent per version)."""

    def history(self, limit: int = 50) -> list[VersionRecord]:
        """Versions, most recently activated first."""


def summarise(info: VersionInfo) -> tuple[SourceSummary, ...]:
    return tuple(
        SourceSummary(
            s.id,
            s.party_count,
            s.as_of.isoformat() if s.as_of else None,
            tuple(f.sha256 for f in s.files),
        )
        for s in info.sources
    )


class InMemoryVersionLog:
    """The fake used by tests and by pure tools."""

    def __init__(self) -> None:
        self._records: dict[str, VersionRecord] = {}

    def record_activation(self, info: VersionInfo, at: datetime) -> None:
        known = self._records.get(info.version)
        first = known.first_activated_at if known else at
        self._records[info.version] = VersionRecord(
            info.version, info.created_at, info.party_count, summarise(info), first, at
        )

    def history(self, limit: int = 50) -> list[VersionRecord]:
        ordered = sorted(self._records.values(), key=lambda r: r.last_activated_at, reverse=True)
        return ordered[:limit]
