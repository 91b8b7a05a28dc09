"""The SAR workflow: draft, assign reviewers, edit, submit, approve under four eyes, export, file.

Tipping-off rules (POCA s.333A, 31 U.S.C. 5318(g)(2), FATF R.21): a SAR is visible to MLROs and
to the reviewers an MLRO assigned to it, and to nobody else. An officer without access who asks
for a SAR gets NOT_FOUND, exactly as for a SAR that does not exist, so even its existence does
not leak. Filing needs an MLRO who neither drafted nor edited the report.
"""

from __future__ import annotations

from datetime import datetime

from services.cases.core.model import Case
from services.cases.core.roles import Action, Officer, Role, allowed, authorize
from services.cases.core.sar.events import (
    SarDrafted,
    SarEdited,
    SarEvent,
    SarExported,
    SarReport,
    SarReviewerChanged,
    SarStatus,
    SarStatusChanged,
)
from services.cases.core.sar.export import FiuProfiles, RenderedReport, draft_violations
from services.cases.core.sar.model import SarContent
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)

_EDITABLE = frozenset({SarStatus.DRAFT})
_OPEN = frozenset({SarStatus.DRAFT, SarStatus.PENDING_APPROVAL})


def can_read(officer: Officer, report: SarReport) -> bool:
    """MLROs read every SAR; a reviewer reads only the SARs assigned to them."""
    if not allowed(officer, Action.SAR_READ):
        return False
    return Role.MLRO in officer.roles or officer.id in report.reviewers


def require_read(officer: Officer, report: SarReport) -> None:
    """NOT_FOUND for anyone without access: a refusal would reveal that the SAR exists."""
    if not can_read(officer, report):
        raise NotFound("sar", report.id)


def _require_edit(officer: Officer, report: SarReport) -> None:
    require_read(officer, report)
    authorize(officer, Action.SAR_EDIT)


def _require_status(report: SarReport, statuses: frozenset[SarStatus], action: str) -> None:
    if report.status not in statuses:
        raise FailedPrecondition(
            f"cannot {action} SAR {report.id}: it is {report.status.value}",
            reason="ILLEGAL_TRANSITION",
        )


def draft(case: Case, mlro: Officer, content: SarContent, sar_id: str, now: datetime) -> SarEvent:
    """Open a SAR draft on a case (the MLRO's decision to consider external reporting)."""
    authorize(mlro, Action.SAR_DRAFT)
    if content.case_id != case.id:
        raise InvalidArgument.for_field("content.case_id", f"must be {case.id}")
    return SarDrafted(sar_id=sar_id, seq=1, at=now, actor=mlro.id, case_id=case.id, content=content)


def change_reviewer(
    report: SarReport, mlro: Officer, reviewer: Officer, assigned: bool, now: datetime
) -> SarEvent:
    """Give a reviewer access to this SAR, or take it away."""
    require_read(mlro, report)
    authorize(mlro, Action.SAR_DRAFT)
    _require_status(report, _OPEN, "change the reviewers of")
    if assigned and Role.REVIEWER not in reviewer.roles:
        raise InvalidArgument.for_field("reviewer", f"officer {reviewer.id} is not a reviewer")
    if assigned == (reviewer.id in report.reviewers):
        state = "already" if assigned else "not"
        raise FailedPrecondition(f"{reviewer.id} is {state} a reviewer of SAR {report.id}")
    return SarReviewerChanged(
        sar_id=report.id,
        seq=report.version + 1,
        at=now,
        actor=mlro.id,
        reviewer=reviewer.id,
        assigned=assigned,
    )


def edit(report: SarReport, officer: Officer, content: SarContent, now: datetime) -> SarEvent:
    """Replace the draft's content (the editor becomes one of its makers)."""
    _require_edit(officer, report)
    _require_status(report, _EDITABLE, "edit")
    if content.case_id != report.case_id:
        raise InvalidArgument.for_field("content.case_id", "a SAR cannot move to another case")
    if content == report.content:
        raise FailedPrecondition("nothing changed")
    return SarEdited(
        sar_id=report.id,
        seq=report.version + 1,
        at=now,
        actor=officer.id,
        old_content=report.content,
        new_content=content,
    )


