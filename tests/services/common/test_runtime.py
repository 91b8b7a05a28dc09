"""The composition root's alert sink: case intake first, then every area's follow-up work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from services.common.alerts import Alert, AlertSource, FollowUp, Severity, SubjectKind
from services.common.runtime import ALERT_INTAKE_TASK, QueueAlertSink, registered_followups


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append((task_name, queue))


def test_alerts_go_to_case_intake_then_to_follow_ups() -> None:
    alert = Alert(
        key="k",
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id="acc_1",
        severity=Severity.HIGH,
        title="ring",
        raised_at=datetime.now(UTC),
    )
    queue = Recorder()
    sink = QueueAlertSink(queue, (lambda a: [FollowUp("x.rerate", {"k": a.key})],))
    sink.raise_alert(alert)
    assert queue.sent == [(ALERT_INTAKE_TASK, "cases"), ("x.rerate", "default")]


def test_the_registry_provides_onboarding_rerating() -> None:
    names = {f.__module__ for f in registered_followups()}
    assert names == {"services.onboarding.followups"}
