"""Who works a case, and when: claim, assign, release, snooze; notes and evidence.

Only the assignee works a case (reviews hits, snoozes, proposes a decision): the lock that
claim-next takes in the database is this rule made atomic. Notes and evidence may come from any
case worker, at any status, because reviewers and later investigators add to closed cases too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.cases.core.events import (
    AssigneeChanged,
    CaseEvent,
    CommentAdded,
    EventBatch,
    EvidenceAttached,
    SnoozeChanged,
    StatusChanged,
)
from services.cases.core.model import Case, CaseStatus
from services.cases.core.roles import Action, Officer, allowed, authorize
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    ResourceExhausted,
)

MAX_COMMENT_LENGTH = 20_000
MAX_SNOOZE = timedelta(days=90)
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


def require_assignee(case: Case, officer: Officer) -> None:
    """Only the officer holding the case may work it."""
    authorize(officer, Action.CASE_WORK)
    if case.assignee != officer.id:
        holder = f"is assigned to {case.assignee}" if case.assignee else "is not assigned to you"
        raise PermissionDenied(f"case {case.id} {holder}", reason="NOT_ASSIGNEE")


def require_status(case: Case, allowed_statuses: frozenset[CaseStatus], action: str) -> None:
    if case.status not in allowed_statuses:
        wanted = " or ".join(sorted(s.value for s in allowed_statuses))
        raise FailedPrecondition(
            f"cannot {action} case {case.id}: it is {case.status.value}, needs {wanted}",
            reason="ILLEGAL_TRANSITION",
        )


def claim(case: Case, officer: Officer, now: datetime) -> tuple[CaseEvent, ...]:
    """Take an open, unassigned case for oneself and start investigating it."""
    authorize(officer, Action.CASE_CLAIM)
    require_status(case, frozenset({CaseStatus.OPEN}), "claim")
    if case.assignee is not None:
        raise FailedPrecondition(f"case {case.id} is already assigned", reason="ALREADY_CLAIMED")
    return _hand_to(case, officer, officer.id, now)


def assign(case: Case, officer: Officer, assignee: Officer, now: datetime) -> tuple[CaseEvent, ...]:
    """Assign or reassign a case to another officer (a reviewer's or MLRO's act)."""
    authorize(officer, Action.CASE_ASSIGN)
    require_status(case, frozenset(CaseStatus) - {CaseStatus.CLOSED}, "assign")
    if not allowed(assignee, Action.CASE_WORK):
        raise InvalidArgument.for_field("assignee", f"officer {assignee.id} cannot work cases")
    if case.assignee == assignee.id:
        raise FailedPrecondition(f"case {case.id} is already assigned to {assignee.id}")
    return _hand_to(case, officer, assignee.id, now)


def _hand_to(case: Case, officer: Officer, assignee: str, now: datetime) -> tuple[CaseEvent, ...]:
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(AssigneeChanged(**batch.next(), old_assignee=case.assignee, new_assignee=assignee))
    if case.status is CaseStatus.OPEN:
        batch.add(
            StatusChanged(
                **batch.next(), old_status=case.status, new_status=CaseStatus.INVESTIGATING
            )
        )
    return batch.done()


def release(case: Case, officer: Officer, reason: str, now: datetime) -> tuple[CaseEvent, ...]:
    """Put a case back in its queue: by its assignee, or by a reviewer/MLRO."""
    require_status(case, frozenset({CaseStatus.INVESTIGATING}), "release")
    if case.assignee != officer.id:
        authorize(officer, Action.CASE_ASSIGN)
    else:
        authorize(officer, Action.CASE_WORK)
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(AssigneeChanged(**batch.next(), old_assignee=case.assignee, new_assignee=None))
    batch.add(
        StatusChanged(
            **batch.next(), old_status=case.status, new_status=CaseStatus.OPEN, reason=reason
        )
    )
    return batch.done()


def snooze(
    case: Case, officer: Officer, until: datetime | None, reason: str, now: datetime
) -> tuple[CaseEvent, ...]:
    """Hide a case from claim-next until a date (None wakes it). The SLA clock keeps running."""
    require_status(case, frozenset({CaseStatus.INVESTIGATING}), "snooze")
    require_assignee(case, officer)
    if until is not None:
        if until.tzinfo is None:
            raise InvalidArgument.for_field("until", "needs a time zone")
        if not now < until <= now + MAX_SNOOZE:
            raise InvalidArgument.for_field("until", f"must be in the next {MAX_SNOOZE.days} days")
        if not reason.strip():
            raise InvalidArgument.for_field("reason", "say why the case can wait")
    elif case.snoozed_until is None:
        raise FailedPrecondition(f"case {case.id} is not snoozed")
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(
        SnoozeChanged(**batch.next(), old_until=case.snoozed_until, new_until=until, reason=reason)
    )
    return batch.done()


def comment(
    case: Case, officer: Officer, text: str, comment_id: str, now: datetime
) -> tuple[CaseEvent, ...]:
    """Add a note to the case (any status: notes after closure are part of the record)."""
    authorize(officer, Action.CASE_COMMENT)
    if not text.strip():
        raise InvalidArgument.for_field("text", "a note needs some text")
    if len(text) > MAX_COMMENT_LENGTH:
        raise ResourceExhausted(f"a note is limited to {MAX_COMMENT_LENGTH} characters")
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(CommentAdded(**batch.next(), comment_id=comment_id, text=text))
    return batch.done()


@dataclass(frozen=True, slots=True)
class EvidenceMeta:
    """An uploaded file as the core sees it: its name, type, digest and size (not its bytes)."""

    evidence_id: str
    filename: str
    media_type: str
    sha256: str
    size: int


def attach(
    case: Case, officer: Officer, evidence: EvidenceMeta, now: datetime
) -> tuple[CaseEvent, ...]:
    """Record an evidence attachment; the bytes are stored by the handler under their SHA-256."""
    authorize(officer, Action.CASE_ATTACH)
    validate_evidence(evidence)
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(
        EvidenceAttached(
            **batch.next(),
            evidence_id=evidence.evidence_id,
            filename=evidence.filename,
            media_type=evidence.media_type,
            sha256=evidence.sha256,
            size=evidence.size,
        )
    )
    return batch.done()


def validate_evidence(evidence: EvidenceMeta) -> None:
    """Refuse oversized files and names or types that could be abused when served back."""
    if evidence.size > MAX_EVIDENCE_BYTES:
        raise ResourceExhausted(f"evidence is limited to {MAX_EVIDENCE_BYTES // 2**20} MiB")
    if evidence.size <= 0:
        raise InvalidArgument.for_field("evidence.content", "the file is empty")
    name = evidence.filename
    # Path separators and control characters would let a name escape a download folder or
    # forge a Content-Disposition header when the console serves the file back.
    if (
        not name.strip()
        or len(name) > 255
        or any(c in name for c in "/\\")
        or not name.isprintable()
    ):
        raise InvalidArgument.for_field("evidence.filename", "must be a plain file name")
    if not _MEDIA_TYPE.fullmatch(evidence.media_type):
        raise InvalidArgument.for_field("evidence.media_type", "must look like type/subtype")
    if not _SHA256.fullmatch(evidence.sha256):
        raise InvalidArgument.for_field("evidence.sha256", "must be 64 lower-case hex digits")
