"""Use cases of the watchlists area: one function per verb, shared by the CLI and the worker.

`load_lists` parses the catalog into a new version, stores it (atomically), makes it current
and records the activation; `list_status` and `diff_versions` read what is stored;
`refresh_registry` is how a serving process picks up a version another process loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from services.common.errors import NotFound
from watchlists.catalog import load_catalog
from watchlists.ports import VersionLog, VersionRecord
from watchlists.registry import ListRegistry
from watchlists.settings import ListsSettings
from watchlists.snapshot import Delta, Snapshot, build_snapshot, diff
from watchlists.store import SnapshotStore, VersionInfo

T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ListsDeps:
    settings: ListsSettings
    store: SnapshotStore
    versions: VersionLog
    clock: Callable[[], datetime] = field(default=_utc_now)


@dataclass(frozen=True, slots=True)
class LoadLists:
    """Load every active source of a catalog (the configured one unless given)."""

    catalog: Path | None = None
    include: tuple[str, ...] = ()
    activate: bool = True


@dataclass(frozen=True, slots=True)
class LoadResult:
    info: VersionInfo
    previous_version: str | None
    delta: Delta
    activated: bool


@dataclass(frozen=True, slots=True)
class ListsStatus:
    current: VersionInfo | None
    stored: list[VersionInfo]
    history: list[VersionRecord]


def load_lists(command: LoadLists, deps: ListsDeps) -> LoadResult:
    """Parse, store, activate, record. A bad file raises before anything is stored or changed."""
    settings = deps.settings
    catalog = load_catalog(
        command.catalog or settings.catalog,
        data_root=settings.data_root,
        include=(*settings.included, *command.include),
    )
    snapshot = build_snapshot(catalog, clock=deps.clock)
    previous = deps.store.load_current()
    info = deps.store.save(snapshot, make_current=command.activate)
    if command.activate:
        deps.versions.record_activation(info, deps.clock())
    return LoadResult(
        info, previous.version if previous else None, diff(previous, snapshot), command.activate
    )


def list_status(deps: ListsDeps, limit: int = 20) -> ListsStatus:
    current_id = deps.store.current_version()
    stored = deps.store.versions()
    current = next((v for v in stored if v.version == current_id), None)
    return ListsStatus(current, stored[:limit], deps.versions.history(limit))


def diff_versions(old: str, new: str, deps: ListsDeps) -> Delta:
    """The delta between two stored versions ("current" names the live one)."""
    return diff(_load(old, deps.store), _load(new, deps.store))


def _load(version: str, store: SnapshotStore) -> Snapshot:
    resolved = store.current_version() if version == "current" else version
    known = {v.version for v in store.versions()}
    if not resolved or resolved not in known:
        raise NotFound("watchlist version", version)
    return store.load(resolved)


def refresh_registry(registry: ListRegistry[T], store: SnapshotStore) -> Delta | None:
    """Install the store's current version if the registry serves another one.

    Serving processes call this periodically (or when told a reload finished): loading from
    the store takes about a second, parsing the lists ten, and every replica ends up on the
    exact same version.
    """
    current = store.current_version()
    if current is None:
        return None
    if registry.is_loaded and registry.current[0].version == current:
        return None
    return registry.install(store.load(current))
