from __future__ import annotations

from pathlib import Path

import pytest

from services.common.runtime import Container
from services.common.settings import WardenSettings
from tests.watchlists.helpers import ONE_SOURCE_CATALOG, write_list
from watchlists.beat import RELOAD_TASK, schedule
from watchlists.deps import deps_of
from workers import deps
from workers.app import route_for
from workers.schedule import beat_schedule
from workers.tasks.watchlists import reload_lists


def test_reload_task_is_idempotent(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(ONE_SOURCE_CATALOG)
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,,", "2,person,B,,"])
    monkeypatch.setenv("WARDEN_WATCHLISTS_CATALOG", str(catalog))
    deps.install(container)
    try:
        first = reload_lists()
        again = reload_lists()  # a redelivered task
    finally:
        deps.reset()
    assert (first["parties"], first["delta"]) == (2, "+2 ~0 -0")
    assert again["version"] == first["version"]
    assert again["delta"] == "+0 ~0 -0"
    lists_deps = deps_of(container)
    assert lists_deps.store.current_version() == first["version"]
    assert [r.version for r in lists_deps.versions.history()] == [first["version"]]


def test_reload_runs_on_the_screening_queue_from_beat(settings: WardenSettings) -> None:
    assert route_for(RELOAD_TASK) == "screening"
    entry = schedule(settings)["reload-watchlists"]
    assert entry["task"] == RELOAD_TASK
    assert entry["options"]["queue"] == "screening"
    assert "reload-watchlists" in beat_schedule(settings)
