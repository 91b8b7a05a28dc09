"""`AlertSink`s of case management.

In production producers use the runtime's `QueueAlertSink` (the `cases.intake_alert` task on the
`cases` queue). `HandlerAlertSink` records alerts directly through the intake handler: for
embedded runs and tests where a producer and case management share a process. (Onboarding's
decision step records its alerts through the handler too: `DecisionIntake`.)
"""

from __future__ import annotations

from services.cases.handlers import CaseDeps, intake
from services.common.alerts import Alert


class HandlerAlertSink:
    def __init__(self, deps: CaseDeps) -> None:
        self.deps = deps

    def raise_alert(self, alert: Alert) -> None:
        intake(alert, self.deps)
