"""Queues, service-level agreements, due dates, ageing and the claim-next order.

A queue is where cases of some kinds wait for officers; its SLA gives, per severity, how long a
case may take from arrival to closure. The SLA clock keeps running while a case is snoozed or
waits for approval: regulators measure the bank's response time, not the officer's.

`claim_order` is the one definition of "the next case": the database adapters implement it in
SQL and a test checks they agree with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from services.cases.core.model import Case, CaseKind, CaseStatus
from services.common.alerts import Severity
from services.common.errors import InvalidArgument, NotFound


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"  # less than `at_risk_fraction` of the allowed time remains
    BREACHED = "breached"  # open past its due date
    MET = "met"  # closed on time
    MISSED = "missed"  # closed late


_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """One queue: which case kinds land in it and the SLA per severity."""

    name: str
    kinds: frozenset[CaseKind]
    sla: Mapping[Severity, timedelta]
    at_risk_fraction: float = 0.25

    def __post_init__(self) -> None:
        missing = [s.value for s in Severity if s not in self.sla]
        if missing:
            raise InvalidArgument.for_field(f"queues.{self.name}.sla", f"missing {missing}")
        if any(d <= timedelta(0) for d in self.sla.values()):
            raise InvalidArgument.for_field(f"queues.{self.name}.sla", "must be positive")
        if not 0 < self.at_risk_fraction < 1:
            raise InvalidArgument.for_field(
                f"queues.{self.name}.at_risk_fraction", "must be between 0 and 1"
            )


def _sla(
    critical: timedelta, high: timedelta, medium: timedelta, low: timedelta
) -> dict[Severity, timedelta]:
    return {
        Severity.CRITICAL: critical,
        Severity.HIGH: high,
        Severity.MEDIUM: medium,
        Severity.LOW: low,
    }


@dataclass(frozen=True, slots=True)
class QueueBook:
    """All queues, and which queue each case kind is routed to."""

    queues: tuple[QueueConfig, ...] = field(default_factory=lambda: DEFAULT_QUEUES)

    def __post_init__(self) -> None:
        routed = [k for q in self.queues for k in q.kinds]
        if len(routed) != len(set(routed)):
            raise InvalidArgument.for_field("queues", "a case kind is routed to two queues")
        unrouted = [k.value for k in CaseKind if k not in routed]
        if unrouted:
            raise InvalidArgument.for_field("queues", f"no queue for case kinds {unrouted}")

    def for_kind(self, kind: CaseKind) -> QueueConfig:
        return next(q for q in self.queues if kind in q.kinds)

    def named(self, name: str) -> QueueConfig:
        for queue in self.queues:
            if queue.name == name:
                return queue
        raise NotFound("queue", name)


# Sanctions hits are the most urgent (a confirmed hit means frozen funds within a day in most
# regimes); identity and onboarding referrals hold up a customer; ring work is investigative.
DEFAULT_QUEUES: tuple[QueueConfig, ...] = (
    QueueConfig(
        "sanctions", frozenset({CaseKind.SCREENING}), _sla(4 * _HOUR, _DAY, 2 * _DAY, 5 * _DAY)
    ),
    QueueConfig(
        "identity", frozenset({CaseKind.IDENTITY}), _sla(8 * _HOUR, _DAY, 3 * _DAY, 5 * _DAY)
    ),
    QueueConfig(
        "onboarding", frozenset({CaseKind.ONBOARDING}), _sla(8 * _HOUR, _DAY, 3 * _DAY, 5 * _DAY)
    ),
    QueueConfig(
        "transactions",
        frozenset({CaseKind.TRANSACTIONS}),
        _sla(_DAY, 3 * _DAY, 10 * _DAY, 30 * _DAY),
    ),
)


def due_after(queue: QueueConfig, severity: Severity, start: datetime) -> datetime:
    """When a case of this severity arriving at `start` must be closed."""
    return start + queue.sla[severity]


def raised_due_at(
    queue: QueueConfig, severity: Severity, now: datetime, due_at: datetime
) -> datetime:
    """Due date after the severity rose to `severity` at `now`.

    The new SLA runs from the arrival of the alert that raised it, not from the case's opening:
    counting from the opening would breach an old case the instant a critical alert joins it.
    It never moves the due date later.
    """
    return min(due_at, due_after(queue, severity, now))


def sla_state(case: Case, queue: QueueConfig, now: datetime) -> SlaState:
    """Where the case stands against its due date (closed cases: met or missed)."""
    if case.status is CaseStatus.CLOSED:
        closed = case.closed_at or now
        return SlaState.MET if closed <= case.due_at else SlaState.MISSED
    if now > case.due_at:
        return SlaState.BREACHED
    allowed = queue.sla[case.severity]
    return (
        SlaState.AT_RISK
        if case.due_at - now < allowed * queue.at_risk_fraction
        else SlaState.ON_TRACK
    )


AGE_BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("<1d", _DAY),
    ("1-3d", 3 * _DAY),
    ("3-7d", 7 * _DAY),
    ("7-30d", 30 * _DAY),
)
OLDEST_BUCKET = ">30d"


def age_bucket(case: Case, now: datetime) -> str:
    """Ageing bucket of an open case, by time since it was opened."""
    age = now - case.opened_at
    for label, limit in AGE_BUCKETS:
        if age < limit:
            return label
    return OLDEST_BUCKET


def claimable(case: Case, queues: frozenset[str], now: datetime) -> bool:
    """Whether claim-next may hand this case out: open, unassigned, awake, in a wanted queue."""
    return (
        case.status is CaseStatus.OPEN
        and case.assignee is None
        and not case.is_snoozed(now)
        and case.queue in queues
    )


def claim_order(case: Case) -> tuple[datetime, int, datetime, str]:
    """Sort key of claim-next: earliest due first, then most severe, then oldest, then id."""
    return (case.due_at, -case.severity.rank, case.opened_at, case.id)


@dataclass(frozen=True, slots=True)
class DueWindow:
    """Open cases of one queue and severity (None: any) due in [due_from, due_to)."""

    queue: str | None
    severity: Severity | None
    due_from: datetime | None
    due_to: datetime | None

    def holds(self, case: Case) -> bool:
        return (
            (self.queue is None or case.queue == self.queue)
            and (self.severity is None or case.severity is self.severity)
            and (self.due_from is None or case.due_at >= self.due_from)
            and (self.due_to is None or case.due_at < self.due_to)
        )


OPEN_SLA_STATES = frozenset({SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED})


def sla_windows(
    states: frozenset[SlaState], book: QueueBook, now: datetime
) -> tuple[DueWindow, ...]:
    """Due-date windows whose open cases are in exactly `states` at `now` (see `sla_state`).

    Lets a store filter by SLA state in SQL: breached is due before now; at risk is due within
    the queue's at-risk share of the severity's SLA; on track is due later than that.
    """
    if not states <= OPEN_SLA_STATES:
        raise InvalidArgument.for_field("sla_states", "only open cases have an SLA state to filter")
    windows: list[DueWindow] = []
    if SlaState.BREACHED in states:
        windows.append(DueWindow(None, None, None, now))
    for queue in book.queues:
        for severity, allowed in queue.sla.items():
            risk_until = now + allowed * queue.at_risk_fraction
            if SlaState.AT_RISK in states:
                windows.append(DueWindow(queue.name, severity, now, risk_until))
            if SlaState.ON_TRACK in states:
                windows.append(DueWindow(queue.name, severity, risk_until, None))
    return tuple(windows)


def next_to_claim(cases: Iterable[Case], queues: frozenset[str], now: datetime) -> Case | None:
    """The case claim-next hands out (reference implementation for the store adapters)."""
    candidates = [c for c in cases if claimable(c, queues, now)]
    return min(candidates, key=claim_order, default=None)
