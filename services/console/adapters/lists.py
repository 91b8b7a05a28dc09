"""The list's own record of an entry, read from the watchlists snapshot store on this machine.

The screening area serves matches, not list records, and has no RPC for an entry on main yet;
the snapshot store (`watchlists.store`) is the versioned, checksummed copy every screening
replica loads, so the console reads the same bytes. The CURRENT version is loaded on first
use (about a second for the shared lists) and reloaded when CURRENT changes, at most once a
minute.
"""

from __future__ import annotations

import logging
import threading
import time

from watchlists.model import Party
from watchlists.snapshot import Snapshot
from watchlists.store import SnapshotStore

log = logging.getLogger(__name__)
RECHECK_S = 60.0


class SnapshotListRecords:
    """`ListRecords` over the CURRENT list version of a `SnapshotStore`."""

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store
        self._snapshot: Snapshot | None = None
        self._checked = -RECHECK_S
        self._lock = threading.Lock()

    def _current(self) -> Snapshot | None:
        with self._lock:
            if time.monotonic() - self._checked < RECHECK_S:
                return self._snapshot
            self._checked = time.monotonic()
            version = self.store.current_version()
            if version and (self._snapshot is None or self._snapshot.version != version):
                self._snapshot = self.store.load(version)
                log.info("list version loaded", extra={"fields": {"version": version}})
            return self._snapshot

    def entry(self, entry_id: str) -> Party | None:
        snapshot = self._current()
        return snapshot.get(entry_id) if snapshot is not None else None
