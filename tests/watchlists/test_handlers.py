from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.errors import NotFound
from tests.watchlists.helpers import ONE_SOURCE_CATALOG, write_list
from watchlists.errors import ListFileError
from watchlists.handlers import (
    ListsDeps,
    LoadLists,
    diff_versions,
    list_status,
    load_lists,
    refresh_registry,
)
from watchlists.ports import InMemoryVersionLog
from watchlists.registry import ListRegistry
from watchlists.settings import ListsSettings
from watchlists.store import SnapshotStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _deps(tmp_path: Path) -> ListsDeps:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(ONE_SOURCE_CATALOG)
    settings = ListsSettings(catalog=catalog)
    ticks = itertools.count()
    store = SnapshotStore(tmp_path / "store")
    return ListsDeps(
        settings, store, InMemoryVersionLog(), clock=lambda: NOW + timedelta(minutes=next(ticks))
    )


def test_load_status_and_diff(tmp_path: Path) -> None:
    deps = _deps(tmp_path)
    write_list(
        tmp_path / "data", "inhouse.csv", ["1,person,Ivan PETROV,RU,1970", "2,person,Olga,,"]
    )
    first = load_lists(LoadLists(), deps)
    assert (first.previous_version, first.delta.summary(), first.info.party_count) == (
        None,
        "+2 ~0 -0",
        2,
    )
    write_list(
        tmp_path / "data", "inhouse.csv", ["1,person,Ivan PETROV,BY,1970", "3,person,Nina,,"]
    )
    second = load_lists(LoadLists(), deps)
    assert second.previous_version == first.info.version
    assert second.delta.summary() == "+1 ~1 -1"
    status = list_status(deps)
    assert status.current is not None
    assert status.current.version == second.info.version
    assert {v.version for v in status.stored} == {first.info.version, second.info.version}
    assert [r.version for r in status.history] == [second.info.version, first.info.version]
    delta = diff_versions(first.info.version, "current", deps)
    assert [p.id for p in delta.removed] == ["inhouse:2"]
    with pytest.raises(NotFound):
        diff_versions("0000000000000000", "current", deps)


def test_no_activate_stores_without_switching(tmp_path: Path) -> None:
    deps = _deps(tmp_path)
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,,"])
    live = load_lists(LoadLists(), deps)
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,B,,"])
    staged = load_lists(LoadLists(activate=False), deps)
    assert deps.store.current_version() == live.info.version
    assert staged.info.version in {v.version for v in deps.store.versions()}
    assert [r.version for r in deps.versions.history()] == [live.info.version]


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    deps = _deps(tmp_path)
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,,"])
    live = load_lists(LoadLists(), deps)
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,Atlantis,"])
    with pytest.raises(ListFileError):
        load_lists(LoadLists(), deps)
    assert deps.store.current_version() == live.info.version
    assert len(deps.store.versions()) == 1


def test_serving_process_picks_up_the_stored_current_version(tmp_path: Path) -> None:
    deps = _deps(tmp_path)
    registry = ListRegistry(lambda snapshot: len(snapshot))
    assert refresh_registry(registry, deps.store) is None
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,,", "2,person,B,,"])
    load_lists(LoadLists(), deps)
    delta = refresh_registry(registry, deps.store)
    assert delta is not None
    assert delta.summary() == "+2 ~0 -0"
    assert registry.current[1] == 2
    assert refresh_registry(registry, deps.store) is None  # already serving it
