"""Snapshots: one immutable, versioned set of list entries, and deltas between two of them.

A `Snapshot` is built from a catalog by parsing every active source. Its `version` is
derived from what went in (each source's id, format and file hashes, plus the parsers'
version), so the same files always give the same version and any change gives a new one.
Snapshots are never modified: a list update builds a new one beside the live one (see
`watchlists.registry`), and `diff` tells what changed between any two versions, by each
party's `content_hash()`. Re-screening of stored customers runs on that delta only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import orjson

from watchlists.catalog import Catalog, SourceSpec
from watchlists.codec import bulk_allocation
from watchlists.errors import CatalogError, ListFileError
from watchlists.formats import FORMATS, PARSERS_VERSION
from watchlists.model import Party

_HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What one source contributed to a snapshot."""

    id: str
    title: str
    format: str
    files: tuple[FileInfo, ...]
    as_of: date | None
    party_count: int

    @property
    def content_key(self) -> str:
        """Identity of the input: same id, format and file contents -> same key."""
        hashes = ",".join(f.sha256 for f in self.files)
        return f"{self.id}|{self.format}|{hashes}"


@dataclass(frozen=True)
class Snapshot:
    """An immutable version of every loaded list. Safe to share between threads."""

    version: str
    created_at: datetime
    sources: tuple[SourceInfo, ...]
    parties: tuple[Party, ...]
    # Content hashes known in advance (a stored snapshot carries them): party order.
    known_hashes: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    _by_id: Mapping[str, Party] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Party] = {}
        for party in self.parties:
            if party.id in by_id:
                raise CatalogError(
                    f"party id {party.id!r} occurs twice in one snapshot", source=party.source
                )
            by_id[party.id] = party
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        if self.known_hashes is not None and len(self.known_hashes) != len(self.parties):
            raise ValueError("known_hashes must hold one hash per party")

    def get(self, party_id: str) -> Party | None:
        return self._by_id.get(party_id)

    def __len__(self) -> int:
        return len(self.parties)

    @cached_property
    def content_hashes(self) -> Mapping[str, str]:
        """party id -> `Party.content_hash()`, computed once per snapshot (deltas compare these).

        Hashing ~30,000 parties takes seconds; a snapshot loaded from the store brings the
        hashes computed when it was saved, so a serving process swapping versions does not
        pay for them.
        """
        hashes = self.known_hashes or tuple(p.content_hash() for p in self.parties)
        return MappingProxyType(dict(zip((p.id for p in self.parties), hashes, strict=True)))

    def source(self, source_id: str) -> SourceInfo | None:
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(frozen=True, slots=True)
class Delta:
    """What changed from one snapshot to another, each part sorted by party id."""

    old_version: str | None
    new_version: str
    added: tuple[Party, ...]
    changed: tuple[tuple[Party, Party], ...]
    removed: tuple[Party, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        return f"+{len(self.added)} ~{len(self.changed)} -{len(self.removed)}"


def version_of(sources: tuple[SourceInfo, ...]) -> str:
    """Snapshot version id: a hash of the sources' content keys and the parsers' version."""
    keys = sorted(s.content_key for s in sources)
    digest = hashlib.sha256("\n".join([f"parsers={PARSERS_VERSION}", *keys]).encode())
    return digest.hexdigest()[:16]


def build_snapshot(catalog: Catalog, *, clock: Callable[[], datetime] | None = None) -> Snapshot:
    """Parse every active source of the catalog into a new snapshot.

    Any bad file raises (naming the file and line) and no snapshot is returned: the caller
    keeps serving the previous one. Sources are parsed one after the other: parsing is
    CPU-bound Python, so threads would not help and processes would pay more to ship
    ~30,000 parties back than they save on a 2-core machine (see bench/watchlists).
    """
    parties: list[Party] = []
    infos: list[SourceInfo] = []
    with bulk_allocation():
        for spec in catalog.active:
            found, info = parse_source(spec)
            parties.extend(found)
            infos.append(info)
    sources = tuple(infos)
    now = (clock or _utc_now)()
    return Snapshot(version_of(sources), now, sources, tuple(parties))


def parse_source(spec: SourceSpec) -> tuple[list[Party], SourceInfo]:
    """One source's parties and its `SourceInfo` (file hashes, as-of date, count)."""
    files = tuple(_file_info(path, spec.max_bytes) for path in spec.all_files())
    fmt = FORMATS[spec.format]
    settings = spec.settings()
    parties = list(fmt.parse(spec.files, settings))
    as_of = spec.as_of
    if as_of is None and fmt.read_as_of is not None:
        as_of = fmt.read_as_of(spec.files, settings)
    return parties, SourceInfo(spec.id, spec.title, spec.format, files, as_of, len(parties))


def _file_info(path: Path, max_bytes: int) -> FileInfo:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise ListFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    return FileInfo(str(path), digest.hexdigest(), size)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def diff(old: Snapshot | None, new: Snapshot) -> Delta:
    """Parties added, changed (old, new) and removed going from `old` to `new`.

    `old=None` (the first load) makes every party "added". Works between ANY two versions,
    not only consecutive ones.
    """
    if old is None:
        return Delta(None, new.version, tuple(sorted(new.parties, key=_id)), (), ())
    old_hashes, new_hashes = old.content_hashes, new.content_hashes
    added = [p for p in new.parties if p.id not in old_hashes]
    removed = [p for p in old.parties if p.id not in new_hashes]
    changed = [
        (old._by_id[p.id], p)
        for p in new.parties
        if p.id in old_hashes and old_hashes[p.id] != new_hashes[p.id]
    ]
    return Delta(
        old.version,
        new.version,
        tuple(sorted(added, key=_id)),
        tuple(sorted(changed, key=lambda pair: pair[1].id)),
        tuple(sorted(removed, key=_id)),
    )


def _id(party: Party) -> str:
    return party.id


def delta_to_json(delta: Delta) -> bytes:
    """Compact JSON of a delta's ids (for logs, task payloads and the CLI): no PII."""
    return orjson.dumps(
        {
            "old_version": delta.old_version,
            "new_version": delta.new_version,
            "added": [p.id for p in delta.added],
            "changed": [new.id for _, new in delta.changed],
            "removed": [p.id for p in delta.removed],
        }
    )
