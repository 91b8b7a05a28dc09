from __future__ import annotations

import threading
from pathlib import Path

import pytest

from services.common.errors import FailedPrecondition
from tests.watchlists.helpers import small_catalog
from watchlists.errors import ListFileError
from watchlists.registry import ListRegistry
from watchlists.snapshot import Delta, Snapshot


def _names_index(snapshot: Snapshot) -> dict[str, str]:
    """A stand-in for the matcher's index: name -> party id."""
    return {p.primary_name.full: p.id for p in snapshot.parties}


def test_first_load_swap_and_listeners(tmp_path: Path) -> None:
    registry = ListRegistry(_names_index)
    deltas: list[Delta] = []
    registry.subscribe(deltas.append)
    with pytest.raises(FailedPrecondition, match="no watchlist version"):
        _ = registry.current
    registry.reload(small_catalog(tmp_path / "a", inhouse=["1,person,Ivan PETROV,RU,"]))
    snapshot, index = registry.current
    assert index == {"Ivan PETROV": "inhouse:1"}
    assert snapshot.get("inhouse:1") is not None
    registry.reload(
        small_catalog(tmp_path / "b", inhouse=["1,person,Ivan PETROV,BY,", "2,person,Olga,,"])
    )
    assert [d.summary() for d in deltas] == ["+1 ~0 -0", "+1 ~1 -0"]
    assert registry.current[1] == {"Ivan PETROV": "inhouse:1", "Olga": "inhouse:2"}


def test_bad_file_leaves_the_live_version_serving(tmp_path: Path) -> None:
    registry = ListRegistry(_names_index)
    registry.reload(small_catalog(tmp_path / "a", inhouse=["1,person,A,,"]))
    live = registry.current
    deltas: list[Delta] = []
    registry.subscribe(deltas.append)
    with pytest.raises(ListFileError):
        registry.reload(small_catalog(tmp_path / "b", inhouse=["1,person,A,Atlantis,"]))
    assert registry.current is live
    assert deltas == []


def test_index_failure_also_leaves_the_live_version(tmp_path: Path) -> None:
    def picky_index(snapshot: Snapshot) -> int:
        if len(snapshot) > 1:
            raise MemoryError("index too big")
        return len(snapshot)

    registry = ListRegistry(picky_index)
    registry.reload(small_catalog(tmp_path / "a", inhouse=["1,person,A,,"]))
    with pytest.raises(MemoryError):
        registry.reload(small_catalog(tmp_path / "b", inhouse=["1,person,A,,", "2,person,B,,"]))
    assert registry.current[1] == 1


def test_same_version_is_not_rebuilt_and_listener_errors_are_contained(tmp_path: Path) -> None:
    builds: list[int] = []

    def counting_index(snapshot: Snapshot) -> int:
        builds.append(len(snapshot))
        return len(snapshot)

    registry = ListRegistry(counting_index)
    seen: list[str] = []

    def broken(delta: Delta) -> None:
        raise RuntimeError("listener bug")

    registry.subscribe(broken)
    registry.subscribe(lambda delta: seen.append(delta.summary()))
    catalog = small_catalog(tmp_path, inhouse=["1,person,A,,"])
    registry.reload(catalog)
    assert registry.reload(catalog).is_empty
    assert builds == [1]
    assert seen == ["+1 ~0 -0"]


def test_readers_always_see_a_consistent_pair_during_reloads(tmp_path: Path) -> None:
    """Readers hammer `.current` while versions swap; every pair they get must match."""
    catalogs = [
        small_catalog(tmp_path / str(n), inhouse=[f"{i},person,P{i},," for i in range(n)])
        for n in (1, 5, 20)
    ]
    registry = ListRegistry(lambda s: (s.version, len(s)))
    registry.reload(catalogs[0])
    stop = threading.Event()
    problems: list[str] = []
    reads = [0]

    def reader() -> None:
        while not stop.is_set():
            snapshot, (version, count) = registry.current
            if snapshot.version != version or len(snapshot) != count:
                problems.append(f"{snapshot.version} != {version}")
            reads[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for round_ in range(6):
        registry.reload(catalogs[round_ % 3])
    stop.set()
    for thread in threads:
        thread.join()
    assert problems == []
    assert reads[0] > 0
    assert len(registry.current[0]) == 20  # rounds end on the 20-party catalog
