"""The screening process's composition: what happens when a list version goes live."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.runtime import Container
from services.screening.deps import RegistryLists, build_deps
from tests.watchlists.helpers import small_catalog
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
