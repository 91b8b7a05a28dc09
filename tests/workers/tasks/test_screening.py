"""The re-screening task shell: reads the delta at the requested version and raises alerts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from services.common.errors import TransientError
from services.common.runtime import Container
from services.screening import handlers
from services.screening.deps import AREA, RESCREEN_TASK, rescreen_on_delta
from services.screening.handlers import ScreenCommand
from services.screening.ports import StaticLists
from tests.services.screening.support import BASE_LIST, deps_with, person
from workers import deps as worker_deps
from workers.tasks.screening import rescreen_delta


class RecordingQueue:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append((task_name, dict(kwargs), queue))


@pytest.fixture
def installed(container: Container) -> Iterator[handlers.ScreeningDeps]:
    screening, _ = deps_with()
    container.area(AREA, lambda _: screening)
    worker_deps.install(container)
    yield screening
    worker_deps.reset()


def test_listener_enqueues_ids_and_task_raises_the_new_hits(
    installed: handlers.ScreeningDeps,
) -> None:
    lists = installed.lists
    assert isinstance(lists, StaticLists)
    queue = RecordingQueue()
    lists.subscribe(rescreen_on_delta(queue, lists))
    handlers.screen(ScreenCommand(person("crm:c1", "Ivan Petrov"), monitor=True), installed)
    lists.reload((*BASE_LIST, person("ofac:petrov", "PETROV, Ivan")))
    [(task, kwargs, queue_name)] = queue.sent
    assert (task, queue_name) == (RESCREEN_TASK, "screening")
    assert kwargs["added"] == ["ofac:petrov"]
    alerts = rescreen_delta.run(**kwargs)
    assert alerts == 1


def test_task_waits_for_its_version(installed: handlers.ScreeningDeps) -> None:
    with pytest.raises(TransientError):
        rescreen_delta.run(version="not-loaded-yet", added=["ofac:x"], changed=[])
