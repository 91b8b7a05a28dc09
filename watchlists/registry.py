"""The live lists: the snapshot the screening service answers from, and its index.

`ListRegistry[T]` holds one `(Snapshot, T)` pair, where T is whatever index the matcher
builds (`index_factory(snapshot) -> T`). A reload builds the new snapshot *and* its index
beside the live pair, then swaps with a single reference assignment: a reader calls
`.current` once per request and gets a consistent pair, without any lock on the read path
(CPython assigns and reads a reference atomically). A bad file raises out of `reload` before
the swap, so the previous version keeps serving. After a swap every listener receives the
`Delta` (the matcher re-screens stored customers against it); a failing listener is logged
and does not undo the swap or starve the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from services.common.errors import FailedPrecondition
from watchlists.catalog import Catalog
from watchlists.snapshot import Delta, Snapshot, build_snapshot, diff

logger = logging.getLogger(__name__)

T = TypeVar("T")
Listener = Callable[[Delta], None]


class ListRegistry(Generic[T]):
    """The current snapshot and its index, swapped atomically on reload."""

    def __init__(
        self,
        index_factory: Callable[[Snapshot], T],
        *,
        builder: Callable[[Catalog], Snapshot] = build_snapshot,
    ) -> None:
        self._index_factory = index_factory
        self._builder = builder
        self._live: tuple[Snapshot, T] | None = None
        self._listeners: list[Listener] = []
        # Serialises writers only (two reloads at once would race on "which is newer");
        # readers never take it.
        self._write_lock = threading.Lock()

    @property
    def current(self) -> tuple[Snapshot, T]:
        """The live (snapshot, index) pair; read it once per request and use both halves."""
        live = self._live
        if live is None:
            raise FailedPrecondition(
                "no watchlist version is loaded yet", reason="LISTS_NOT_LOADED"
            )
        return live

    @property
    def is_loaded(self) -> bool:
        return self._live is not None

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(delta)` after every swap (in the reloading thread)."""
        self._listeners.append(listener)

    def reload(self, catalog: Catalog) -> Delta:
        """Parse the catalog into a new version, index it, swap it in, notify listeners."""
        return self.install(self._builder(catalog))

    def install(self, snapshot: Snapshot) -> Delta:
        """Make an already built snapshot live (e.g. one loaded from the store at start-up)."""
        with self._write_lock:
            previous = self._live
            if previous is not None and previous[0].version == snapshot.version:
                return Delta(snapshot.version, snapshot.version, (), (), ())  # same inputs
            index = self._index_factory(
                snapshot
            )  # built before the swap: may raise, nothing changes
            self._live = (snapshot, index)
            delta = diff(previous[0] if previous else None, snapshot)
        logger.info(
            "watchlists: version %s live (%d parties, %s)",
            snapshot.version,
            len(snapshot.parties),
            delta.summary(),
        )
        self._notify(delta)
        return delta

    def _notify(self, delta: Delta) -> None:
        for listener in list(self._listeners):
            try:
                listener(delta)
            except Exception:  # a listener bug must not undo a swap or starve the others
                logger.exception("watchlists: delta listener %r failed", listener)
