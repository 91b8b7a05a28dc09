"""Alerts: what every detecting service hands to case management.

Screening hits, re-screening hits, failed identity checks and graph rings all become an `Alert`.
The producer does not know how cases are stored; it calls an `AlertSink`. The runtime's sink
records the alert through case intake as it is raised (`runtime.RecordingAlertSink`); pure code
is tested with an in-memory sink. Pure module: no framework imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class AlertSource(StrEnum):
    SCREENING_HIT = "screening_hit"
    RESCREENING_HIT = "rescreening_hit"
    IDENTITY_CHECK = "identity_check"
    GRAPH_RING = "graph_ring"
    ONBOARDING = "onboarding"


class SubjectKind(StrEnum):
    CUSTOMER = "customer"
    ACCOUNT = "account"
    APPLICANT = "applicant"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


@dataclass(frozen=True, slots=True)
class Alert:
    """One reason for an officer to look at a subject.

    `key` makes intake idempotent: the same alert raised twice (a retried task, a re-run
    sweep) is recorded once. Producers build it from what identifies the finding, e.g.
    "screening:<customer>:<list entry>:<entry hash>" or "graph:ring:<ring fingerprint>".
    `evidence` is JSON-ready detail the console shows (scores, explanations, tx ids); it must
    not be needed to decide routing.
    """

    key: str
    source: AlertSource
    subject_kind: SubjectKind
    subject_id: str
    severity: Severity
    title: str
    raised_at: datetime
    summary: str = ""
    evidence: Mapping[str, object] = field(default_factory=dict)
    related_subjects: tuple[str, ...] = ()
    # Added for case management (additive, optional): what a screening hit matched, so that an
    # approved false-positive clearance can become a `Suppression`; and the producer's own
    # classification (detector name for graph rings, check name for identity) for dashboards.
    match: ScreeningMatch | None = None
    typology: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningMatch:
    """The list entry a screening hit matched, with both content hashes.

    `subject_hash` is `Party.content_hash()` of the screened customer record and `entry_hash`
    the same of the list entry: a suppression only holds while neither side has changed.
    """

    list_entry_id: str
    entry_hash: str
    subject_hash: str
    score: float = 0.0

    @property
    def list_source(self) -> str:
        """The list the entry comes from: the "<source>" of "<source>:<source_id>"."""
        return self.list_entry_id.partition(":")[0]


@dataclass(frozen=True, slots=True)
class Suppression:
    """A false positive cleared under four-eyes: screening must not raise this pair again.

    Keyed by (customer, list entry, both content hashes): when the customer record or the list
    entry changes, the hashes differ, the suppression no longer applies and the pair is screened
    (and, if it still matches, reviewed) afresh.
    """

    customer_id: str
    list_entry_id: str
    customer_hash: str
    entry_hash: str

    def applies_to(self, customer_id: str, match: ScreeningMatch) -> bool:
        return (
            self.customer_id == customer_id
            and self.list_entry_id == match.list_entry_id
            and self.customer_hash == match.subject_hash
            and self.entry_hash == match.entry_hash
        )


class SuppressionLookup(Protocol):
    """What screening asks before raising a hit. Case management provides the implementation."""

    def is_suppressed(self, customer_id: str, match: ScreeningMatch) -> bool: ...


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Work an area wants done because an alert was raised (beside case intake), e.g.
    re-rating the customer a re-screening hit or a ring involves. Sent by task name."""

    task_name: str
    kwargs: Mapping[str, object]
    queue: str = "default"


class AlertSink(Protocol):
    """Where producers send alerts. Implementations must be idempotent by `Alert.key`."""

    def raise_alert(self, alert: Alert) -> None: ...


class InMemoryAlertSink:
    """Keeps alerts in a dict by key: the fake used by tests and by pure benchmarks."""

    def __init__(self) -> None:
        self.alerts: dict[str, Alert] = {}

    def raise_alert(self, alert: Alert) -> None:
        self.alerts.setdefault(alert.key, alert)


def alert_to_dict(alert: Alert) -> dict[str, object]:
    """JSON-ready form used to send an alert through the queue (inverse: `alert_from_dict`)."""
    return {
        "key": alert.key,
        "source": alert.source.value,
        "subject_kind": alert.subject_kind.value,
        "subject_id": alert.subject_id,
        "severity": alert.severity.value,
        "title": alert.title,
        "raised_at": alert.raised_at.isoformat(),
        "summary": alert.summary,
        "evidence": dict(alert.evidence),
        "related_subjects": list(alert.related_subjects),
        "match": _match_to_dict(alert.match),
        "typology": alert.typology,
    }


def _match_to_dict(match: ScreeningMatch | None) -> dict[str, object] | None:
    if match is None:
        return None
    return {
        "list_entry_id": match.list_entry_id,
        "entry_hash": match.entry_hash,
        "subject_hash": match.subject_hash,
        "score": match.score,
    }


def _match_from_dict(data: object) -> ScreeningMatch | None:
    if not isinstance(data, Mapping):
        return None
    score = data.get("score")
    return ScreeningMatch(
        list_entry_id=str(data["list_entry_id"]),
        entry_hash=str(data["entry_hash"]),
        subject_hash=str(data["subject_hash"]),
        score=float(score) if isinstance(score, int | float) else 0.0,
    )


def alert_from_dict(data: Mapping[str, object]) -> Alert:
    related = data.get("related_subjects") or []
    evidence = data.get("evidence") or {}
    return Alert(
        key=str(data["key"]),
        source=AlertSource(str(data["source"])),
        subject_kind=SubjectKind(str(data["subject_kind"])),
        subject_id=str(data["subject_id"]),
        severity=Severity(str(data["severity"])),
        title=str(data["title"]),
        raised_at=datetime.fromisoformat(str(data["raised_at"])),
        summary=str(data.get("summary") or ""),
        evidence=dict(evidence) if isinstance(evidence, Mapping) else {},
        related_subjects=tuple(str(s) for s in related) if isinstance(related, list) else (),
        match=_match_from_dict(data.get("match")),
        typology=str(data.get("typology") or ""),
    )
