"""The watchlists area's dependencies, built from the composition root (services.common.runtime)."""

from __future__ import annotations

from services.common.runtime import Container
from watchlists.adapters.version_log import SqlVersionLog
from watchlists.handlers import ListsDeps
from watchlists.settings import ListsSettings
from watchlists.store import SnapshotStore

AREA = "watchlists"


def build_deps(container: Container) -> ListsDeps:
    settings = ListsSettings()
    store_dir = settings.store_dir or container.settings.data_dir / "watchlists"
    return ListsDeps(settings, SnapshotStore(store_dir), SqlVersionLog(container.database))


def deps_of(container: Container) -> ListsDeps:
    """The area's dependencies, built once per container."""
    return container.area(AREA, build_deps)
