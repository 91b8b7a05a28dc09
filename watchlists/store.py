"""Snapshot versions on disk, with an atomic "current" pointer.

Layout of a store directory:

    versions/<version>.msgpack   the whole snapshot: header + parties (compact, fast to load)
    versions/<version>.json      its metadata (sources, counts, as-of dates, payload sha256)
    CURRENT                      the version id that is live

Every file is written to a temporary name in the same directory, flushed to disk, then
renamed over its final name (`os.replace` is atomic on POSIX). A crash mid-save leaves at
most a stray temporary file: never a half-written version, and never a CURRENT pointing at
one. Loading checks the payload's sha256 against the metadata, so a corrupted file fails
loudly instead of serving a partial list.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgpack
import orjson

from watchlists.codec import bulk_allocation, decode_party, encode_party
from watchlists.errors import ListFileError
from watchlists.model import Name, Party, Schema
from watchlists.snapshot import FileInfo, Snapshot, SourceInfo

FORMAT_NAME = "warden-watchlist-snapshot"
FORMAT_VERSION = 1
# Stored content hashes are only reused if `Party.content_hash` still hashes this probe
# party to the value stored beside them: a change to the model's hashing makes them stale.
_PROBE = Party("probe:1", Schema.PERSON, (Name("PROBE"),), source="probe", source_id="1")


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A stored version as `warden lists status` shows it (read from the small .json file)."""

    version: str
    created_at: datetime
    sources: tuple[SourceInfo, ...]
    party_count: int
    payload_sha256: str


class SnapshotStore:
    """Versions of the lists in one directory. Safe for one writer and many readers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions_dir = root / "versions"

    def save(self, snapshot: Snapshot, *, make_current: bool = True) -> VersionInfo:
        """Write a snapshot (idempotent: an already stored version is not rewritten)."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        existing = (
            self._read_info(snapshot.version) if self._meta(snapshot.version).exists() else None
        )
        info = existing or self._write(snapshot)
        if make_current:
            self.set_current(snapshot.version)
        return info

    def _write(self, snapshot: Snapshot) -> VersionInfo:
        payload = msgpack.packb(_snapshot_to_wire(snapshot), use_bin_type=True)
        info = VersionInfo(
            snapshot.version,
            snapshot.created_at,
            snapshot.sources,
            len(snapshot.parties),
            hashlib.sha256(payload).hexdigest(),
        )
        _atomic_write(self._payload(snapshot.version), payload)
        _atomic_write(self._meta(snapshot.version), orjson.dumps(_info_to_wire(info)))
        return info

    def set_current(self, version: str) -> None:
        """Point CURRENT at a stored version (rollback is the same call with an older id)."""
        if not self._meta(version).exists() or not self._payload(version).exists():
            raise ListFileError(self._payload(version), "no such stored version")
        _atomic_write(self.root / "CURRENT", version.encode())

    def current_version(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def versions(self) -> list[VersionInfo]:
        """Every stored version, newest first."""
        if not self.versions_dir.is_dir():
            return []
        infos = [self._read_info(p.stem) for p in self.versions_dir.glob("*.json")]
        return sorted(infos, key=lambda i: i.created_at, reverse=True)

    def load(self, version: str) -> Snapshot:
        """A stored version, verified against its recorded sha256."""
        info = self._read_info(version)
        path = self._payload(version)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise ListFileError(path, f"cannot read: {exc.strerror or exc}") from exc
        if hashlib.sha256(payload).hexdigest() != info.payload_sha256:
            raise ListFileError(path, "checksum mismatch: the stored snapshot is corrupt")
        with bulk_allocation():
            return _snapshot_from_wire(path, msgpack.unpackb(payload, raw=False))

    def load_current(self) -> Snapshot | None:
        version = self.current_version()
        return self.load(version) if version else None

    def _payload(self, version: str) -> Path:
        return self.versions_dir / f"{_safe(version)}.msgpack"

    def _meta(self, version: str) -> Path:
        return self.versions_dir / f"{_safe(version)}.json"

    def _read_info(self, version: str) -> VersionInfo:
        path = self._meta(version)
        try:
            return _info_from_wire(orjson.loads(path.read_bytes()))
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ListFileError(path, f"unreadable version metadata: {exc}") from exc


def _safe(version: str) -> str:
    """Version ids are hex; refuse anything that could escape the directory."""
    if not version or not all(c.isalnum() or c in "-_" for c in version):
        raise ListFileError(version, "not a valid version id")
    return version


def _atomic_write(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry lives in the directory)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _source_to_wire(source: SourceInfo) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "format": source.format,
        "files": [[f.path, f.sha256, f.size] for f in source.files],
        "as_of": source.as_of.isoformat() if source.as_of else None,
        "party_count": source.party_count,
    }


def _source_from_wire(data: dict[str, Any]) -> SourceInfo:
    return SourceInfo(
        id=str(data["id"]),
        title=str(data["title"]),
        format=str(data["format"]),
        files=tuple(FileInfo(str(p), str(h), int(s)) for p, h, s in data["files"]),
        as_of=date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        party_count=int(data["party_count"]),
    )


def _info_to_wire(info: VersionInfo) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "version": info.version,
        "created_at": info.created_at.isoformat(),
        "sources": [_source_to_wire(s) for s in info.sources],
        "party_count": info.party_count,
        "payload_sha256": info.payload_sha256,
    }


def _info_from_wire(data: dict[str, Any]) -> VersionInfo:
    if data.get("format") != FORMAT_NAME or data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"not a {FORMAT_NAME} v{FORMAT_VERSION} file")
    return VersionInfo(
        version=str(data["version"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        sources=tuple(_source_from_wire(s) for s in data["sources"]),
        party_count=int(data["party_count"]),
        payload_sha256=str(data["payload_sha256"]),
    )


def _snapshot_to_wire(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "version": snapshot.version,
        "created_at": snapshot.created_at.isoformat(),
        "sources": [_source_to_wire(s) for s in snapshot.sources],
        "parties": [encode_party(p) for p in snapshot.parties],
        "hash_probe": _PROBE.content_hash(),
        "hashes": list(snapshot.content_hashes.values()),
    }


def _snapshot_from_wire(path: Path, data: dict[str, Any]) -> Snapshot:
    if data.get("format") != FORMAT_NAME or data.get("format_version") != FORMAT_VERSION:
        raise ListFileError(path, f"not a {FORMAT_NAME} v{FORMAT_VERSION} file")
    try:
        parties = tuple(decode_party(p) for p in data["parties"])
        fresh = data.get("hash_probe") == _PROBE.content_hash()
        return Snapshot(
            version=str(data["version"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            sources=tuple(_source_from_wire(s) for s in data["sources"]),
            parties=parties,
            known_hashes=tuple(data["hashes"]) if fresh and data.get("hashes") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ListFileError(path, f"malformed snapshot: {exc}") from exc
