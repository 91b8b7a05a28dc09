"""The composition root's alert sink: case intake first, then every area's follow-up work;
and the task queue's answer when the broker is away."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from celery import Celery

from services.cases.ports import CaseQuery
from services.cases.wiring import case_deps
from services.common.alerts import Alert, AlertSource, FollowUp, Severity, SubjectKind
from services.common.errors import TransientError
from services.common.runtime import (
    ALERT_INTAKE_TASK,
    CeleryTaskQueue,
    Container,
    QueueAlertSink,
    RecordingAlertSink,
    registered_followups,
)


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append((task_name, queue))


def _alert(key: str = "k") -> Alert:
    return Alert(
        key=key,
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id="acc_1",
        severity=Severity.HIGH,
        title="ring",
        raised_at=datetime.now(UTC),
    )


def test_alerts_go_to_case_intake_then_to_follow_ups() -> None:
    alert = _alert()
    queue = Recorder()
    sink = QueueAlertSink(queue, (lambda a: [FollowUp("x.rerate", {"k": a.key})],))
    sink.raise_alert(alert)
    assert queue.sent == [(ALERT_INTAKE_TASK, "cases"), ("x.rerate", "default")]


def test_the_registry_provides_onboarding_rerating() -> None:
    names = {f.__module__ for f in registered_followups()}
    assert names == {"services.onboarding.followups"}


def test_the_container_records_alerts_as_they_are_raised_not_through_redis(
    container: Container,
) -> None:
    """Queued for intake, an alert raised just before its operation succeeded was lost with a
    Redis restart (docs/e2e.md): the container's sink records it in the database itself."""
    sink = container.alerts
    assert isinstance(sink, RecordingAlertSink)
    sink.raise_alert(_alert("graph:ring:1"))
    sink.raise_alert(_alert("graph:ring:1"))  # raised again by a redelivered task
    assert case_deps(container).cases.find(CaseQuery()).total == 1


class BrokerGone(Celery):
    """A Celery app whose broker connection was torn down mid-publish (as kombu does during a
    Redis restart: an AttributeError from deep inside the transport)."""

    def send_task(self, *args: Any, **kwargs: Any) -> Any:
        raise AttributeError("'NoneType' object has no attribute 'publish'")


def test_a_publish_while_the_broker_is_away_is_transient_not_a_bug() -> None:
    queue = CeleryTaskQueue(BrokerGone("t"))
    with pytest.raises(TransientError, match="task queue unavailable"):
        queue.enqueue("screening.rescreen_delta", {}, queue="screening")
