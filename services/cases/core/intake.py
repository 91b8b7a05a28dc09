"""Alert intake: every producer's alert becomes a new case or joins the open one.

Rules (Jube's, plus ours):
- idempotent by `Alert.key`: an alert already recorded (a retried task, a re-run sweep) changes
  nothing;
- at most one open case per (subject, kind): a new alert attaches to it;
- severity only rises, and a rise can only bring the due date closer;
- new information wakes a snoozed case, and voids a decision waiting for approval: the checker
  must not approve a conclusion reached without the alert that just arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.cases.core.events import (
    AlertAttached,
    CaseEvent,
    CaseOpened,
    DecisionRejected,
    EventBatch,
    Header,
    SeverityRaised,
    SnoozeChanged,
    StatusChanged,
    header,
)
from services.cases.core.model import KIND_OF_SOURCE, Case, CaseKind, CaseStatus, Hit, SubjectRef
from services.cases.core.queues import QueueBook, due_after, raised_due_at
from services.common.alerts import Alert, AlertSource
from services.common.errors import FailedPrecondition, FieldViolation, InvalidArgument

MAX_KEY_LENGTH = 512
MAX_TITLE_LENGTH = 500
MAX_SUMMARY_LENGTH = 10_000
MAX_RELATED_SUBJECTS = 1_000
_SCREENING_SOURCES = frozenset({AlertSource.SCREENING_HIT, AlertSource.RESCREENING_HIT})


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What intake decided: `events` to append (none for a duplicate) to case `case_id`."""

    case_id: str | None
    events: tuple[CaseEvent, ...]
    opened: bool = False

    @property
    def duplicate(self) -> bool:
        return not self.events


@dataclass(frozen=True, slots=True)
class IntakeContext:
    """What intake needs besides the alert: the clock, an id for a new case, the queues."""

    now: datetime
    new_case_id: str
    queues: QueueBook


def case_key(alert: Alert) -> tuple[SubjectRef, CaseKind]:
    """The (subject, kind) an alert belongs to: at most one open case per key."""
    return SubjectRef(alert.subject_kind, alert.subject_id), KIND_OF_SOURCE[alert.source]


def intake_alert(
    alert: Alert, open_case: Case | None, *, already_recorded: bool, ctx: IntakeContext
) -> IntakeResult:
    """Decide the events an alert causes, given the open case of its (subject, kind), if any."""
    validate_alert(alert)
    if already_recorded or (open_case is not None and alert.key in open_case.alert_keys):
        return IntakeResult(open_case.id if open_case else None, ())
    if open_case is None:
        return _open_case(alert, ctx)
    if not open_case.is_open or (open_case.subject, open_case.kind) != case_key(alert):
        raise FailedPrecondition(f"alert {alert.key} does not belong to case {open_case.id}")
    return IntakeResult(open_case.id, _attach(alert, open_case, ctx.now, ctx.queues))


def validate_alert(alert: Alert) -> None:
    """Refuse an alert that cannot be routed or stored, naming every bad field."""
    problems = [
        FieldViolation(name, text)
        for name, text, bad in (
            ("key", "must not be empty", not alert.key.strip()),
            ("key", f"longer than {MAX_KEY_LENGTH} characters", len(alert.key) > MAX_KEY_LENGTH),
            ("subject_id", "must not be empty", not alert.subject_id.strip()),
            ("title", "must not be empty", not alert.title.strip()),
            ("title", f"longer than {MAX_TITLE_LENGTH}", len(alert.title) > MAX_TITLE_LENGTH),
            (
                "summary",
                f"longer than {MAX_SUMMARY_LENGTH}",
                len(alert.summary) > MAX_SUMMARY_LENGTH,
            ),
            ("raised_at", "needs a time zone", alert.raised_at.tzinfo is None),
            (
                "related_subjects",
                f"more than {MAX_RELATED_SUBJECTS}",
                len(alert.related_subjects) > MAX_RELATED_SUBJECTS,
            ),
            (
                "match",
                "only screening alerts carry a list match",
                alert.match is not None and alert.source not in _SCREENING_SOURCES,
            ),
        )
        if bad
    ]
    if problems:
        raise InvalidArgument(f"alert {alert.key[:80]!r} is invalid", problems)


def _hit_of(alert: Alert) -> Hit | None:
    if alert.match is None:
        return None
    return Hit(
        alert_key=alert.key,
        list_entry_id=alert.match.list_entry_id,
        entry_hash=alert.match.entry_hash,
        subject_hash=alert.match.subject_hash,
        score=alert.match.score,
    )


def _attached(alert: Alert, hdr: Header) -> AlertAttached:
    return AlertAttached(
        **hdr,
        alert_key=alert.key,
        source=alert.source,
        severity=alert.severity,
        title=alert.title,
        raised_at=alert.raised_at,
        hit=_hit_of(alert),
        typology=alert.typology,
        related_subjects=tuple(alert.related_subjects),
    )


def _open_case(alert: Alert, ctx: IntakeContext) -> IntakeResult:
    subject, kind = case_key(alert)
    queue = ctx.queues.for_kind(kind)
    # The SLA runs from when the finding was raised (a retried task must not buy time), but
    # never from the future (a producer's clock may run ahead).
    started = min(alert.raised_at, ctx.now)
    actor = f"system:{alert.source.value}"
    opened = CaseOpened(
        **header(ctx.new_case_id, 0, actor, ctx.now),
        kind=kind,
        subject=subject,
        queue=queue.name,
        severity=alert.severity,
        due_at=due_after(queue, alert.severity, started),
        title=alert.title,
    )
    attached = _attached(alert, header(ctx.new_case_id, 1, actor, ctx.now))
    return IntakeResult(ctx.new_case_id, (opened, attached), opened=True)


def _attach(alert: Alert, case: Case, now: datetime, queues: QueueBook) -> tuple[CaseEvent, ...]:
    batch = EventBatch(case.id, case.version, f"system:{alert.source.value}", now)
    batch.add(_attached(alert, batch.next()))
    if alert.severity.rank > case.severity.rank:
        new_due = raised_due_at(queues.named(case.queue), alert.severity, now, case.due_at)
        batch.add(
            SeverityRaised(
                **batch.next(),
                old_severity=case.severity,
                new_severity=alert.severity,
                old_due_at=case.due_at,
                new_due_at=new_due,
            )
        )
    if case.snoozed_until is not None:
        reason = f"woken by new alert {alert.key}"
        batch.add(
            SnoozeChanged(
                **batch.next(), old_until=case.snoozed_until, new_until=None, reason=reason
            )
        )
    if case.pending is not None and case.status is CaseStatus.PENDING_APPROVAL:
        reason = f"new alert {alert.key} arrived while the decision waited for approval"
        batch.add(
            DecisionRejected(
                **batch.next(),
                decision_id=case.pending.id,
                outcome=case.pending.outcome,
                reason=reason,
            )
        )
        batch.add(
            StatusChanged(
                **batch.next(),
                old_status=CaseStatus.PENDING_APPROVAL,
                new_status=CaseStatus.INVESTIGATING,
                reason=reason,
            )
        )
    return batch.done()
