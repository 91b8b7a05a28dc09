"""Builders shared by the case tests: officers of every role, alerts, and cases in any status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.cases.core.assignment import claim
from services.cases.core.decisions import FourEyesPolicy, Proposal, propose, review_hit
from services.cases.core.events import CaseEvent
from services.cases.core.fold import evolve
from services.cases.core.intake import IntakeContext, intake_alert
from services.cases.core.model import Case, CaseStatus, HitVerdict, Outcome
from services.cases.core.queues import QueueBook
from services.cases.core.roles import Officer, Role
from services.common.alerts import Alert, AlertSource, ScreeningMatch, Severity, SubjectKind

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
QUEUES = QueueBook()
POLICY = FourEyesPolicy()


def officer(officer_id: str, *roles: Role) -> Officer:
    return Officer(officer_id, officer_id.title(), frozenset(roles))


ANA = officer("ana", Role.ANALYST)
ALEX = officer("alex", Role.ANALYST)
RITA = officer("rita", Role.REVIEWER)
ROB = officer("rob", Role.REVIEWER)
MIA = officer("mia", Role.MLRO)
MAX = officer("max", Role.MLRO)
ADA = officer("ada", Role.ADMIN)
AUD = officer("aud", Role.AUDITOR)
EVERY_ROLE = {
    Role.ANALYST: ANA,
    Role.REVIEWER: RITA,
    Role.MLRO: MIA,
    Role.ADMIN: ADA,
    Role.AUDITOR: AUD,
}


def screening_alert(
    n: int = 1,
    *,
    subject: str = "cust-1",
    severity: Severity = Severity.HIGH,
    at: datetime = T0,
    source: AlertSource = AlertSource.SCREENING_HIT,
) -> Alert:
    entry = f"ofac_sdn:{1000 + n}"
    return Alert(
        key=f"screening:{subject}:{entry}:h{n}",
        source=source,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=subject,
        severity=severity,
        title=f"Possible match with {entry}",
        raised_at=at,
        match=ScreeningMatch(entry, entry_hash=f"e{n}" * 8, subject_hash="c" * 16, score=0.9),
        typology="sanctions",
    )


def ring_alert(
    n: int = 1, *, subject: str = "acct-1", severity: Severity = Severity.MEDIUM
) -> Alert:
    return Alert(
        key=f"graph:ring:{n}",
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id=subject,
        severity=severity,
        title=f"Fan-in ring #{n}",
        raised_at=T0,
        typology="fan_in",
        related_subjects=("acct-2", "acct-3"),
    )


def apply(case: Case | None, events: tuple[CaseEvent, ...]) -> Case:
    for event in events:
        case = evolve(case, event)
    assert case is not None
    return case


def open_case(*alerts: Alert, now: datetime = T0) -> Case:
    """A case opened by the first alert with the others attached."""
    case: Case | None = None
    for alert in alerts or (screening_alert(),):
        ctx = IntakeContext(now=now, new_case_id="case-1", queues=QUEUES)
        result = intake_alert(alert, case, already_recorded=False, ctx=ctx)
        case = apply(case, result.events)
    assert case is not None
    return case


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def investigating(by: Officer = ANA) -> Case:
    return apply(open_case(), claim(open_case(), by, later(1)))


def pending(outcome: Outcome = Outcome.FALSE_POSITIVE, by: Officer = ANA) -> Case:
    """A screening case whose single hit was reviewed by `by`, waiting for a checker."""
    case = investigating(by)
    verdict = HitVerdict.TRUE_MATCH if outcome is Outcome.TRUE_MATCH else HitVerdict.FALSE_POSITIVE
    case = apply(
        case, review_hit(case, by, case.hits[0].alert_key, verdict, "dob differs", later(2))
    )
    proposal = Proposal("dec-1", outcome, "reviewed against the list record")
    case = apply(case, propose(case, by, proposal, POLICY, later(3)))
    assert case.status is CaseStatus.PENDING_APPROVAL
    return case
