"""The Evaluate flow: accept, verify identity (identity queue), then screen + rate + decide.

    start_evaluation(command, owner, deps)        gRPC: store, create the operation, enqueue
    verify_application(application_id, deps)     task on the "identity" queue
    decide_application(application_id, deps)     task on the "screening" queue

Why two steps on two queues: identity work (face matching) is CPU-heavy and scales with the
identity workers; screening needs the in-memory list index the screening workers hold. Each
step records its result on the application before the next is enqueued, so a worker killed
between steps loses nothing: the stale-operation sweeper re-sends the first step, which skips
what is already recorded and enqueues the next. Each step is idempotent (a redelivered message
changes nothing), and alerts are keyed, so re-raising them after a crash duplicates nothing.
The decision's alerts are recorded (case intake, in the database; `runtime.RecordingAlertSink`)
before the operation succeeds: queued in Redis after it, a Redis restart lost them for good
(docs/e2e.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.common.alerts import AlertSink
from services.common.errors import FailedPrecondition, NotFound, TransientError, WardenError
from services.common.ids import new_id
from services.common.operations import (
    NewOperation,
    Operation,
    OperationFailure,
    OperationStore,
    TaskQueue,
    input_digest,
    submit_operation,
)
from services.onboarding import codec
from services.onboarding.core.alerts import AlertContext, decision_alerts
from services.onboarding.core.application import (
    ApplicantData,
    ApplicationRecord,
    ApplicationState,
    Evidence,
    applicant_party,
    risk_profile,
)
from services.onboarding.core.checks import CheckOutcomes
from services.onboarding.core.customer import Onboarded, open_customer
from services.onboarding.core.decision import ClientView, client_view, decide
from services.onboarding.core.policy import Outcome, Policy
from services.onboarding.core.risk import RatingInput, rate_customer
from services.onboarding.core.signals import Application
from services.onboarding.ports import (
    ApplicationStore,
    IdentityChecker,
    IdentityRequest,
    NewApplication,
    Screener,
)
from services.onboarding.validation import (
    InputLimits,
    applicant_problems,
    catalogue_problems,
    check_sizes,
    evidence_problems,
    liveness_problems,
    raise_problems,
    request_id_problem,
)

log = logging.getLogger(__name__)

EVALUATE_KIND = "onboarding.evaluate"
VERIFY_TASK = "onboarding.verify_identity"
DECIDE_TASK = "onboarding.decide"
VERIFY_QUEUE = "identity"
DECIDE_QUEUE = "screening"


@dataclass(frozen=True, slots=True)
class EvaluationDeps:
    policy: Policy
    applications: ApplicationStore
    identity: IdentityChecker
    screening: Screener
    alerts: AlertSink
    operations: OperationStore
    queue: TaskQueue
    limits: InputLimits
    clock: Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class EvaluateCommand:
    request_id: str
    applicant: ApplicantData
    product: str
    channel: str
    evidence: tuple[Evidence, ...]
    liveness_challenge_id: str = ""
    liveness_nonce: str = ""


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """What the applicant's side learns: the client view of the decision, and the ids."""

    application_id: str
    customer_id: str
    view: ClientView
    policy_version: str
    decided_at: datetime


def _digest(command: EvaluateCommand) -> str:
    applicant = codec.dumps(codec.applicant_to_dict(command.applicant))
    images = [f"{e.kind.value}:{e.offset_ms}:{input_digest(e.content)}" for e in command.evidence]
    liveness = (command.liveness_challenge_id, command.liveness_nonce)
    return input_digest(applicant, command.product, command.channel, *liveness, *images)


def start_evaluation(
    command: EvaluateCommand, owner: str, deps: EvaluationDeps
) -> tuple[Operation, str]:
    """Validate, store the application (images sealed), create the operation, enqueue step 1.

    Idempotent by request id: a retried request returns the same operation; the same request
    id with different input is ALREADY_EXISTS. Returns (operation, application id).
    """
    check_sizes(command.evidence, deps.limits)
    problem = request_id_problem(command.request_id)
    raise_problems(
        ([problem] if problem else [])
        + applicant_problems(command.applicant, deps.clock().date())
        + catalogue_problems(command.applicant, command.product, command.channel, deps.policy.risk)
        + evidence_problems(command.evidence, deps.limits)
        + liveness_problems(command.evidence, command.liveness_challenge_id, command.liveness_nonce)
    )
    deps.identity.check_images(command.evidence)
    digest = _digest(command)
    record = ApplicationRecord(
        id=new_id("app"),
        owner=owner,
        request_id=command.request_id,
        customer_id=new_id("cus"),
        product=command.product,
        channel=command.channel,
        applicant=command.applicant,
        created_at=deps.clock(),
        liveness_challenge_id=command.liveness_challenge_id,
        liveness_nonce=command.liveness_nonce,
    )
    stored = deps.applications.create_or_get(NewApplication(record, digest, command.evidence))
    new = NewOperation(
        kind=EVALUATE_KIND,
        owner=owner,
        request_id=command.request_id,
        input_sha256=digest,
        task_name=VERIFY_TASK,
        task_queue=VERIFY_QUEUE,
        task_kwargs={"application_id": stored.id},
    )
    return submit_operation(deps.operations, deps.queue, new), stored.id


