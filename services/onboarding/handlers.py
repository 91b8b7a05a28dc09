"""Customer use cases after onboarding: reviews, accounts, holds, exits, re-rating, retention.

Plain functions `verb_noun(command, deps)`, shared by the gRPC servicer, the Celery tasks and
the CLI. (The Evaluate flow lives in `evaluation.py`.) Every change an officer or the
retention job makes to a customer is audited; audit details carry ids, dates and codes only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from services.common.alerts import AlertSink
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.onboarding.core import customer as lifecycle
from services.onboarding.core.alerts import rerating_alert, review_due_alert
from services.onboarding.core.customer import CustomerRecord, CustomerStatus, LegalHold
from services.onboarding.core.policy import Policy
from services.onboarding.core.rerating import customers_in_ring, rerate_customer
from services.onboarding.core.retention import RetentionPolicy
from services.onboarding.core.risk import RingInvolvement, RiskEvent
from services.onboarding.pii import PiiVault
from services.onboarding.ports import (
    ApplicationStore,
    AuditEvent,
    AuditTrail,
    CustomerStore,
    OpenCaseLookup,
)


@dataclass(frozen=True, slots=True)
class CustomerDeps:
    customers: CustomerStore
    applications: ApplicationStore
    open_cases: OpenCaseLookup
    vault: PiiVault
    audit: AuditTrail
    alerts: AlertSink
    policy: Policy
    retention: RetentionPolicy
    clock: Callable[[], datetime]


def _audit(
    deps: CustomerDeps, actor: str, action: str, record: CustomerRecord, **details: object
) -> None:
    deps.audit.append(AuditEvent(deps.clock(), actor, action, f"customer:{record.id}", details))


@dataclass(frozen=True, slots=True)
class ResolveReview:
    customer_id: str
    approve: bool
    reason: str


def resolve_review(command: ResolveReview, actor: str, deps: CustomerDeps) -> CustomerRecord:
    """An officer's conclusion on a PENDING application (after the cases it opened)."""
    if not command.reason.strip() or len(command.reason) > 2000:
        raise InvalidArgument.for_field("reason", "must be 1..2000 characters")
    record = lifecycle.resolve_review(
        deps.customers.get(command.customer_id), command.approve, deps.clock()
    )
    deps.customers.put(record)
    _audit(deps, actor, "onboarding.review_resolved", record, status=record.status.value)
    return record


def link_account(customer_id: str, account_id: str, deps: CustomerDeps) -> CustomerRecord:
    """Link a transaction-graph account to the customer (idempotent)."""
    record = deps.customers.get(customer_id)
    if record.status is not CustomerStatus.ACTIVE:
        raise FailedPrecondition(f"customer {customer_id} is {record.status.value}, not active")
    linked = lifecycle.link_account(record, account_id)
    if linked != record:
        deps.customers.put(linked)
    return linked


def set_legal_hold(
    customer_id: str, reference: str | None, actor: str, deps: CustomerDeps
) -> CustomerRecord:
    """Place a legal hold (reference given) or release it (None)."""
    record = deps.customers.get(customer_id)
    if reference is None:
        updated = lifecycle.release_legal_hold(record)
        _audit(deps, actor, "onboarding.legal_hold_released", updated)
    else:
        if not reference.strip() or len(reference) > 200:
            raise InvalidArgument.for_field("reference", "must be 1..200 characters")
        updated = lifecycle.place_legal_hold(record, LegalHold(reference, actor, deps.clock()))
        _audit(deps, actor, "onboarding.legal_hold_placed", updated, reference=reference)
    deps.customers.put(updated)
    return updated


def end_relationship(customer_id: str, on: date, actor: str, deps: CustomerDeps) -> CustomerRecord:
    """The relationship ended on `on`: the retention clock starts."""
    record = lifecycle.end_relationship(deps.customers.get(customer_id), on)
    deps.customers.put(record)
    _audit(deps, actor, "onboarding.relationship_ended", record, ended_on=on.isoformat())
    return record


def rerate_customers(
    customer_ids: tuple[str, ...], event: RiskEvent, deps: CustomerDeps
) -> tuple[str, ...]:
    """Re-rate each customer with the event; raise an alert for each whose level rose.

    Shredded or unknown customers are skipped. Returns the ids whose rating changed.
    """
    changed = []
    for customer_id in customer_ids:
        try:
            record = deps.customers.get(customer_id)
        except NotFound:
            continue  # monitored through ScreeningService directly: onboarding rates nobody
        if record.shredded or record.risk_inputs is None:
            continue
        result = rerate_customer(
            record.risk_inputs, record.rating, event, deps.policy, deps.clock()
        )
        if result.applied:
            deps.customers.put(lifecycle.record_rerating(record, result))
            changed.append(customer_id)
        alert = rerating_alert(customer_id, result, event.key)
        if alert is not None:
            deps.alerts.raise_alert(alert)
    return tuple(changed)


def rerate_for_ring(ring: RingInvolvement, deps: CustomerDeps) -> tuple[str, ...]:
    """Re-rate every customer owning one of the ring's accounts."""
    owners = deps.customers.owners_of(frozenset(ring.accounts))
    return rerate_customers(customers_in_ring(ring, owners), ring, deps)


def raise_due_reviews(today: date, deps: CustomerDeps) -> tuple[str, ...]:
    """Raise a review alert for every active customer whose periodic review is due."""
    due = tuple(deps.customers.due_for_review(today))
    for customer_id in due:
        deps.alerts.raise_alert(review_due_alert(deps.customers.get(customer_id), deps.clock()))
    return due
