"""SAR use cases: draft from a case, reviewers, edit, submit, approve, export, file.

Reads of a SAR are security events: each one is written to the audit chain (who read which SAR),
as tipping-off oversight expects. A SAR the caller may not see is NOT_FOUND, like one that does
not exist (`core.sar.workflow.require_read`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.cases.core.audit import AuditRecord, SecurityAction
from services.cases.core.roles import Action, Officer, authorize
from services.cases.core.sar import workflow
from services.cases.core.sar.drafting import DraftInputs, draft_from_case
from services.cases.core.sar.events import SarEvent, SarReport
from services.cases.core.sar.export import RenderedReport, check_report, render_report
from services.cases.core.sar.goaml import ReportMeta
from services.cases.core.sar.model import SarContent, SarFormat
from services.cases.handlers import CaseDeps, officer_of
from services.common.errors import FieldViolation, NotFound


@dataclass(frozen=True, slots=True)
class DraftedSar:
    report: SarReport
    notes: tuple[str, ...]


def draft_sar(actor_id: str, case_id: str, deps: CaseDeps) -> DraftedSar:
    """Open a SAR on a case, pre-filled from its alerts and the subject's customer record."""
    mlro = officer_of(actor_id, deps)
    authorize(mlro, Action.SAR_DRAFT)
    case = deps.cases.get(case_id)
    inputs = DraftInputs(
        case=case,
        alerts=deps.cases.alerts(case_id),
        subjects=deps.subjects.sar_subjects(case.subject),
        institution=deps.config.profiles.goaml.institution,
        today=deps.clock().date(),
    )
    draft = draft_from_case(inputs)
    event = workflow.draft(case, mlro, draft.content, deps.new_id("sar"), deps.clock())
    return DraftedSar(deps.sars.create(event), draft.notes)


def _read(officer: Officer, sar_id: str, deps: CaseDeps) -> SarReport:
    try:
        report = deps.sars.get(sar_id)
    except NotFound:
        raise NotFound("sar", sar_id) from None
    workflow.require_read(officer, report)
    return report


def get_sar(actor_id: str, sar_id: str, deps: CaseDeps) -> SarReport:
    """Read a SAR (audited as a security event)."""
    officer = officer_of(actor_id, deps)
    report = _read(officer, sar_id, deps)
    _security(deps, officer.id, SecurityAction.SAR_READ, f"sar:{sar_id}")
    return report


def list_sars(actor_id: str, deps: CaseDeps) -> tuple[SarReport, ...]:
    """The SARs this officer may see: all for an MLRO, the assigned ones for a reviewer."""
    officer = officer_of(actor_id, deps)
    authorize(officer, Action.SAR_READ)
    return tuple(r for r in deps.sars.all() if workflow.can_read(officer, r))


def sar_timeline(actor_id: str, sar_id: str, deps: CaseDeps) -> tuple[SarEvent, ...]:
    _read(officer_of(actor_id, deps), sar_id, deps)
    return deps.sars.events(sar_id)


def _update(
    actor_id: str,
    sar_id: str,
    deps: CaseDeps,
    command: Callable[[SarReport, Officer, datetime], SarEvent],
    *,
    approvals: bool = False,
) -> SarReport:
    officer = officer_of(actor_id, deps)
    _read(officer, sar_id, deps)
    return deps.sars.update(sar_id, lambda r: command(r, officer, deps.clock()), approvals)


def set_sar_reviewer(
    actor_id: str, sar_id: str, reviewer_id: str, assigned: bool, deps: CaseDeps
) -> SarReport:
    reviewer = officer_of(reviewer_id, deps)
    return _update(
        actor_id,
        sar_id,
        deps,
        lambda r, o, now: workflow.change_reviewer(r, o, reviewer, assigned, now),
    )


def edit_sar(actor_id: str, sar_id: str, content: SarContent, deps: CaseDeps) -> SarReport:
    return _update(actor_id, sar_id, deps, lambda r, o, now: workflow.edit(r, o, content, now))


def submit_sar(actor_id: str, sar_id: str, deps: CaseDeps) -> SarReport:
    profiles = deps.config.profiles
    return _update(actor_id, sar_id, deps, lambda r, o, now: workflow.submit(r, o, profiles, now))


def approve_sar(actor_id: str, sar_id: str, comment: str, deps: CaseDeps) -> SarReport:
    """An MLRO other than the makers approves the filing (approval rows written with it)."""
    return _update(
        actor_id,
        sar_id,
        deps,
        lambda r, o, now: workflow.approve(r, o, comment, now),
        approvals=True,
    )


def reject_sar(actor_id: str, sar_id: str, reason: str, deps: CaseDeps) -> SarReport:
    return _update(actor_id, sar_id, deps, lambda r, o, now: workflow.reject(r, o, reason, now))


def withdraw_sar(actor_id: str, sar_id: str, reason: str, deps: CaseDeps) -> SarReport:
    return _update(actor_id, sar_id, deps, lambda r, o, now: workflow.withdraw(r, o, reason, now))


def validate_sar(
    actor_id: str, sar_id: str, fmt: SarFormat, deps: CaseDeps
) -> tuple[FieldViolation, ...]:
    """What stops the SAR from becoming a valid report in `fmt`, in plain words (any status)."""
    report = _read(officer_of(actor_id, deps), sar_id, deps)
    meta = ReportMeta(report.id, deps.clock())
    return tuple(check_report(report.content, fmt, deps.config.profiles, meta))


def export_sar(actor_id: str, sar_id: str, fmt: SarFormat, deps: CaseDeps) -> RenderedReport:
    """The validated FIU document of an approved SAR; the export is recorded with its digest."""
    officer = officer_of(actor_id, deps)
    report = _read(officer, sar_id, deps)
    authorize(officer, Action.SAR_EXPORT)
    rendered = render_report(
        report.content, fmt, deps.config.profiles, ReportMeta(report.id, deps.clock())
    )
    deps.sars.update(sar_id, lambda r: workflow.record_export(r, officer, rendered, deps.clock()))
    _security(deps, officer.id, SecurityAction.SAR_EXPORTED, f"sar:{sar_id}", fmt.value)
    return rendered


def record_sar_filing(actor_id: str, sar_id: str, fiu_reference: str, deps: CaseDeps) -> SarReport:
    return _update(
        actor_id, sar_id, deps, lambda r, o, now: workflow.record_filing(r, o, fiu_reference, now)
    )


def _security(
    deps: CaseDeps, actor: str, action: SecurityAction, target: str, note: str = ""
) -> None:
    details = {"format": note} if note else {}
    deps.audit.append([AuditRecord(deps.clock(), actor, action.value, target, details)])
