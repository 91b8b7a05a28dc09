"""What the case handlers need from the outside world, as Protocols, with in-memory adapters.

The stores are units of work: `update(case_id, decide)` runs `decide` on the current case under
a lock (a row lock in SQL) and writes what it returns — events, their audit entries, any
suppressions and approvals — in one transaction, so no officer's change is lost to another's
and nothing is written half. The in-memory adapters are the fakes the handler tests use; the
SQL adapters (`adapters/`) pass the same contract tests.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.cases.core.audit import AuditEntry, AuditRecord, ChainAnchor, chain
from services.cases.core.events import (
    CaseEvent,
    DecisionApproved,
    DecisionProposed,
    DecisionRejected,
    OutcomeChanged,
    audit_record,
)
from services.cases.core.fold import evolve
from services.cases.core.intake import IntakeResult, case_key
from services.cases.core.model import Case, CaseKind, CaseStatus, SubjectRef
from services.cases.core.queues import DueWindow, SlaState, claim_order, claimable
from services.cases.core.roles import Officer
from services.cases.core.sar.events import SarEvent, SarReport, evolve_sar, sar_audit_record
from services.cases.core.sar.model import SarSubject
from services.common.alerts import Alert, ScreeningMatch, Severity, Suppression
from services.common.errors import AlreadyExists, FailedPrecondition, NotFound


@dataclass(frozen=True, slots=True)
class Approval:
    """Who approved whose decision: one row per maker, so "maker != checker" is checkable."""

    target: str  # "case:<id>" or "sar:<id>"
    decision_id: str
    maker: str
    checker: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Change:
    """Everything one command writes, atomically."""

    events: tuple[CaseEvent, ...]
    suppressions: tuple[Suppression, ...] = ()
    approvals: tuple[Approval, ...] = ()


Decide = Callable[[Case], Change]
# The events `readmodels.officer_activity` counts: stores may fetch only these for dashboards.
DECISION_EVENTS: frozenset[type[CaseEvent]] = frozenset(
    {DecisionProposed, DecisionApproved, DecisionRejected, OutcomeChanged}
)
DecideIntake = Callable[[Case | None, bool], IntakeResult]


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Filters of the case list (all optional) and a page."""

    queues: frozenset[str] = frozenset()
    statuses: frozenset[CaseStatus] = frozenset()
    kinds: frozenset[CaseKind] = frozenset()
    severities: frozenset[Severity] = frozenset()
    assignee: str | None = None
    subject: SubjectRef | None = None
    due_before: datetime | None = None
    # Any of these windows (open cases only): how the handler turns an SLA-state filter into
    # something a store can index (see `queues.sla_windows`).
    due_windows: tuple[DueWindow, ...] = ()
    sla_states: frozenset[SlaState] = frozenset()  # the handler turns these into due_windows
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True, slots=True)
class CasePage:
    cases: tuple[Case, ...]
    total: int


class CaseStore(Protocol):
    def get(self, case_id: str) -> Case: ...
    def events(self, case_id: str) -> tuple[CaseEvent, ...]: ...
    def alerts(self, case_id: str) -> tuple[Alert, ...]: ...
    def intake(self, alert: Alert, decide: DecideIntake) -> IntakeResult: ...
    def update(self, case_id: str, decide: Decide) -> Case: ...
    def claim_next(self, queues: frozenset[str], now: datetime, decide: Decide) -> Case | None: ...
    def find(self, query: CaseQuery) -> CasePage: ...
    def subject_cases(self, subject: SubjectRef) -> tuple[Case, ...]: ...
    def decision_events(self) -> tuple[CaseEvent, ...]: ...  # what dashboards count
    def other_open_case(self, case: Case) -> bool: ...


class SuppressionStore(Protocol):
    def is_suppressed(self, customer_id: str, match: ScreeningMatch) -> bool: ...
    def for_customer(self, customer_id: str) -> tuple[Suppression, ...]: ...
    def revoke(self, suppression: Suppression, at: datetime, by: str) -> None: ...


class AuditLog(Protocol):
    def append(self, records: Sequence[AuditRecord]) -> tuple[AuditEntry, ...]: ...
    def entries(self, after_seq: int = 0, limit: int | None = None) -> tuple[AuditEntry, ...]: ...
    def iter_entries(self) -> Iterator[AuditEntry]: ...  # whole chain, in order, streamed
    def head(self) -> ChainAnchor | None: ...


class EvidenceStore(Protocol):
    def put(self, content: bytes) -> str: ...
    def get(self, sha256: str) -> bytes: ...


class OfficerDirectory(Protocol):
    def get(self, officer_id: str) -> Officer: ...
    def add(self, officer: Officer) -> None: ...
    def replace(self, officer: Officer) -> None: ...
    def all(self) -> tuple[Officer, ...]: ...


