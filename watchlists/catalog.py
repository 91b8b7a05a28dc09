"""The catalog: which lists Warden loads, from which files, in which format.

A catalog is a YAML file (`catalog.default.yaml` ships the shared lists). File paths are
relative to a data root, found in this order: the `data_root` argument, the catalog's own
`data_root:` key (relative to the YAML file), $WARDEN_LISTS_DIR, `../shared/data/watchlists`
beside the repository, `/work/shared/data/watchlists`. A source with `enabled: false` is
opt-in (the OpenSanctions PEP sample: non-commercial licence, tests only) and is loaded only
when named in `include`. Loading validates everything it can without parsing: known format,
required file roles present, files exist, globs match, ids unique.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from watchlists.errors import CatalogError
from watchlists.formats import FORMATS, Files, ParseSettings
from watchlists.parsers._io import DEFAULT_MAX_BYTES, Limits

DEFAULT_CATALOG = Path(__file__).with_name("catalog.default.yaml")
_REPO_ROOT = Path(__file__).resolve().parent.parent
_SOURCE_KEYS = {
    "id", "title", "publisher", "format", "files", "as_of", "enabled", "topics", "url",
    "max_bytes", "allow_orphans", "notes",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One list in the catalog, its files resolved to absolute paths."""

    id: str
    title: str
    publisher: str
    format: str
    files: Files
    as_of: date | None = None
    enabled: bool = True
    topics: tuple[str, ...] = ()
    url: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_orphans: bool = False

    def settings(self) -> ParseSettings:
        return ParseSettings(self.id, Limits(self.max_bytes), self.topics, self.allow_orphans)

    def all_files(self) -> tuple[Path, ...]:
        """Every file of the source in a stable order (roles sorted, then paths)."""
        return tuple(p for role in sorted(self.files) for p in self.files[role])


@dataclass(frozen=True, slots=True)
class Catalog:
    root: Path
    sources: tuple[SourceSpec, ...]
    included: frozenset[str] = field(default_factory=frozenset)

    @property
    def active(self) -> tuple[SourceSpec, ...]:
        """The sources a load parses: enabled ones plus opt-in ones named in `include`."""
        return tuple(s for s in self.sources if s.enabled or s.id in self.included)

    def get(self, source_id: str) -> SourceSpec:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise CatalogError("no such source", source=source_id)


def default_data_root() -> Path:
    """$WARDEN_LISTS_DIR, else ../shared/data/watchlists beside the repo, else /work/shared."""
    candidates = [
        os.environ.get("WARDEN_LISTS_DIR"),
        str(_REPO_ROOT.parent / "shared" / "data" / "watchlists"),
        "/work/shared/data/watchlists",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise CatalogError("no list data folder (set WARDEN_LISTS_DIR)")


def load_catalog(
    path: Path | None = None, *, data_root: Path | None = None, include: Iterable[str] = ()
) -> Catalog:
    """Read and validate a catalog YAML (the shipped default when `path` is None)."""
    catalog_path = path or DEFAULT_CATALOG
    try:
        document = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read {catalog_path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise CatalogError(f"{catalog_path}: expected a mapping with a `sources` list")
    root = _root(catalog_path, document, data_root)
    return catalog_from_entries(root, document["sources"], include)


def catalog_from_entries(root: Path, entries: list[Any], include: Iterable[str] = ()) -> Catalog:
    """A validated catalog from already-parsed entries (YAML or built in code, e.g. tests)."""
    sources = tuple(_source(root, entry) for entry in entries)
    ids = [s.id for s in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"duplicate source ids {duplicates}")
    wanted = frozenset(include)
    unknown = sorted(wanted - set(ids))
    if unknown:
        raise CatalogError(f"cannot include unknown sources {unknown}")
    return Catalog(root, sources, wanted)


def _root(catalog_path: Path, document: Mapping[str, Any], data_root: Path | None) -> Path:
    if data_root is not None:
        return data_root
    declared = document.get("data_root")
    if declared:
        return (catalog_path.parent / str(declared)).resolve()
    return default_data_root()


def _source(root: Path, entry: Any) -> SourceSpec:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise CatalogError(f"each source needs an `id`: {entry!r}")
    source_id = str(entry["id"])
    unknown = sorted(set(entry) - _SOURCE_KEYS)
    if unknown:
        raise CatalogError(f"unknown keys {unknown}", source=source_id)
    fmt = FORMATS.get(str(entry.get("format")))
    if fmt is None:
        raise CatalogError(
            f"unknown format {entry.get('format')!r} (known: {sorted(FORMATS)})", source=source_id
        )
    files = _files(root, source_id, entry.get("files"), fmt.many)
    missing = [r for r in fmt.required if r not in files]
    extra = [r for r in files if r not in fmt.required + fmt.optional]
    if missing or extra:
        raise CatalogError(f"file roles: missing {missing}, unknown {extra}", source=source_id)
    return SourceSpec(
        id=source_id,
        title=str(entry.get("title") or source_id),
        publisher=str(entry.get("publisher") or ""),
        format=fmt.name,
        files=files,
        as_of=_as_of(source_id, entry.get("as_of")),
        enabled=bool(entry.get("enabled", True)),
        topics=tuple(str(t) for t in entry.get("topics") or ()),
        url=str(entry["url"]) if entry.get("url") else None,
        max_bytes=int(entry.get("max_bytes") or DEFAULT_MAX_BYTES),
        allow_orphans=bool(entry.get("allow_orphans", False)),
    )


def _files(
    root: Path, source_id: str, raw: Any, many: tuple[str, ...]
) -> dict[str, tuple[Path, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise CatalogError("`files` must map roles to paths", source=source_id)
    out: dict[str, tuple[Path, ...]] = {}
    for role, pattern in raw.items():
        paths = _expand(root, str(pattern), source_id)
        if len(paths) > 1 and role not in many:
            raise CatalogError(
                f"role {role!r} takes one file, {pattern!r} matches {len(paths)}", source=source_id
            )
        out[str(role)] = paths
    return out


def _expand(root: Path, pattern: str, source_id: str) -> tuple[Path, ...]:
    if any(ch in pattern for ch in "*?["):
        paths = tuple(sorted(root.glob(pattern)))
        if not paths:
            raise CatalogError(f"{pattern!r} matches no file under {root}", source=source_id)
        return paths
    path = root / pattern
    if not path.is_file():
        raise CatalogError(f"{path} does not exist", source=source_id)
    return (path,)


def _as_of(source_id: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CatalogError(f"as_of {value!r} is not YYYY-MM-DD", source=source_id) from exc
