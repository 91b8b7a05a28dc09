"""Building the screening dependencies from the composition root (once per process).

Lists: the watchlists `ListRegistry`, kept on the version the lists area stored as CURRENT
(`warden lists load` or the `screening.reload_lists` task). A new version is picked up within
`REFRESH_EVERY_S` of a request noticing it, built in a background thread beside the live one;
screening keeps answering from the live version meanwhile.

Re-screening: when this process installs a new version, it submits one operation
"screening.rescreen" per customer partition (`WARDEN_SCREENING_RESCREEN_PARTITIONS`), keyed by
(old version, new version, partition): each is a task on the screening queue, so worker
processes on every core share the work. Operations are idempotent by request id, so however
many replicas notice the version, each partition is re-screened once (`rescreen.py`: the
operations, and the status that sums them).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from services.common.alerts import Alert
from services.common.db import utcnow
from services.common.operations import submit_operation
from services.common.runtime import Container
from services.screening.adapters.stores import SqlCustomerStore, SqlSuppressionStore
from services.screening.core.screen import ScreenOptions
from services.screening.handlers import ScreeningDeps
from services.screening.ports import (
    ListDelta,
    Partition,
    ScreeningIndex,
    build_screening_index,
)
from services.screening.rescreen import rescreen_operation
from services.screening.settings import ScreeningSettings
from watchlists.deps import deps_of
from watchlists.handlers import refresh_registry
from watchlists.registry import ListRegistry
from watchlists.snapshot import Delta, Snapshot

log = logging.getLogger(__name__)
AREA = "screening"
REFRESH_EVERY_S = 30.0


class RegistryLists:
    """`LiveLists` over the watchlists registry, following the store's CURRENT version."""

    def __init__(self, container: Container, clock: Callable[[], datetime]) -> None:
        self._container = container
        self._registry: ListRegistry[ScreeningIndex] = ListRegistry(
            lambda snapshot: build_screening_index(snapshot, clock)
        )
        self._checked_at = float("-inf")
        self._refreshing = threading.Lock()

    @property
    def registry(self) -> ListRegistry[ScreeningIndex]:
        return self._registry

    @property
    def current(self) -> tuple[Snapshot, ScreeningIndex]:
        """The live pair; a due check for a newer version runs in the background."""
        if not self._registry.is_loaded:
            self._first_load()
        elif time.monotonic() - self._checked_at > REFRESH_EVERY_S:
            self._checked_at = time.monotonic()
            threading.Thread(target=self.refresh, name="lists-refresh", daemon=True).start()
        return self._registry.current

    def _first_load(self) -> None:
        """Nothing to serve yet: every request waits for one load (concurrent first requests
        used to find the load already running, skip it and fail with LISTS_NOT_LOADED)."""
        with self._refreshing:
            if not self._registry.is_loaded:
                self._checked_at = time.monotonic()
                self._refresh_locked()

    def refresh(self) -> Delta | None:
        """Install the store's CURRENT version if it is not the live one (one refresh at a time)."""
        if not self._refreshing.acquire(blocking=False):
            return None
        try:
            return self._refresh_locked()
        finally:
            self._refreshing.release()

    def _refresh_locked(self) -> Delta | None:
        try:
            return refresh_registry(self._registry, deps_of(self._container).store)
        except Exception:  # a bad stored version must not take serving down: keep the live one
            log.exception("screening: list refresh failed; the live version keeps serving")
            return None


class _ContainerAlerts:
    """The container's alert sink, looked up on use: `Container.area` holds a non-reentrant
    lock while this area's factory runs, so reading `container.alerts` there would deadlock."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def raise_alert(self, alert: Alert) -> None:
        self.container.alerts.raise_alert(alert)


def freeze_long_lived(_: object = None) -> None:
    """Take what is alive now (the index just installed) out of the cyclic collector's sight.

    The index of every list is over a million long-lived objects, and each full (generation 2)
    collection walks all of them, holding the GIL: under load that stopped a screening process
    for seconds (bench/e2e: p99 4.4 s and 60 screens/s embedded, against 0.24 s and 630/s
    frozen). Frozen objects are still freed by reference counting when a reload swaps the
    index out; collecting first keeps today's garbage out of the frozen set.
    """
    gc.collect()
    gc.freeze()


def build_deps(container: Container) -> ScreeningDeps:
    """Settings -> list registry -> stores -> deps. Used via `container.area("screening", ...)`."""
    settings = ScreeningSettings()
    lists = RegistryLists(container, utcnow)
    lists.registry.subscribe(rescreen_on_delta(container, settings.rescreen_partitions))
    lists.registry.subscribe(freeze_long_lived)
    return ScreeningDeps(
        lists=lists,
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


def screening_deps(container: Container) -> ScreeningDeps:
    """The process's screening dependencies (built on first use)."""
    return container.area(AREA, build_deps)


def rescreen_on_delta(container: Container, partitions: int = 1) -> Callable[[ListDelta], None]:
    """A registry listener: a new version with added or changed entries submits one
    re-screening operation per partition (idempotent by version pair and partition, so
    replicas do not repeat them)."""

    def listener(delta: ListDelta) -> None:
        if not delta.added and not delta.changed:
            return
        for index in range(partitions):
            new = rescreen_operation(
                delta.old_version, delta.new_version, Partition(index, partitions)
            )
            submit_operation(container.operations, container.queue, new)

    return listener
