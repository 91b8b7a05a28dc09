"""The list's own record, read from the watchlists snapshot store's CURRENT version."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.console import samples
from services.console.adapters.lists import SnapshotListRecords
from services.console.core.screening import parse_party
from watchlists.snapshot import Snapshot
from watchlists.store import SnapshotStore


def test_entries_come_from_the_current_version(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "watchlists")
    records = SnapshotListRecords(store)
    assert records.entry(samples.ENTRY_ID) is None  # nothing loaded yet
    party = parse_party(samples.ENTRY)
    assert party is not None
    store.save(Snapshot("v1", datetime(2026, 1, 1, tzinfo=UTC), (), (party,)))
    fresh = SnapshotListRecords(store)
    found = fresh.entry(samples.ENTRY_ID)
    assert found is not None
    assert found.primary_name.full == "Ivan PETROV"
    assert fresh.entry("demo_list:missing") is None
