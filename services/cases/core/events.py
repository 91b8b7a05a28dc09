"""Case events: typed, append-only records of everything that happened to a case.

Each event says who (`actor`: an officer id, or "system:<source>"), when (`at`), what (its type)
and, where something changed, the old and the new value — `changes()` lists them for the
timeline. A case is nothing but the fold of its events (`fold.replay`); the store appends and
never updates. Events serialise to JSON-ready dicts (`event_to_dict` / `event_from_dict`) for
persistence and for the audit chain.

Status and outcome change only through `StatusChanged` and `OutcomeChanged`, so "when did this
case close, and who closed it" is always one kind of event to look for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from services.cases.core.audit import AuditRecord
from services.cases.core.codec import decode_typed, encode_typed
from services.cases.core.model import CaseKind, CaseStatus, Hit, HitVerdict, Outcome, SubjectRef
from services.cases.core.roles import Role
from services.common.alerts import AlertSource, Severity


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed value, as the timeline shows it ("assignee: None -> ana")."""

    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseEvent:
    """Common header of every case event; `seq` numbers the case's events from 1."""

    case_id: str
    seq: int
    at: datetime
    actor: str

    def changes(self) -> tuple[FieldChange, ...]:
        return ()


class Header(TypedDict):
    """The header fields of the next event of a case, for `Event(**header(...), ...)`."""

    case_id: str
    seq: int
    at: datetime
    actor: str


def header(case_id: str, version: int, actor: str, at: datetime, offset: int = 1) -> Header:
    """Header of the event `offset` places after the case's current `version`."""
    return Header(case_id=case_id, seq=version + offset, at=at, actor=actor)


class EventBatch:
    """Collects the events one command causes, numbering them after the case's version."""

    def __init__(self, case_id: str, version: int, actor: str, at: datetime) -> None:
        self._case_id, self._version, self._actor, self._at = case_id, version, actor, at
        self.events: list[CaseEvent] = []

    def next(self) -> Header:
        """Header for the next event; pass it as `Event(**batch.next(), ...)` then `add` it."""
        return header(self._case_id, self._version, self._actor, self._at, len(self.events) + 1)

    def add(self, event: CaseEvent) -> None:
        self.events.append(event)

    def done(self) -> tuple[CaseEvent, ...]:
        return tuple(self.events)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseOpened(CaseEvent):
    kind: CaseKind
    subject: SubjectRef
    queue: str
    severity: Severity
    due_at: datetime
    title: str

    def changes(self) -> tuple[FieldChange, ...]:
        return (
            FieldChange("status", None, CaseStatus.OPEN),
            FieldChange("queue", None, self.queue),
            FieldChange("severity", None, self.severity),
            FieldChange("due_at", None, self.due_at),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertAttached(CaseEvent):
    alert_key: str
    source: AlertSource
    severity: Severity
    title: str
    raised_at: datetime
    hit: Hit | None = None
    typology: str = ""
    related_subjects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SeverityRaised(CaseEvent):
    old_severity: Severity
    new_severity: Severity
    old_due_at: datetime
    new_due_at: datetime

    def changes(self) -> tuple[FieldChange, ...]:
        return (
            FieldChange("severity", self.old_severity, self.new_severity),
            FieldChange("due_at", self.old_due_at, self.new_due_at),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DueDateChanged(CaseEvent):
    """A new SLA clock, e.g. when a closed case is reopened."""

    old_due_at: datetime
    new_due_at: datetime
    reason: str = ""

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("due_at", self.old_due_at, self.new_due_at),)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssigneeChanged(CaseEvent):
    old_assignee: str | None
    new_assignee: str | None

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("assignee", self.old_assignee, self.new_assignee),)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChanged(CaseEvent):
    old_status: CaseStatus
    new_status: CaseStatus
    reason: str = ""

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("status", self.old_status, self.new_status),)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeChanged(CaseEvent):
    old_outcome: Outcome | None
    new_outcome: Outcome | None

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("outcome", self.old_outcome, self.new_outcome),)


@dataclass(frozen=True, slots=True, kw_only=True)
class SnoozeChanged(CaseEvent):
    old_until: datetime | None
    new_until: datetime | None
    reason: str = ""

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("snoozed_until", self.old_until, self.new_until),)


@dataclass(frozen=True, slots=True, kw_only=True)
class HitReviewed(CaseEvent):
    alert_key: str
    old_verdict: HitVerdict
    new_verdict: HitVerdict
    rationale: str

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange(f"hit[{self.alert_key}]", self.old_verdict, self.new_verdict),)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionProposed(CaseEvent):
    decision_id: str
    outcome: Outcome
    rationale: str
    checker_roles: frozenset[Role]
    makers: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionApproved(CaseEvent):
    """The checker (`actor`) approved; `makers` are recorded beside them for the auditor."""

    decision_id: str
    outcome: Outcome
    makers: frozenset[str]
    comment: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionRejected(CaseEvent):
    """Sent back by the checker, withdrawn by its maker, or voided by a new alert (system)."""

    decision_id: str
    outcome: Outcome
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentAdded(CaseEvent):
    comment_id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceAttached(CaseEvent):
    """Metadata of an attachment; the bytes live in the evidence store under `sha256`."""

    evidence_id: str
    filename: str
    media_type: str
    sha256: str
    size: int


EVENT_TYPES: dict[str, type[CaseEvent]] = {
    cls.__name__: cls
    for cls in (
        CaseOpened,
        AlertAttached,
        SeverityRaised,
        DueDateChanged,
        AssigneeChanged,
        StatusChanged,
        OutcomeChanged,
        SnoozeChanged,
        HitReviewed,
        DecisionProposed,
        DecisionApproved,
        DecisionRejected,
        CommentAdded,
        EvidenceAttached,
    )
}


def event_to_dict(event: CaseEvent) -> dict[str, object]:
    """JSON-ready form of an event, with its type name under "type"."""
    return encode_typed(event)


def event_from_dict(data: dict[str, object]) -> CaseEvent:
    """Inverse of `event_to_dict`; an unknown type or bad field raises InvalidArgument."""
    return decode_typed(EVENT_TYPES, data)


_HEADER = frozenset({"type", "case_id", "seq", "at", "actor"})


def audit_record(event: CaseEvent) -> AuditRecord:
    """The audit-log record of a case event: the whole event, so the log alone can replay it."""
    body = event_to_dict(event)
    details = {k: v for k, v in body.items() if k not in _HEADER}
    return AuditRecord(
        at=event.at,
        actor=event.actor,
        action=f"case.{type(event).__name__}",
        target=f"case:{event.case_id}#{event.seq}",
        details=details,
    )
