"""Case use cases: one function per officer or system action, shared by gRPC and Celery.

Each takes the acting officer's id (the principal the runtime authenticated, or the officer the
console acts for), resolves it to an `Officer` with roles from the officers table, and runs the
pure core inside a store unit of work. Authorisation is the core's (`core.roles`); these
functions never decide who may do what, they only fetch, call and store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.cases.core import assignment, decisions
from services.cases.core.assignment import EvidenceMeta
from services.cases.core.audit import AuditRecord, SecurityAction
from services.cases.core.decisions import FourEyesPolicy, Proposal, Reopening
from services.cases.core.events import CaseEvent, EvidenceAttached
from services.cases.core.intake import IntakeContext, IntakeResult, intake_alert
from services.cases.core.model import Case, CaseStatus, HitVerdict, Outcome, SubjectRef
from services.cases.core.queues import QueueBook, sla_windows
from services.cases.core.readmodels import (
    CaseSummary,
    Dashboard,
    SubjectStanding,
    TimelineEntry,
    dashboard,
    standing_of,
    summarise,
    timeline,
)
from services.cases.core.roles import Action, Officer, authorize
from services.cases.core.sar.export import FiuProfiles
from services.cases.ports import (
    Approval,
    AuditLog,
    CaseQuery,
    CaseStore,
    Change,
    EvidenceStore,
    OfficerDirectory,
    SarStore,
    SubjectDirectory,
    SuppressionStore,
)
from services.common.alerts import Alert, ScreeningMatch, Suppression
from services.common.errors import InvalidArgument, NotFound, PermissionDenied

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class CaseConfig:
    queues: QueueBook = field(default_factory=QueueBook)
    policy: FourEyesPolicy = field(default_factory=FourEyesPolicy)
    profiles: FiuProfiles = field(default_factory=FiuProfiles)


@dataclass(frozen=True, slots=True)
class CaseDeps:
    """Everything the case handlers use; built once per process by the composition root."""

    cases: CaseStore
    sars: SarStore
    officers: OfficerDirectory
    audit: AuditLog
    evidence: EvidenceStore
    suppressions: SuppressionStore
    subjects: SubjectDirectory
    clock: Callable[[], datetime]
    new_id: Callable[[str], str]
    config: CaseConfig = field(default_factory=CaseConfig)


def officer_of(actor_id: str, deps: CaseDeps) -> Officer:
    """The officer behind a principal; anyone else is refused without saying more."""
    try:
        return deps.officers.get(actor_id)
    except NotFound:
        raise PermissionDenied(
            "the caller is not a case officer", reason="NOT_AN_OFFICER"
        ) from None


# ------------------------------------------------------------------------------ system actions


def intake(alert: Alert, deps: CaseDeps) -> IntakeResult:
    """Record an alert: a new case, an attachment to the open one, or nothing (a duplicate)."""

    def decide(open_case: Case | None, recorded: bool) -> IntakeResult:
        ctx = IntakeContext(deps.clock(), deps.new_id("case"), deps.config.queues)
        return intake_alert(alert, open_case, already_recorded=recorded, ctx=ctx)

    return deps.cases.intake(alert, decide)


def subject_standing(subject: SubjectRef, deps: CaseDeps) -> SubjectStanding:
    """All onboarding may learn: clear, under review, or confirmed match."""
    return standing_of(deps.cases.subject_cases(subject))


def is_suppressed(customer_id: str, match: ScreeningMatch, deps: CaseDeps) -> bool:
    """Screening's question before it raises a hit."""
    return deps.suppressions.is_suppressed(customer_id, match)


def list_suppressions(actor_id: str, customer_id: str, deps: CaseDeps) -> tuple[Suppression, ...]:
    """The active false-positive clearances of a customer (the case page shows them)."""
    authorize(officer_of(actor_id, deps), Action.CASE_READ)
    return deps.suppressions.for_customer(customer_id)


