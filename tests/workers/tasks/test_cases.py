"""The cases.intake_alert task: producers' alerts through the queue become cases, once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from services.cases.ports import CaseQuery
from services.cases.sinks import HandlerAlertSink
from services.cases.wiring import case_deps
from services.common.alerts import alert_from_dict, alert_to_dict
from services.common.runtime import Container
from tests.services.cases.factory import ring_alert, screening_alert
from workers import deps
from workers.app import route_for
from workers.embedded import EmbeddedWorker
from workers.tasks.cases import intake_alert


@pytest.fixture
def worker(container: Container) -> Iterator[Container]:
    deps.install(container)
    with EmbeddedWorker(container.celery, concurrency=2):
        yield container
    deps.reset()


def _recorded_keys(container: Container, expected: int) -> list[str]:
    """The alert keys recorded on cases, once `expected` are (or after ~5 s)."""
    keys: list[str] = []
    for _ in range(100):
        found = case_deps(container).cases.find(CaseQuery()).cases
        keys = sorted(key for case in found for key in case.alert_keys)
        if len(keys) >= expected:
            break
        time.sleep(0.05)
    return keys


def test_alerts_sent_to_the_queue_become_cases(worker: Container) -> None:
    assert route_for("cases.intake_alert") == "cases"
    for alert in (screening_alert(1), screening_alert(2), ring_alert(), screening_alert(1)):
        worker.alerts.raise_alert(alert)
    keys = _recorded_keys(worker, 3)
    assert keys == sorted([screening_alert(1).key, screening_alert(2).key, ring_alert().key])
    assert case_deps(worker).cases.find(CaseQuery()).total == 2  # the two hits share one case


def test_a_redelivered_task_has_no_second_effect(container: Container) -> None:
    deps.install(container)
    body = alert_to_dict(screening_alert())
    intake_alert.run(body)
    intake_alert.run(body)  # the same message again (acks_late after a killed worker)
    cases = case_deps(container).cases
    (case,) = cases.find(CaseQuery()).cases
    assert len(cases.events(case.id)) == 2  # opened + attached, once
    deps.reset()


def test_the_queue_encoding_keeps_match_and_typology() -> None:
    alert = screening_alert()
    assert alert_from_dict(alert_to_dict(alert)) == alert


def test_the_handler_sink_records_in_process(container: Container) -> None:
    sink = HandlerAlertSink(case_deps(container))
    sink.raise_alert(ring_alert())
    sink.raise_alert(ring_alert())
    assert case_deps(container).cases.find(CaseQuery()).total == 1
