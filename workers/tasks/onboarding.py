"""Task shells for onboarding: decode arguments, call the handler, nothing else."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from services.common.alerts import Severity
from services.common.db import utcnow
from services.common.operations import Operation, run_operation
from services.onboarding.convert import result_to_proto
from services.onboarding.core.checks import ListCategory
from services.onboarding.core.risk import RescreeningHit, RingInvolvement
from services.onboarding.deps import onboarding_deps
from services.onboarding.evaluation import (
    DECIDE_TASK,
    VERIFY_TASK,
    advance_operation,
    decide_application,
    enqueue_decision,
    verify_application,
)
from services.onboarding.followups import RERATE_RESCREENING_TASK, RERATE_RING_TASK
from services.onboarding.handlers import raise_due_reviews, rerate_customers, rerate_for_ring
from services.onboarding.purge import PurgeCommand, purge_expired
from workers import deps
from workers.base import WardenTask

PURGE_TASK = "onboarding.purge_expired"
REVIEWS_TASK = "onboarding.raise_due_reviews"


@shared_task(base=WardenTask, name=VERIFY_TASK)
def verify_identity(operation_id: str, application_id: str, **_: object) -> None:
    """Step 1 (identity queue): verify once, record it, hand over to the decision step."""
    container = deps.current()
    evaluation = onboarding_deps(container).evaluation

    def step() -> None:
        verify_application(application_id, evaluation)

    if advance_operation(container.operations, operation_id, step, (50, "identity checked")):
        enqueue_decision(operation_id, application_id, container.queue)


@shared_task(base=WardenTask, name=DECIDE_TASK)
def decide(operation_id: str, application_id: str, **_: object) -> None:
    """Step 2 (screening queue): screen, rate, decide; the operation's one result."""
    container = deps.current()
    evaluation = onboarding_deps(container).evaluation

    def work(_: Operation) -> tuple[str, bytes]:
        message = result_to_proto(decide_application(application_id, evaluation))
        return message.DESCRIPTOR.full_name, message.SerializeToString()

    run_operation(container.operations, operation_id, work)


@shared_task(base=WardenTask, name=PURGE_TASK)
def purge(dry_run: bool | None = None, as_of: str | None = None) -> dict[str, object]:
    """Beat: the retention purge (dry-run unless WARDEN_ONBOARDING_PURGE_DRY_RUN=false)."""
    onboarding = onboarding_deps(deps.current())
    chosen = onboarding.settings.purge_dry_run if dry_run is None else dry_run
    today = date.fromisoformat(as_of) if as_of else utcnow().date()
    report = purge_expired(PurgeCommand(today, dry_run=chosen), onboarding.customers)
    return {
        "dry_run": report.dry_run,
        "purged": len(report.purged),
        "exempted": len(report.exempted),
    }


@shared_task(base=WardenTask, name=REVIEWS_TASK)
def reviews_due(as_of: str | None = None) -> int:
    """Beat: raise an alert for each customer whose periodic review is due."""
    today = date.fromisoformat(as_of) if as_of else utcnow().date()
    return len(raise_due_reviews(today, onboarding_deps(deps.current()).customers))


@shared_task(base=WardenTask, name=RERATE_RING_TASK)
def rerate_ring(key: str, typology: str, severity: str, accounts: list[str]) -> int:
    """A graph ring involves these accounts: re-rate their customers."""
    ring = RingInvolvement(key, typology, Severity(severity), tuple(accounts))
    return len(rerate_for_ring(ring, onboarding_deps(deps.current()).customers))


@shared_task(base=WardenTask, name=RERATE_RESCREENING_TASK)
def rerate_rescreening(
    customer_id: str, key: str, entry_id: str, category: str, score: float, is_match: bool
) -> int:
    """Ongoing screening found the customer on a list: re-rate them."""
    event = RescreeningHit(key, entry_id, ListCategory(category), score, is_match)
    return len(rerate_customers((customer_id,), event, onboarding_deps(deps.current()).customers))