def revoke_suppression(
    actor_id: str, suppression: Suppression, reason: str, deps: CaseDeps
) -> None:
    """Undo a clearance (e.g. new adverse information): screening raises the pair again."""
    officer = officer_of(actor_id, deps)
    authorize(officer, Action.SUPPRESSION_REVOKE)
    if not reason.strip():
        raise InvalidArgument.for_field("reason", "say why the clearance no longer holds")
    now = deps.clock()
    deps.suppressions.revoke(suppression, now, officer.id)
    target = f"suppression:{suppression.customer_id}/{suppression.list_entry_id}"
    record = AuditRecord(
        now, officer.id, SecurityAction.SUPPRESSION_REVOKED.value, target, {"reason": reason}
    )
    deps.audit.append([record])


# ------------------------------------------------------------------------------ reading


def list_cases(
    actor_id: str, query: CaseQuery, deps: CaseDeps
) -> tuple[tuple[CaseSummary, ...], int]:
    """A page of cases with their SLA state and age, and the total matching."""
    authorize(officer_of(actor_id, deps), Action.CASE_READ)
    now = deps.clock()
    bounded = _with_sla(replace(query, limit=max(1, min(query.limit, MAX_PAGE))), deps, now)
    page = deps.cases.find(bounded)
    return tuple(summarise(c, deps.config.queues, now) for c in page.cases), page.total


def _with_sla(query: CaseQuery, deps: CaseDeps, now: datetime) -> CaseQuery:
    """An SLA-state filter as due-date windows over open cases (what a store can index)."""
    if not query.sla_states:
        return query
    open_statuses = frozenset(s for s in CaseStatus if s is not CaseStatus.CLOSED)
    return replace(
        query,
        statuses=(query.statuses or open_statuses) & open_statuses,
        due_windows=sla_windows(query.sla_states, deps.config.queues, now),
    )


@dataclass(frozen=True, slots=True)
class CaseView:
    summary: CaseSummary
    alerts: tuple[Alert, ...]


def get_case(actor_id: str, case_id: str, deps: CaseDeps) -> CaseView:
    authorize(officer_of(actor_id, deps), Action.CASE_READ)
    case = deps.cases.get(case_id)
    return CaseView(summarise(case, deps.config.queues, deps.clock()), deps.cases.alerts(case_id))


def case_timeline(actor_id: str, case_id: str, deps: CaseDeps) -> tuple[TimelineEntry, ...]:
    authorize(officer_of(actor_id, deps), Action.CASE_READ)
    return timeline(deps.cases.events(case_id))


def case_dashboard(actor_id: str, deps: CaseDeps) -> Dashboard:
    authorize(officer_of(actor_id, deps), Action.DASHBOARD_READ)
    page = deps.cases.find(CaseQuery(limit=10**9))
    return dashboard(page.cases, deps.cases.decision_events(), deps.config.queues, deps.clock())


def get_evidence(
    actor_id: str, case_id: str, evidence_id: str, deps: CaseDeps
) -> tuple[EvidenceAttached, bytes]:
    """An attachment's metadata and bytes, checked against the digest recorded at upload."""
    authorize(officer_of(actor_id, deps), Action.CASE_READ)
    for event in deps.cases.events(case_id):
        if isinstance(event, EvidenceAttached) and event.evidence_id == evidence_id:
            return event, deps.evidence.get(event.sha256)
    raise NotFound("evidence", evidence_id)


# ------------------------------------------------------------------------------ working a case


def _events_only(
    command: Callable[[Case, Officer, datetime], tuple[CaseEvent, ...]],
) -> Callable[[Case, Officer, datetime], Change]:
    return lambda case, officer, now: Change(command(case, officer, now))


def _run(
    actor_id: str,
    case_id: str,
    deps: CaseDeps,
    command: Callable[[Case, Officer, datetime], Change],
) -> Case:
    officer = officer_of(actor_id, deps)
    return deps.cases.update(case_id, lambda case: command(case, officer, deps.clock()))


def claim_next(actor_id: str, queues: frozenset[str], deps: CaseDeps) -> Case | None:
    """Lock the next case of the given queues (all when empty) to the officer, atomically."""
    officer = officer_of(actor_id, deps)
    authorize(officer, Action.CASE_CLAIM)
    wanted = queues or frozenset(q.name for q in deps.config.queues.queues)
    now = deps.clock()
    return deps.cases.claim_next(wanted, now, lambda c: Change(assignment.claim(c, officer, now)))


def claim_case(actor_id: str, case_id: str, deps: CaseDeps) -> Case:
    return _run(actor_id, case_id, deps, _events_only(assignment.claim))