class SarStore(Protocol):
    def create(self, event: SarEvent) -> SarReport: ...
    def get(self, sar_id: str) -> SarReport: ...
    def events(self, sar_id: str) -> tuple[SarEvent, ...]: ...
    def update(
        self, sar_id: str, decide: Callable[[SarReport], SarEvent], approvals: bool = False
    ) -> SarReport: ...
    def all(self) -> tuple[SarReport, ...]: ...


class SubjectDirectory(Protocol):
    """Customer records for SAR drafting (onboarding provides the real one)."""

    def sar_subjects(self, subject: SubjectRef) -> tuple[SarSubject, ...]: ...


class NoSubjects:
    """Knows no customer: drafts start with the subject to fill in (and say so)."""

    def sar_subjects(self, subject: SubjectRef) -> tuple[SarSubject, ...]:
        return ()


# ---------------------------------------------------------------------------------- in memory


class InMemoryAuditLog:
    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self.lock = threading.RLock()

    def append(self, records: Sequence[AuditRecord]) -> tuple[AuditEntry, ...]:
        with self.lock:
            added = []
            for record in records:
                entry = chain(record, self._entries[-1] if self._entries else None)
                self._entries.append(entry)
                added.append(entry)
            return tuple(added)

    def entries(self, after_seq: int = 0, limit: int | None = None) -> tuple[AuditEntry, ...]:
        with self.lock:
            selected = [e for e in self._entries if e.seq > after_seq]
            return tuple(selected[:limit] if limit is not None else selected)

    def iter_entries(self) -> Iterator[AuditEntry]:
        yield from self.entries()

    def head(self) -> ChainAnchor | None:
        with self.lock:
            last = self._entries[-1] if self._entries else None
            return ChainAnchor(last.seq, last.hash) if last else None

    def tamper(self, index: int, entry: AuditEntry | None) -> None:
        """Replace (or delete, with None) a stored entry: for tests of the verifier only."""
        with self.lock:
            if entry is None:
                del self._entries[index]
            else:
                self._entries[index] = entry


@dataclass
class InMemorySuppressions:
    rows: dict[tuple[str, str, str, str], tuple[Suppression, datetime | None]] = field(
        default_factory=dict
    )

    def add(self, suppressions: Sequence[Suppression]) -> None:
        for s in suppressions:
            key = (s.customer_id, s.list_entry_id, s.customer_hash, s.entry_hash)
            self.rows.setdefault(key, (s, None))

    def is_suppressed(self, customer_id: str, match: ScreeningMatch) -> bool:
        key = (customer_id, match.list_entry_id, match.subject_hash, match.entry_hash)
        row = self.rows.get(key)
        return row is not None and row[1] is None

    def for_customer(self, customer_id: str) -> tuple[Suppression, ...]:
        return tuple(
            s for s, revoked in self.rows.values() if s.customer_id == customer_id and not revoked
        )

    def revoke(self, suppression: Suppression, at: datetime, by: str) -> None:
        key = (s := suppression).customer_id, s.list_entry_id, s.customer_hash, s.entry_hash
        if key not in self.rows or self.rows[key][1] is not None:
            raise NotFound("suppression", f"{s.customer_id}/{s.list_entry_id}")
        self.rows[key] = (suppression, at)


class InMemoryCaseStore:
    """Cases, their events and alerts in dicts; one lock makes every unit of work atomic."""

    def __init__(self, audit: InMemoryAuditLog, suppressions: InMemorySuppressions) -> None:
        self.audit, self.suppressions = audit, suppressions
        self._cases: dict[str, Case] = {}
        self._events: dict[str, list[CaseEvent]] = {}
        self._alerts: dict[str, tuple[str, Alert]] = {}
        self.approvals: list[Approval] = []
        self._lock = audit.lock

    def get(self, case_id: str) -> Case:
        with self._lock:
            if case_id not in self._cases:
                raise NotFound("case", case_id)
            return self._cases[case_id]

    def events(self, case_id: str) -> tuple[CaseEvent, ...]:
        with self._lock:
            self.get(case_id)
            return tuple(self._events[case_id])

    def alerts(self, case_id: str) -> tuple[Alert, ...]:
        with self._lock:
            self.get(case_id)
            return tuple(a for cid, a in self._alerts.values() if cid == case_id)

    def intake(self, alert: Alert, decide: DecideIntake) -> IntakeResult:
        with self._lock:
            subject, kind = case_key(alert)
            current = next(
                (
                    c
                    for c in self._cases.values()
                    if c.is_open and (c.subject, c.kind) == (subject, kind)
                ),
                None,
            )
            result = decide(current, alert.key in self._alerts)
            if result.events and result.case_id is not None:
                self._write(current, Change(result.events))
                self._alerts[alert.key] = (result.case_id, alert)
            return result

    def update(self, case_id: str, decide: Decide) -> Case:
        with self._lock:
            case = self.get(case_id)
            return self._write(case, decide(case))

    def claim_next(self, queues: frozenset[str], now: datetime, decide: Decide) -> Case | None:
        with self._lock:
            candidates = [c for c in self._cases.values() if claimable(c, queues, now)]
            chosen = min(candidates, key=claim_order, default=None)
            return None if chosen is None else self._write(chosen, decide(chosen))

    def _write(self, case: Case | None, change: Change) -> Case:
        if any(a.maker == a.checker for a in change.approvals):
            raise FailedPrecondition("maker and checker must differ")  # as the SQL CHECK does
        after = case
        for event in change.events:
            after = evolve(after, event)
        assert after is not None
        self._cases[after.id] = after
        self._events.setdefault(after.id, []).extend(change.events)
        self.suppressions.add(change.suppressions)
        self.approvals.extend(change.approvals)
        self.audit.append([audit_record(e) for e in change.events])
        return after

    def find(self, query: CaseQuery) -> CasePage:
        with self._lock:
            matches = sorted(
                (c for c in self._cases.values() if _matches(c, query)), key=claim_order
            )
        return CasePage(tuple(matches[query.offset : query.offset + query.limit]), len(matches))

    def subject_cases(self, subject: SubjectRef) -> tuple[Case, ...]:
        with self._lock:
            return tuple(c for c in self._cases.values() if c.subject == subject)

    def decision_events(self) -> tuple[CaseEvent, ...]:
        with self._lock:
            return tuple(
                e for events in self._events.values() for e in events if type(e) in DECISION_EVENTS
            )

    def other_open_case(self, case: Case) -> bool:
        with self._lock:
            return any(
                c.is_open and c.id != case.id and (c.subject, c.kind) == (case.subject, case.kind)
                for c in self._cases.values()
            )