def submit(report: SarReport, officer: Officer, profiles: FiuProfiles, now: datetime) -> SarEvent:
    """Ask for approval; the draft must be complete for every format we file in."""
    _require_edit(officer, report)
    _require_status(report, _EDITABLE, "submit")
    problems = [
        v for fmt in profiles.formats for v in draft_violations(report.content, fmt, profiles)
    ]
    if problems:
        unique = list(dict.fromkeys(problems))
        raise InvalidArgument(
            f"the SAR draft is incomplete: {unique[0].field} {unique[0].description}",
            unique,
            reason="SAR_DRAFT_INCOMPLETE",
        )
    return _status(report, officer, SarStatus.PENDING_APPROVAL, now, makers=report.makers)


def _status(
    report: SarReport,
    officer: Officer,
    new: SarStatus,
    now: datetime,
    *,
    reason: str = "",
    makers: frozenset[str] = frozenset(),
    fiu_reference: str = "",
) -> SarEvent:
    return SarStatusChanged(
        sar_id=report.id,
        seq=report.version + 1,
        at=now,
        actor=officer.id,
        old_status=report.status,
        new_status=new,
        reason=reason,
        makers=makers,
        fiu_reference=fiu_reference,
    )


def approve(report: SarReport, mlro: Officer, comment: str, now: datetime) -> SarEvent:
    """File-decision by an MLRO who is not among the report's makers (four eyes)."""
    require_read(mlro, report)
    authorize(mlro, Action.SAR_APPROVE)
    _require_status(report, frozenset({SarStatus.PENDING_APPROVAL}), "approve")
    if mlro.id in report.makers:
        raise PermissionDenied(
            "four-eyes: a SAR must be approved by an MLRO who did not draft or edit it",
            reason="FOUR_EYES",
        )
    return _status(report, mlro, SarStatus.APPROVED, now, reason=comment, makers=report.makers)


def reject(report: SarReport, mlro: Officer, reason: str, now: datetime) -> SarEvent:
    require_read(mlro, report)
    authorize(mlro, Action.SAR_APPROVE)
    _require_status(report, frozenset({SarStatus.PENDING_APPROVAL}), "reject")
    if not reason.strip():
        raise InvalidArgument.for_field("reason", "say what must change")
    return _status(report, mlro, SarStatus.DRAFT, now, reason=reason)


def withdraw(report: SarReport, mlro: Officer, reason: str, now: datetime) -> SarEvent:
    """Decide not to file (the reasons stay on record, as regulators expect)."""
    require_read(mlro, report)
    authorize(mlro, Action.SAR_DRAFT)
    _require_status(report, _OPEN, "withdraw")
    if not reason.strip():
        raise InvalidArgument.for_field("reason", "record why no report is filed")
    return _status(report, mlro, SarStatus.WITHDRAWN, now, reason=reason)


def record_export(
    report: SarReport, officer: Officer, rendered: RenderedReport, now: datetime
) -> SarEvent:
    """Note that an approved SAR was exported (the document's digest is kept)."""
    require_read(officer, report)
    authorize(officer, Action.SAR_EXPORT)
    _require_status(report, frozenset({SarStatus.APPROVED, SarStatus.FILED}), "export")
    return SarExported(
        sar_id=report.id,
        seq=report.version + 1,
        at=now,
        actor=officer.id,
        format=rendered.format,
        sha256=rendered.sha256,
    )


def record_filing(report: SarReport, mlro: Officer, fiu_reference: str, now: datetime) -> SarEvent:
    """The FIU acknowledged the report under `fiu_reference`."""
    require_read(mlro, report)
    authorize(mlro, Action.SAR_APPROVE)
    _require_status(report, frozenset({SarStatus.APPROVED}), "record the filing of")
    if not report.exports:
        raise FailedPrecondition("export the report before recording its filing")
    if not fiu_reference.strip():
        raise InvalidArgument.for_field("fiu_reference", "the FIU's acknowledgement reference")
    return _status(report, mlro, SarStatus.FILED, now, fiu_reference=fiu_reference)
