"""Parquet sweep snapshots load the same frame as the database."""

from __future__ import annotations

from pathlib import Path

from services.common.db import Database
from services.graph.adapters.snapshot import ParquetSnapshots
from services.graph.adapters.store import SqlGraphStore
from services.graph.ports import Booked
from tests.services.graph.core.graphs import T0, background


def test_a_snapshot_loads_the_same_frame_as_the_database(
    database: Database, tmp_path: Path
) -> None:
    store = SqlGraphStore(database)
    store.add_transactions([Booked(t, t.amount) for t in background(31, transfers=500)])
    snapshots = ParquetSnapshots(database, tmp_path / "snaps")
    path = snapshots.export("s1", (T0, T0 + 30 * 86_400))
    span = (T0 + 86_400, T0 + 20 * 86_400)
    from_file = snapshots.load(path, span)
    from_db = store.load_frame(*span)
    assert from_file is not None
    assert sorted(from_file.tx_ids.tolist()) == sorted(from_db.tx_ids.tolist())
    by_id = dict(
        zip(
            from_db.tx_ids.tolist(),
            zip(from_db.names(from_db.src), from_db.names(from_db.dst), strict=True),
            strict=True,
        )
    )
    assert all(
        by_id[t] == (s, d)
        for t, s, d in zip(
            from_file.tx_ids.tolist(),
            from_file.names(from_file.src),
            from_file.names(from_file.dst),
            strict=True,
        )
    )
    assert sorted(from_file.amount.tolist()) == sorted(from_db.amount.tolist())
    snapshots.remove(path)
    assert snapshots.load(path, span) is None  # a worker that cannot see it reads the database


def test_an_empty_window_exports_an_empty_snapshot(database: Database, tmp_path: Path) -> None:
    snapshots = ParquetSnapshots(database, tmp_path)
    frame = snapshots.load(snapshots.export("empty", (0, 10)), (0, 10))
    assert frame is not None
    assert len(frame) == 0


def test_a_worker_loads_a_snapshot_window_once_and_forgets_it_when_removed(
    database: Database, tmp_path: Path
) -> None:
    store = SqlGraphStore(database)
    store.add_transactions([Booked(t, t.amount) for t in background(32, transfers=200)])
    snapshots = ParquetSnapshots(database, tmp_path)
    span = (T0, T0 + 30 * 86_400)
    path = snapshots.export("s2", span)
    first = snapshots.load(path, span)
    assert first is not None
    assert snapshots.load(path, span) is first  # the next partition of the sweep
    other = snapshots.load(path, (T0, T0 + 10 * 86_400))
    assert other is not None
    assert other is not first
    assert len(other) < len(first)
    snapshots.remove(path)
    assert snapshots.load(path, span) is None
