"""The case: what an officer works on, folded from its events (see `fold.py`).

Workflow status (where the work is) is kept apart from the outcome (what was concluded), as
Marble does: a case can be closed with any outcome, reopened, and closed again with another,
and both histories stay readable in the timeline.

A case holds no SAR information at all. Filing a SAR is the outcome of a separate aggregate
(`core.sar`) with its own stream and store, so nothing that reads cases (analysts, dashboards,
onboarding) can learn that a SAR exists: the tipping-off rule holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.cases.core.roles import Role
from services.common.alerts import AlertSource, Severity, SubjectKind


class CaseKind(StrEnum):
    """What kind of work a case is; at most one case per (subject, kind) is open at a time."""

    SCREENING = "screening"  # sanctions/PEP hits, from onboarding screening or re-screening
    IDENTITY = "identity"  # failed or suspicious identity verification
    TRANSACTIONS = "transactions"  # rings and typologies found in the transaction graph
    ONBOARDING = "onboarding"  # policy referrals (e.g. enhanced due diligence)


KIND_OF_SOURCE: dict[AlertSource, CaseKind] = {
    AlertSource.SCREENING_HIT: CaseKind.SCREENING,
    # A re-screening hit is the same work as an onboarding hit: it joins the open screening case.
    AlertSource.RESCREENING_HIT: CaseKind.SCREENING,
    AlertSource.IDENTITY_CHECK: CaseKind.IDENTITY,
    AlertSource.GRAPH_RING: CaseKind.TRANSACTIONS,
    AlertSource.ONBOARDING: CaseKind.ONBOARDING,
}


class CaseStatus(StrEnum):
    OPEN = "open"  # in a queue, not yet being worked
    INVESTIGATING = "investigating"
    PENDING_APPROVAL = "pending_approval"  # a decision waits for its checker
    CLOSED = "closed"


class Outcome(StrEnum):
    """What a closed case concluded.

    There is deliberately no "SAR filed" here: escalation hands the case to the MLRO, and
    whether a SAR was filed lives only on the SAR record (see the module docstring).
    """

    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    ESCALATED = "escalated"
    INCONCLUSIVE = "inconclusive"


class HitVerdict(StrEnum):
    PENDING = "pending"
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"


@dataclass(frozen=True, slots=True, order=True)
class SubjectRef:
    """Who a case is about: a customer, an account or an applicant, by the producer's id."""

    kind: SubjectKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One screening hit of a case, reviewed on its own (customer vs one list entry)."""

    alert_key: str
    list_entry_id: str
    entry_hash: str
    subject_hash: str
    score: float
    verdict: HitVerdict = HitVerdict.PENDING
    reviewed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A proposed outcome waiting for its checker (four-eyes).

    `makers` are every officer whose judgement the decision carries (the proposer and whoever
    recorded a hit verdict in it): none of them may approve it.
    """

    id: str
    outcome: Outcome
    rationale: str
    proposed_by: str
    proposed_at: datetime
    checker_roles: frozenset[Role]
    makers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Case:
    """The state of one case after its events so far (`version` = seq of the last event)."""

    id: str
    kind: CaseKind
    subject: SubjectRef
    queue: str
    status: CaseStatus
    severity: Severity
    opened_at: datetime
    due_at: datetime
    version: int
    outcome: Outcome | None = None
    assignee: str | None = None
    snoozed_until: datetime | None = None
    alert_keys: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()
    pending: Decision | None = None
    closed_at: datetime | None = None
    title: str = ""
    typologies: tuple[str, ...] = ()
    related_subjects: tuple[str, ...] = ()
    reopen_count: int = 0

    @property
    def is_open(self) -> bool:
        """Open in the "one open case per subject and kind" sense: anything not closed."""
        return self.status is not CaseStatus.CLOSED

    def hit(self, alert_key: str) -> Hit | None:
        for hit in self.hits:
            if hit.alert_key == alert_key:
                return hit
        return None

    def is_snoozed(self, now: datetime) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > now
