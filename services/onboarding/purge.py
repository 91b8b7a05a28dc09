"""The retention purge: crypto-shred what is past retention, audited, dry-run by default.

    report = purge_expired(PurgeCommand(today, dry_run=False), deps)

Selection is the pure `core.retention.plan_purge` (legal holds and open cases exempt). A real
run re-checks each record just before shredding (a case or hold placed since planning wins),
audits the purge before doing it (a failed shred leaves an attempt in the log, never a silent
purge), destroys the customer's data key, deletes the application's evidence and sealed data,
and keeps the record's non-personal skeleton. It refuses to run without a durable audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.common.errors import FailedPrecondition
from services.onboarding.core.customer import CustomerRecord, mark_shredded
from services.onboarding.core.retention import (
    Exempted,
    PurgeCandidate,
    PurgePlan,
    plan_purge,
    retained_customer,
)
from services.onboarding.handlers import CustomerDeps
from services.onboarding.ports import AuditEvent

RETENTION_ACTOR = "system:retention"


@dataclass(frozen=True, slots=True)
class PurgeCommand:
    """Purge what is past retention on `today`; `dry_run` only reports (and audits the run)."""

    today: date
    dry_run: bool = True
    actor: str = RETENTION_ACTOR


@dataclass(frozen=True, slots=True)
class PurgeReport:
    as_of: date
    dry_run: bool
    purged: tuple[str, ...]  # record ids purged (or that would be, in a dry run)
    exempted: tuple[tuple[str, str], ...]  # (record id, reason)
    skipped: tuple[str, ...] = ()  # became exempt between planning and purging


def purge_expired(command: PurgeCommand, deps: CustomerDeps) -> PurgeReport:
    """Crypto-shred every customer record past retention, except those under legal hold or
    linked to an open case; audit every purge (and every dry run)."""
    if not command.dry_run and not deps.audit.durable:
        raise FailedPrecondition(
            "retention purge refused: no durable audit log (case management is not deployed)"
        )
    plan = _plan(command.today, deps)
    if command.dry_run:
        _audit_run(command, deps, plan, "retention.purge_dry_run")
        return _report(command, plan, tuple(c.record.record_id for c in plan.due))
    purged: list[str] = []
    skipped: list[str] = []
    for candidate in plan.due:
        done = _purge_one(candidate, command, deps)
        (purged if done else skipped).append(candidate.record.record_id)
    _audit_run(command, deps, plan, "retention.purge_run")
    return _report(command, plan, tuple(purged), tuple(skipped))


def _plan(today: date, deps: CustomerDeps) -> PurgePlan:
    candidates = (retained_customer(c) for c in deps.customers.retention_candidates())
    records = [r for r in candidates if r is not None]
    subjects = frozenset().union(*(r.subjects for r in records))
    return plan_purge(records, deps.retention, deps.open_cases.open_subjects(subjects), today)


def _purge_one(candidate: PurgeCandidate, command: PurgeCommand, deps: CustomerDeps) -> bool:
    # Re-read right before shredding: a case or hold placed since planning must win.
    customer = deps.customers.get(candidate.record.record_id)
    current = retained_customer(customer)
    if current is None or current.legal_hold or deps.open_cases.open_subjects(current.subjects):
        return False
    # Audit first: if shredding then fails, the log shows an attempt, never a silent purge.
    deps.audit.append(_purge_event(candidate, customer, command, deps.clock()))
    deps.vault.shred(customer.id)
    deps.applications.purge(customer.application_id)
    deps.customers.put(mark_shredded(customer, deps.clock()))
    return True


def _purge_event(
    candidate: PurgeCandidate, customer: CustomerRecord, command: PurgeCommand, at: datetime
) -> AuditEvent:
    record = candidate.record
    started = record.clock_started_on
    return AuditEvent(
        at=at,
        actor=command.actor,
        action="retention.purge",
        target=f"customer:{customer.id}",
        details={
            "record_type": record.record_type.value,
            "clock_started_on": started.isoformat() if started else None,
            "due_on": candidate.due_on.isoformat(),
            "method": "crypto_shred",
        },
    )


def _audit_run(command: PurgeCommand, deps: CustomerDeps, plan: PurgePlan, action: str) -> None:
    deps.audit.append(
        AuditEvent(
            at=deps.clock(),
            actor=command.actor,
            action=action,
            target="retention",
            details={
                "as_of": plan.as_of.isoformat(),
                "due": [c.record.record_id for c in plan.due],
                "exempted": [_exemption_detail(e) for e in plan.exempted],
            },
        )
    )


def _exemption_detail(exempted: Exempted) -> dict[str, str]:
    return {"record": exempted.record.record_id, "reason": exempted.reason.value}


def _report(
    command: PurgeCommand,
    plan: PurgePlan,
    purged: tuple[str, ...],
    skipped: tuple[str, ...] = (),
) -> PurgeReport:
    return PurgeReport(
        as_of=plan.as_of,
        dry_run=command.dry_run,
        purged=purged,
        exempted=tuple((e.record.record_id, e.reason.value) for e in plan.exempted),
        skipped=skipped,
    )
