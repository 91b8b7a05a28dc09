"""Read models: what the console, the dashboards and onboarding see of the case work.

All of them are built from cases and case events only. SARs live in another aggregate, so no
read model here can reveal one — in particular `SubjectStanding`, the only thing onboarding may
ask, is computed from case outcomes that have no "SAR" value at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.cases.core.events import (
    CaseEvent,
    CommentAdded,
    DecisionApproved,
    DecisionProposed,
    DecisionRejected,
    FieldChange,
    HitReviewed,
    OutcomeChanged,
    StatusChanged,
)
from services.cases.core.model import Case, CaseKind, CaseStatus, HitVerdict, Outcome
from services.cases.core.queues import QueueBook, SlaState, age_bucket, sla_state


class SubjectStanding(StrEnum):
    """All onboarding may learn about a subject from case management."""

    CLEAR = "clear"  # no open case, no confirmed match
    UNDER_REVIEW = "under_review"  # an officer is looking at it: hold the decision
    CONFIRMED_MATCH = "confirmed_match"  # a screening hit confirmed under four eyes


def standing_of(cases: Iterable[Case]) -> SubjectStanding:
    """The standing of one subject given all its cases.

    An escalated case reads as CLEAR once closed: telling onboarding anything else would reveal
    that the MLRO is considering a report. Holding the customer relationship is then the MLRO's
    decision, taken through a case of its own (e.g. an onboarding referral).
    """
    cases = list(cases)
    if any(case.is_open for case in cases):
        return SubjectStanding.UNDER_REVIEW
    screening = [c for c in cases if c.kind is CaseKind.SCREENING and c.closed_at is not None]
    latest = max(screening, key=lambda c: (c.closed_at, c.id), default=None)
    if latest is not None and latest.outcome is Outcome.TRUE_MATCH:
        return SubjectStanding.CONFIRMED_MATCH
    return SubjectStanding.CLEAR


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One row of a queue view."""

    case: Case
    sla: SlaState
    age: str
    snoozed: bool


def summarise(case: Case, queues: QueueBook, now: datetime) -> CaseSummary:
    queue = queues.named(case.queue)
    return CaseSummary(
        case, sla_state(case, queue, now), age_bucket(case, now), case.is_snoozed(now)
    )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as the case page shows it: who, when, what, old -> new, and any words."""

    seq: int
    at: datetime
    actor: str
    what: str
    changes: tuple[FieldChange, ...]
    note: str


def timeline(events: Iterable[CaseEvent]) -> tuple[TimelineEntry, ...]:
    return tuple(
        TimelineEntry(e.seq, e.at, e.actor, type(e).__name__, e.changes(), _note(e)) for e in events
    )


def _note(event: CaseEvent) -> str:
    if isinstance(event, CommentAdded):
        return event.text
    if isinstance(event, HitReviewed | DecisionProposed):
        return event.rationale
    if isinstance(event, DecisionRejected | StatusChanged):
        return event.reason
    if isinstance(event, DecisionApproved):
        return event.comment
    return ""


@dataclass(frozen=True, slots=True)
class Rate:
    """A false-positive rate with its counts (a rate without its base misleads)."""

    false_positives: int
    decided: int

    @property
    def rate(self) -> float:
        return self.false_positives / self.decided if self.decided else 0.0


@dataclass(frozen=True, slots=True)
class OfficerActivity:
    proposed: int = 0
    approved: int = 0
    sent_back: int = 0
    closed: int = 0


@dataclass(frozen=True, slots=True)
class Dashboard:
    open_by_queue: Mapping[str, int]
    sla_by_queue: Mapping[str, Mapping[SlaState, int]]
    ageing: Mapping[str, int]
    pending_approval: int
    by_officer: Mapping[str, OfficerActivity]
    fp_by_list: Mapping[str, Rate]
    fp_by_typology: Mapping[str, Rate]

    @property
    def breached(self) -> int:
        return sum(by_state.get(SlaState.BREACHED, 0) for by_state in self.sla_by_queue.values())


def dashboard(
    cases: Iterable[Case], events: Iterable[CaseEvent], queues: QueueBook, now: datetime
) -> Dashboard:
    """Figures for the dashboards (reference implementation; stores may compute them in SQL)."""
    cases = list(cases)
    open_cases = [c for c in cases if c.is_open]
    sla: dict[str, Counter[SlaState]] = defaultdict(Counter)
    for case in open_cases:
        sla[case.queue][sla_state(case, queues.named(case.queue), now)] += 1
    closed = [c for c in cases if c.status is CaseStatus.CLOSED]
    return Dashboard(
        open_by_queue=dict(Counter(c.queue for c in open_cases)),
        sla_by_queue={q: dict(counts) for q, counts in sla.items()},
        ageing=dict(Counter(age_bucket(c, now) for c in open_cases)),
        pending_approval=sum(c.status is CaseStatus.PENDING_APPROVAL for c in open_cases),
        by_officer=officer_activity(events),
        fp_by_list=fp_by_list(closed),
        fp_by_typology=fp_by_typology(closed),
    )


def officer_activity(events: Iterable[CaseEvent]) -> dict[str, OfficerActivity]:
    """Decisions per officer: proposed, approved as checker, sent back, and cases closed."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for event in events:
        if event.actor.startswith("system:"):
            continue
        if isinstance(event, DecisionProposed):
            counts[event.actor]["proposed"] += 1
        elif isinstance(event, DecisionApproved):
            counts[event.actor]["approved"] += 1
        elif isinstance(event, DecisionRejected):
            counts[event.actor]["sent_back"] += 1
        elif isinstance(event, OutcomeChanged) and event.new_outcome is not None:
            counts[event.actor]["closed"] += 1
    return {officer: OfficerActivity(**c) for officer, c in counts.items()}


def fp_by_list(closed: Iterable[Case]) -> dict[str, Rate]:
    """Share of reviewed hits cleared as false positives, per list (closed cases only)."""
    tally: dict[str, Counter[bool]] = defaultdict(Counter)
    for case in closed:
        for hit in case.hits:
            if hit.verdict is not HitVerdict.PENDING:
                source = hit.list_entry_id.partition(":")[0]
                tally[source][hit.verdict is HitVerdict.FALSE_POSITIVE] += 1
    return {src: Rate(c[True], c[True] + c[False]) for src, c in tally.items()}


def fp_by_typology(closed: Iterable[Case]) -> dict[str, Rate]:
    """Share of decided cases closed as false positives, per producer typology (or kind)."""
    tally: dict[str, Counter[bool]] = defaultdict(Counter)
    for case in closed:
        if case.outcome in (None, Outcome.INCONCLUSIVE):
            continue
        for typology in case.typologies or (case.kind.value,):
            tally[typology][case.outcome is Outcome.FALSE_POSITIVE] += 1
    return {t: Rate(c[True], c[True] + c[False]) for t, c in tally.items()}
