"""Stand-ins for the areas onboarding composes, used while an area is not deployed.

Each is the safe answer, never a silent pass:
- identity or screening missing: the check "did not run" (None), which the policy turns into
  PENDING_REVIEW with a case (the default policy never approves without both checks);
- case management missing: every subject counts as under an open case, so retention purges
  nothing, and the audit trail only logs, so a real (non-dry-run) purge is refused.
`services.onboarding.deps` picks the real adapters when the areas are installed.
"""

from __future__ import annotations

import logging
import threading

from services.onboarding.core.application import Evidence
from services.onboarding.core.checks import IdentityOutcome, ScreeningOutcome
from services.onboarding.ports import AuditEvent, IdentityRequest
from watchlists.model import Party

log = logging.getLogger(__name__)


class _WarnOnce:
    """A warning the first time per process, then debug lines (one per application)."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._warned = threading.Event()

    def __call__(self, **fields: object) -> None:
        level = logging.DEBUG if self._warned.is_set() else logging.WARNING
        self._warned.set()
        log.log(level, self.message, extra={"fields": fields})


class IdentityNotDeployed:
    def check_images(self, evidence: tuple[Evidence, ...]) -> None:
        return None

    def __init__(self) -> None:
        self._note = _WarnOnce("identity verification is not deployed: checks recorded as not run")

    def verify(self, request: IdentityRequest) -> IdentityOutcome | None:
        self._note(application_id=request.application_id)
        return None


class ScreeningNotDeployed:
    def __init__(self) -> None:
        self._note = _WarnOnce(
            "screening is not deployed: checks recorded as not run, nobody monitored"
        )

    def screen(self, party: Party) -> ScreeningOutcome | None:
        self._note(customer_id=party.id)
        return None

    def monitor(self, party: Party) -> None:
        self._note(customer_id=party.id)


class CasesNotDeployed:
    """Without case management nobody can say a subject is clear: everything is exempt."""

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
        return subjects


class LoggedAuditTrail:
    """Audit entries as structured log lines (ids and codes only), when cases is missing.

    Not tamper-evident, hence `durable = False`: the purge refuses to shred with it.
    """

    durable = False

    def append(self, event: AuditEvent) -> None:
        log.warning(
            "audit (case management not deployed)",
            extra={
                "fields": {
                    "action": event.action,
                    "actor": event.actor,
                    "target": event.target,
                    "details": dict(event.details),
                }
            },
        )
