"""The screening process's composition: what happens when a list version goes live."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.common.runtime import Container
from services.screening.deps import RegistryLists, build_deps
from tests.support.story import write_catalog
from tests.watchlists.helpers import small_catalog
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists
from watchlists.snapshot import build_snapshot


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_an_installed_index_is_frozen_out_of_the_cyclic_collector(
    container: Container, tmp_path: Path, unfrozen: None
) -> None:
    lists = build_deps(container).lists
    assert isinstance(lists, RegistryLists)
    assert gc.get_freeze_count() == 0
    snapshot = build_snapshot(small_catalog(tmp_path, inhouse=["1,person,Ivan PETROV,RU,1970"]))
    lists.registry.install(snapshot)
    index = lists.registry.current[1]
    assert gc.get_freeze_count() > 0
    assert all(obj is not index for obj in gc.get_objects(generation=2))


def test_concurrent_first_requests_all_wait_for_the_first_load(
    container: Container, tmp_path: Path, unfrozen: None
) -> None:
    load_lists(LoadLists(catalog=write_catalog(tmp_path / "lists")), deps_of(container))
    lists = build_deps(container).lists
    assert isinstance(lists, RegistryLists)
    start = threading.Barrier(8)

    def first_request() -> str:
        start.wait()
        return lists.current[0].version

    with ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(lambda _: first_request(), range(8)))
    assert len(set(versions)) == 1