def assign_case(actor_id: str, case_id: str, assignee_id: str, deps: CaseDeps) -> Case:
    assignee = officer_of(assignee_id, deps)
    return _run(
        actor_id, case_id, deps, lambda c, o, now: Change(assignment.assign(c, o, assignee, now))
    )


def release_case(actor_id: str, case_id: str, reason: str, deps: CaseDeps) -> Case:
    return _run(
        actor_id, case_id, deps, lambda c, o, now: Change(assignment.release(c, o, reason, now))
    )


def snooze_case(
    actor_id: str, case_id: str, until: datetime | None, reason: str, deps: CaseDeps
) -> Case:
    return _run(
        actor_id,
        case_id,
        deps,
        lambda c, o, now: Change(assignment.snooze(c, o, until, reason, now)),
    )


def review_hit(
    actor_id: str, case_id: str, alert_key: str, verdict: HitVerdict, rationale: str, deps: CaseDeps
) -> Case:
    return _run(
        actor_id,
        case_id,
        deps,
        lambda c, o, now: Change(decisions.review_hit(c, o, alert_key, verdict, rationale, now)),
    )


def decide_case(
    actor_id: str, case_id: str, outcome: Outcome, rationale: str, deps: CaseDeps
) -> Case:
    """Propose an outcome: closes at once, or waits for a checker per the four-eyes policy."""
    proposal = Proposal(deps.new_id("dec"), outcome, rationale)
    policy = deps.config.policy
    return _run(
        actor_id,
        case_id,
        deps,
        lambda c, o, now: Change(decisions.propose(c, o, proposal, policy, now)),
    )


def approve_decision(actor_id: str, case_id: str, comment: str, deps: CaseDeps) -> Case:
    """The checker approves: the case closes; suppressions and approval rows are written with it."""

    def command(case: Case, officer: Officer, now: datetime) -> Change:
        result = decisions.approve(case, officer, comment, now)
        assert case.pending is not None  # approve() refused otherwise
        rows = tuple(
            Approval(f"case:{case.id}", case.pending.id, maker, officer.id, now)
            for maker in sorted(case.pending.makers)
        )
        return Change(result.events, result.suppressions, rows)

    return _run(actor_id, case_id, deps, command)


def reject_decision(actor_id: str, case_id: str, reason: str, deps: CaseDeps) -> Case:
    return _run(
        actor_id, case_id, deps, lambda c, o, now: Change(decisions.reject(c, o, reason, now))
    )


def withdraw_decision(actor_id: str, case_id: str, reason: str, deps: CaseDeps) -> Case:
    return _run(
        actor_id, case_id, deps, lambda c, o, now: Change(decisions.withdraw(c, o, reason, now))
    )


def reopen_case(actor_id: str, case_id: str, reason: str, deps: CaseDeps) -> Case:
    def command(case: Case, officer: Officer, now: datetime) -> Change:
        reopening = Reopening(
            reason, deps.config.queues.named(case.queue), deps.cases.other_open_case(case)
        )
        return Change(decisions.reopen(case, officer, reopening, now))

    return _run(actor_id, case_id, deps, command)


def comment_case(actor_id: str, case_id: str, text: str, deps: CaseDeps) -> Case:
    comment_id = deps.new_id("note")
    return _run(
        actor_id,
        case_id,
        deps,
        lambda c, o, now: Change(assignment.comment(c, o, text, comment_id, now)),
    )


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    media_type: str
    content: bytes


def attach_evidence(actor_id: str, case_id: str, upload: Upload, deps: CaseDeps) -> EvidenceMeta:
    """Store the bytes under their SHA-256, then record the attachment on the case."""
    officer = officer_of(actor_id, deps)
    authorize(officer, Action.CASE_ATTACH)
    meta = EvidenceMeta(
        evidence_id=deps.new_id("ev"),
        filename=upload.filename,
        media_type=upload.media_type,
        sha256="0" * 64,
        size=len(upload.content),
    )
    assignment.validate_evidence(meta)  # refuse before storing anything
    stored = replace(meta, sha256=deps.evidence.put(upload.content))
    deps.cases.update(
        case_id, lambda c: Change(assignment.attach(c, officer, stored, deps.clock()))
    )
    return stored