def _matches(case: Case, q: CaseQuery) -> bool:
    return (
        (not q.queues or case.queue in q.queues)
        and (not q.statuses or case.status in q.statuses)
        and (not q.kinds or case.kind in q.kinds)
        and (not q.severities or case.severity in q.severities)
        and (q.assignee is None or case.assignee == q.assignee)
        and (q.subject is None or case.subject == q.subject)
        and (q.due_before is None or case.due_at < q.due_before)
        and (not q.due_windows or any(w.holds(case) for w in q.due_windows))
    )


class InMemoryEvidence:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self.blobs.setdefault(digest, content)
        return digest

    def get(self, sha256: str) -> bytes:
        if sha256 not in self.blobs:
            raise NotFound("evidence", sha256)
        return self.blobs[sha256]


class InMemoryOfficers:
    def __init__(self, officers: Sequence[Officer] = ()) -> None:
        self._officers = {o.id: o for o in officers}

    def get(self, officer_id: str) -> Officer:
        if officer_id not in self._officers:
            raise NotFound("officer", officer_id)
        return self._officers[officer_id]

    def add(self, officer: Officer) -> None:
        if officer.id in self._officers:
            raise AlreadyExists(f"officer {officer.id} already exists")
        self._officers[officer.id] = officer

    def replace(self, officer: Officer) -> None:
        self.get(officer.id)
        self._officers[officer.id] = officer

    def all(self) -> tuple[Officer, ...]:
        return tuple(sorted(self._officers.values(), key=lambda o: o.id))


class InMemorySars:
    def __init__(self, audit: InMemoryAuditLog) -> None:
        self.audit = audit
        self._reports: dict[str, SarReport] = {}
        self._events: dict[str, list[SarEvent]] = {}
        self.approvals: list[Approval] = []

    def create(self, event: SarEvent) -> SarReport:
        with self.audit.lock:
            if event.sar_id in self._reports:
                raise AlreadyExists(f"SAR {event.sar_id} already exists")
            return self._write(None, event)

    def get(self, sar_id: str) -> SarReport:
        with self.audit.lock:
            if sar_id not in self._reports:
                raise NotFound("sar", sar_id)
            return self._reports[sar_id]

    def events(self, sar_id: str) -> tuple[SarEvent, ...]:
        with self.audit.lock:
            self.get(sar_id)
            return tuple(self._events[sar_id])

    def update(
        self, sar_id: str, decide: Callable[[SarReport], SarEvent], approvals: bool = False
    ) -> SarReport:
        with self.audit.lock:
            report = self.get(sar_id)
            event = decide(report)
            after = self._write(report, event)
            if approvals:
                self.approvals.extend(
                    Approval(f"sar:{sar_id}", str(event.seq), m, event.actor, event.at)
                    for m in report.makers
                )
            return after

    def _write(self, report: SarReport | None, event: SarEvent) -> SarReport:
        after = evolve_sar(report, event)
        self._reports[after.id] = after
        self._events.setdefault(after.id, []).append(event)
        self.audit.append([sar_audit_record(event)])
        return after

    def all(self) -> tuple[SarReport, ...]:
        with self.audit.lock:
            return tuple(self._reports.values())
