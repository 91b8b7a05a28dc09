"""A case is the left fold of its events: `replay(events)`, one `evolve` step per event.

`evolve` trusts its input (events were validated by the workflow when they were decided) but
checks the stream's integrity: events must belong to the case and come in `seq` order without
gaps, so a store bug or a tampered stream is reported instead of folded into a wrong state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import singledispatch

from services.cases.core.events import (
    AlertAttached,
    AssigneeChanged,
    CaseEvent,
    CaseOpened,
    CommentAdded,
    DecisionApproved,
    DecisionProposed,
    DecisionRejected,
    DueDateChanged,
    EvidenceAttached,
    HitReviewed,
    OutcomeChanged,
    SeverityRaised,
    SnoozeChanged,
    StatusChanged,
)
from services.cases.core.model import Case, CaseStatus, Decision
from services.common.errors import FailedPrecondition


def replay(events: Iterable[CaseEvent]) -> Case:
    """The case after all its events; the first must be `CaseOpened`."""
    case: Case | None = None
    for event in events:
        case = evolve(case, event)
    if case is None:
        raise FailedPrecondition("a case needs at least its CaseOpened event")
    return case


def evolve(case: Case | None, event: CaseEvent) -> Case:
    """Apply one event to the case state (None before `CaseOpened`)."""
    if case is None:
        if not isinstance(event, CaseOpened) or event.seq != 1:
            raise FailedPrecondition(f"case {event.case_id}: stream must start with CaseOpened")
        return _opened(event)
    if event.case_id != case.id or event.seq != case.version + 1:
        raise FailedPrecondition(
            f"case {case.id}: event {event.case_id}#{event.seq} does not follow #{case.version}"
        )
    return replace(_apply(event, case), version=event.seq)


def _opened(event: CaseOpened) -> Case:
    return Case(
        id=event.case_id,
        kind=event.kind,
        subject=event.subject,
        queue=event.queue,
        status=CaseStatus.OPEN,
        severity=event.severity,
        opened_at=event.at,
        due_at=event.due_at,
        version=event.seq,
        title=event.title,
    )


@singledispatch
def _apply(event: CaseEvent, case: Case) -> Case:
    raise FailedPrecondition(f"case {case.id}: {type(event).__name__} cannot follow CaseOpened")


@_apply.register
def _(event: AlertAttached, case: Case) -> Case:
    hits = (*case.hits, event.hit) if event.hit is not None else case.hits
    typologies = case.typologies
    if event.typology and event.typology not in typologies:
        typologies = (*typologies, event.typology)
    related = tuple(dict.fromkeys((*case.related_subjects, *event.related_subjects)))
    return replace(
        case,
        alert_keys=(*case.alert_keys, event.alert_key),
        hits=hits,
        typologies=typologies,
        related_subjects=related,
    )


@_apply.register
def _(event: SeverityRaised, case: Case) -> Case:
    return replace(case, severity=event.new_severity, due_at=event.new_due_at)


@_apply.register
def _(event: DueDateChanged, case: Case) -> Case:
    return replace(case, due_at=event.new_due_at)


@_apply.register
def _(event: AssigneeChanged, case: Case) -> Case:
    return replace(case, assignee=event.new_assignee)


@_apply.register
def _(event: StatusChanged, case: Case) -> Case:
    closed_at = event.at if event.new_status is CaseStatus.CLOSED else None
    reopened = case.status is CaseStatus.CLOSED and event.new_status is not CaseStatus.CLOSED
    return replace(
        case,
        status=event.new_status,
        closed_at=closed_at,
        reopen_count=case.reopen_count + int(reopened),
        snoozed_until=None if closed_at else case.snoozed_until,
    )


@_apply.register
def _(event: OutcomeChanged, case: Case) -> Case:
    return replace(case, outcome=event.new_outcome)


@_apply.register
def _(event: SnoozeChanged, case: Case) -> Case:
    return replace(case, snoozed_until=event.new_until)


@_apply.register
def _(event: HitReviewed, case: Case) -> Case:
    hits = tuple(
        replace(h, verdict=event.new_verdict, reviewed_by=event.actor)
        if h.alert_key == event.alert_key
        else h
        for h in case.hits
    )
    return replace(case, hits=hits)


@_apply.register
def _(event: DecisionProposed, case: Case) -> Case:
    decision = Decision(
        id=event.decision_id,
        outcome=event.outcome,
        rationale=event.rationale,
        proposed_by=event.actor,
        proposed_at=event.at,
        checker_roles=event.checker_roles,
        makers=event.makers,
    )
    return replace(case, pending=decision)


@_apply.register(DecisionApproved)
@_apply.register(DecisionRejected)
def _(event: CaseEvent, case: Case) -> Case:
    return replace(case, pending=None)


@_apply.register(CommentAdded)
@_apply.register(EvidenceAttached)
def _(event: CaseEvent, case: Case) -> Case:
    return case