def verify_application(application_id: str, deps: EvaluationDeps) -> None:
    """Step 1: run identity verification once and record it (None: it could not run)."""
    record = deps.applications.get(application_id)
    if record.state is not ApplicationState.RECEIVED:
        return  # a redelivery after the outcome was recorded
    applicant = _applicant(record)
    request = IdentityRequest(
        application_id,
        applicant,
        deps.applications.evidence(application_id),
        record.liveness_challenge_id,
        record.liveness_nonce,
    )
    deps.applications.record_identity(application_id, deps.identity.verify(request))


def advance_operation(
    store: OperationStore, operation_id: str, step: Callable[[], None], progress: tuple[int, str]
) -> bool:
    """Run a non-final step of an operation; False when the operation is finished or failed.

    Like `run_operation` without recording a result: a WardenError fails the operation with
    its reason, a TransientError propagates (the task retries), anything else is a bug
    recorded as INTERNAL without details.
    """
    if store.start_attempt(operation_id) is None:
        return False  # already finished: a redelivered message
    try:
        step()
    except TransientError:
        raise
    except WardenError as error:
        store.fail(operation_id, OperationFailure(error.reason, error.message))
        return False
    except Exception:
        log.exception("operation step failed", extra={"fields": {"operation_id": operation_id}})
        store.fail(operation_id, OperationFailure("INTERNAL", "internal error"))
        return False
    store.report_progress(operation_id, *progress)
    return True


def enqueue_decision(operation_id: str, application_id: str, queue: TaskQueue) -> None:
    queue.enqueue(
        DECIDE_TASK,
        {"operation_id": operation_id, "application_id": application_id},
        queue=DECIDE_QUEUE,
    )


def decide_application(application_id: str, deps: EvaluationDeps) -> EvaluationResult:
    """Step 2: screen, rate, decide, create the customer; then raise alerts and monitor."""
    record = deps.applications.get(application_id)
    if record.state is ApplicationState.RECEIVED:
        raise FailedPrecondition(f"application {application_id} has not been verified yet")
    if record.state is ApplicationState.VERIFIED:
        _decide(record, deps)
        record = deps.applications.get(application_id)  # the stored decision wins a race
    _after_decision(record, deps)
    return _result(record)


def _decide(record: ApplicationRecord, deps: EvaluationDeps) -> None:
    applicant, policy, now = _applicant(record), deps.policy, deps.clock()
    screening = deps.screening.screen(applicant_party(record.customer_id, applicant))
    checks = CheckOutcomes(record.identity, screening)
    profile = risk_profile(applicant, record.product, record.channel)
    inputs = RatingInput(profile, checks)
    rating = rate_customer(inputs, policy.risk, policy.version, now)
    decision = decide(policy, Application(checks, profile, rating))
    onboarded = Onboarded(
        record.customer_id, record.id, applicant.personal, inputs, rating, decision
    )
    deps.applications.record_decision(record.id, checks, decision, open_customer(onboarded, now))


def _after_decision(record: ApplicationRecord, deps: EvaluationDeps) -> None:
    if record.decision is None or record.checks is None or record.decided_at is None:
        return  # purged since (retention): nothing left to raise or monitor
    party = applicant_party(record.customer_id, record.applicant) if record.applicant else None
    subject_hash = party.content_hash() if party else ""
    context = AlertContext(record.customer_id, record.id, record.decided_at, subject_hash)
    for alert in decision_alerts(record.decision, record.checks, context):
        deps.alerts.raise_alert(alert)
    if record.decision.outcome is not Outcome.REJECTED and party is not None:
        deps.screening.monitor(party)


def _applicant(record: ApplicationRecord) -> ApplicantData:
    if record.applicant is None:
        raise FailedPrecondition(f"application {record.id} was purged (retention)")
    return record.applicant


def _result(record: ApplicationRecord) -> EvaluationResult:
    if record.decision is None or record.decided_at is None:
        raise FailedPrecondition(f"application {record.id} was purged (retention)")
    return EvaluationResult(
        application_id=record.id,
        customer_id=record.customer_id,
        view=client_view(record.decision),
        policy_version=record.decision.policy_version,
        decided_at=record.decided_at,
    )


def get_decision(application_id: str, owner: str, deps: EvaluationDeps) -> EvaluationResult | None:
    """The client view of an application's decision (None while undecided).

    Only the client that submitted the application may read it; anyone else gets NOT_FOUND,
    which does not even confirm that the application exists.
    """
    record = deps.applications.get(application_id)
    if record.owner != owner:
        raise NotFound("application", application_id)
    return _result(record) if record.state is ApplicationState.DECIDED else None
