"""`AlertSink`s of case management.

Producers raise alerts through the container's sink (`Container.alerts`), which records them
through the intake handler as they are raised (`intake_sink`, registered in `services.registry`)
so that an alert is in the database before the producer's operation succeeds. The
`cases.intake_alert` task on the `cases` queue takes alerts sent as messages (a build without
case management's hook, other producers).
"""

from __future__ import annotations

from services.cases.handlers import CaseDeps, intake
from services.cases.wiring import case_deps
from services.common.alerts import Alert
from services.common.runtime import Container


class HandlerAlertSink:
    def __init__(self, deps: CaseDeps) -> None:
        self.deps = deps

    def raise_alert(self, alert: Alert) -> None:
        intake(alert, self.deps)


def intake_sink(container: Container) -> HandlerAlertSink:
    """The `alert_intake` hook: this process's case dependencies record every alert raised."""
    return HandlerAlertSink(case_deps(container))
