"""SAR events and the SAR record folded from them — a stream apart from the case's.

A SAR is its own aggregate so that nothing reading a case can reach it: the case stream holds no
trace of a SAR, and the SAR stream is only served to officers who pass `workflow.require_read`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import orjson

from services.cases.core.audit import AuditRecord
from services.cases.core.codec import decode_typed, encode_typed
from services.cases.core.events import FieldChange
from services.cases.core.sar.model import SarContent, SarFormat
from services.common.errors import FailedPrecondition


class SarStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"  # approved for filing: exports allowed
    FILED = "filed"  # submitted to the FIU, with its reference
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True, kw_only=True)
class SarEvent:
    sar_id: str
    seq: int
    at: datetime
    actor: str

    def changes(self) -> tuple[FieldChange, ...]:
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SarDrafted(SarEvent):
    case_id: str
    content: SarContent


@dataclass(frozen=True, slots=True, kw_only=True)
class SarEdited(SarEvent):
    old_content: SarContent
    new_content: SarContent

    def changes(self) -> tuple[FieldChange, ...]:
        old, new = encode_typed(self.old_content), encode_typed(self.new_content)
        return tuple(FieldChange(k, old[k], new[k]) for k in new if old.get(k) != new[k])


@dataclass(frozen=True, slots=True, kw_only=True)
class SarReviewerChanged(SarEvent):
    """A reviewer given (or denied) access to this SAR by the MLRO."""

    reviewer: str
    assigned: bool

    def changes(self) -> tuple[FieldChange, ...]:
        old, new = (None, self.reviewer) if self.assigned else (self.reviewer, None)
        return (FieldChange("reviewer", old, new),)


@dataclass(frozen=True, slots=True, kw_only=True)
class SarStatusChanged(SarEvent):
    """Submitted, approved (`makers` beside the checker), rejected, filed or withdrawn."""

    old_status: SarStatus
    new_status: SarStatus
    reason: str = ""
    makers: frozenset[str] = frozenset()
    fiu_reference: str = ""

    def changes(self) -> tuple[FieldChange, ...]:
        return (FieldChange("status", self.old_status, self.new_status),)


@dataclass(frozen=True, slots=True, kw_only=True)
class SarExported(SarEvent):
    format: SarFormat
    sha256: str


SAR_EVENT_TYPES: dict[str, type[SarEvent]] = {
    cls.__name__: cls
    for cls in (SarDrafted, SarEdited, SarReviewerChanged, SarStatusChanged, SarExported)
}


@dataclass(frozen=True, slots=True)
class SarReport:
    """A SAR after its events. `makers` drafted or edited it; none of them may approve it."""

    id: str
    case_id: str
    status: SarStatus
    content: SarContent
    drafted_by: str
    drafted_at: datetime
    version: int
    makers: frozenset[str]
    reviewers: frozenset[str] = frozenset()
    approved_by: str | None = None
    fiu_reference: str = ""
    exports: tuple[tuple[SarFormat, str], ...] = ()


def replay_sar(events: Iterable[SarEvent]) -> SarReport:
    report: SarReport | None = None
    for event in events:
        report = evolve_sar(report, event)
    if report is None:
        raise FailedPrecondition("a SAR needs at least its SarDrafted event")
    return report


def evolve_sar(report: SarReport | None, event: SarEvent) -> SarReport:
    """Apply one SAR event (None before `SarDrafted`)."""
    if report is None:
        if not isinstance(event, SarDrafted) or event.seq != 1:
            raise FailedPrecondition(f"SAR {event.sar_id}: stream must start with SarDrafted")
        return SarReport(
            id=event.sar_id,
            case_id=event.case_id,
            status=SarStatus.DRAFT,
            content=event.content,
            drafted_by=event.actor,
            drafted_at=event.at,
            version=1,
            makers=frozenset({event.actor}),
        )
    if event.sar_id != report.id or event.seq != report.version + 1:
        raise FailedPrecondition(f"SAR {report.id}: event #{event.seq} out of order")
    return replace(_apply(report, event), version=event.seq)


def _apply(report: SarReport, event: SarEvent) -> SarReport:
    if isinstance(event, SarEdited):
        return replace(report, content=event.new_content, makers=report.makers | {event.actor})
    if isinstance(event, SarReviewerChanged):
        change = {event.reviewer}
        reviewers = report.reviewers | change if event.assigned else report.reviewers - change
        return replace(report, reviewers=reviewers)
    if isinstance(event, SarStatusChanged):
        approved = event.actor if event.new_status is SarStatus.APPROVED else report.approved_by
        reference = event.fiu_reference or report.fiu_reference
        return replace(
            report, status=event.new_status, approved_by=approved, fiu_reference=reference
        )
    if isinstance(event, SarExported):
        return replace(report, exports=(*report.exports, (event.format, event.sha256)))
    raise FailedPrecondition(f"SAR {report.id}: {type(event).__name__} cannot follow SarDrafted")


def sar_event_to_dict(event: SarEvent) -> dict[str, object]:
    return encode_typed(event)


def sar_event_from_dict(data: dict[str, object]) -> SarEvent:
    return decode_typed(SAR_EVENT_TYPES, data)


def sar_audit_record(event: SarEvent) -> AuditRecord:
    """The audit record of a SAR event: its kind and a digest of its content, never the content.

    The audit log is read by auditors, who must not read SARs; the digest still makes the SAR
    stream tamper-evident (a changed SAR event no longer matches the digest in the chain).
    """
    body = orjson.dumps(sar_event_to_dict(event), option=orjson.OPT_SORT_KEYS)
    details: dict[str, object] = {"event_sha256": hashlib.sha256(body).hexdigest()}
    if isinstance(event, SarStatusChanged):
        details["status"] = event.new_status.value
    return AuditRecord(
        at=event.at,
        actor=event.actor,
        action=f"sar.{type(event).__name__}",
        target=f"sar:{event.sar_id}#{event.seq}",
        details=details,
    )
