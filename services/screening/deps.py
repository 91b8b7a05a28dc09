"""Building the screening dependencies from the composition root (once per process)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import cast

from services.common.alerts import Alert
from services.common.db import utcnow
from services.common.operations import TaskQueue
from services.common.runtime import Container
from services.screening.adapters.stores import SqlCustomerStore, SqlSuppressionStore
from services.screening.core.screen import ScreenOptions
from services.screening.handlers import ScreeningDeps
from services.screening.ports import ListDelta, LiveLists, StaticLists, build_screening_index
from services.screening.settings import ScreeningSettings

log = logging.getLogger(__name__)
AREA = "screening"
RESCREEN_TASK = "screening.rescreen_delta"


def build_deps(container: Container) -> ScreeningDeps:
    """Settings -> list registry -> stores -> deps. Used via `container.area("screening", ...)`."""
    settings = ScreeningSettings()
    return ScreeningDeps(
        lists=_live_lists(settings),
        customers=SqlCustomerStore(container.database, container.key_ring),
        suppressions=SqlSuppressionStore(container.database),
        alerts=_ContainerAlerts(container),
        clock=utcnow,
        defaults=ScreenOptions(
            threshold=settings.threshold,
            cutoff=settings.cutoff,
            limit=settings.limit,
            candidates=settings.candidates,
        ),
    )


class _ContainerAlerts:
    """The container's alert sink, looked up on use: `Container.area` holds a non-reentrant
    lock while this area's factory runs, so reading `container.alerts` there would deadlock."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def raise_alert(self, alert: Alert) -> None:
        self.container.alerts.raise_alert(alert)


def screening_deps(container: Container) -> ScreeningDeps:
    """The process's screening dependencies (built on first use)."""
    return container.area(AREA, build_deps)


def _live_lists(settings: ScreeningSettings) -> LiveLists:
    """The watchlists registry when the lists area is installed, else an empty version.

    The registry (area lists) builds each version with `build_screening_index` beside the live
    one and swaps atomically; this process then screens the new version on its next request.
    """
    try:
        registry = importlib.import_module("watchlists.registry")
        catalog = importlib.import_module("watchlists.catalog")
    except ModuleNotFoundError:
        log.warning("watchlists registry not installed: screening an empty list version")
        return StaticLists((), utcnow)
    lists = registry.ListRegistry(lambda snapshot: build_screening_index(snapshot, utcnow))
    lists.reload(catalog.load_catalog(settings.catalog))
    return cast(LiveLists, lists)


def rescreen_on_delta(queue: TaskQueue, lists: LiveLists) -> Callable[[ListDelta], None]:
    """A registry listener: when a new version lands, enqueue the delta re-screening.

    Only ids travel: each worker reads the entries from its own registry at that version.
    """

    def listener(delta: ListDelta) -> None:
        if not delta.added and not delta.changed:
            return
        snapshot, _ = lists.current
        queue.enqueue(
            RESCREEN_TASK,
            {
                "version": snapshot.version,
                "added": [p.id for p in delta.added],
                "changed": [new.id for _, new in delta.changed],
            },
            queue=AREA,
        )

    return listener
