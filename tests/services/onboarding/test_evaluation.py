"""The Evaluate flow over the in-memory ports: steps, idempotency, crash recovery, alerts."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from services.common.alerts import AlertSource
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from services.common.operations import Operation, OperationState, requeue_stale, run_operation
from services.onboarding.core.application import ApplicationState, Evidence, EvidenceKind
from services.onboarding.core.checks import (
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ScreeningOutcome,
)
from services.onboarding.core.customer import CustomerStatus
from services.onboarding.core.policy import Outcome, ResubmissionItem
from services.onboarding.core.reasons import ClientReason
from services.onboarding.evaluation import (
    DECIDE_QUEUE,
    DECIDE_TASK,
    VERIFY_QUEUE,
    VERIFY_TASK,
    advance_operation,
    decide_application,
    enqueue_decision,
    get_decision,
    verify_application,
)
from services.onboarding.ports import IdentityRequest, ScriptedIdentity
from tests.services.onboarding.factories import hit
from tests.services.onboarding.world import JPEG, World, applicant, command


def test_clean_applicant_is_approved_monitored_and_raises_nothing() -> None:
    world = World()
    result = world.onboard(command())
    assert result.view.outcome is Outcome.APPROVED
    assert result.view.reasons == ()
    customer = world.customers.get(result.customer_id)
    assert customer.status is CustomerStatus.ACTIVE
    assert customer.personal is not None
    assert customer.personal.family_name == "Schmidt"
    assert list(world.screening.monitored) == [result.customer_id]
    assert world.alerts.alerts == {}


def test_accepting_records_the_application_and_enqueues_identity_work() -> None:
    world = World()
    operation, application_id = world.submit(command())
    assert operation.state is OperationState.PENDING
    assert operation.task_name == VERIFY_TASK
    assert world.queue.sent == [
        (
            VERIFY_TASK,
            {"operation_id": operation.id, "application_id": application_id},
            VERIFY_QUEUE,
        )
    ]
    stored = world.applications.get(application_id)
    assert stored.state is ApplicationState.RECEIVED
    assert [e.kind for e in world.applications.evidence(application_id)] == [
        EvidenceKind.DOCUMENT,
        EvidenceKind.SELFIE,
    ]


def test_same_request_id_is_the_same_application_and_other_input_is_refused() -> None:
    world = World()
    first = world.submit(command("r"))
    again = world.submit(command("r"))
    assert first == again
    assert len(world.queue.sent) == 1
    with pytest.raises(AlreadyExists):
        world.submit(command("r", applicant("Other")))
    # Another client may use the same request id for its own application.
    assert world.submit(command("r"), owner="client-2")[1] != first[1]


def test_every_step_is_idempotent() -> None:
    world = World()
    _, application_id = world.submit(command())
    verify_application(application_id, world.evaluation)
    verify_application(application_id, world.evaluation)  # redelivered: no second verification
    assert world.identity.calls == [application_id]
    first = decide_application(application_id, world.evaluation)
    second = decide_application(application_id, world.evaluation)
    assert first == second
    assert len(world.customers.records) == 1


def test_deciding_before_verifying_is_refused() -> None:
    world = World()
    _, application_id = world.submit(command())
    with pytest.raises(FailedPrecondition):
        decide_application(application_id, world.evaluation)


def test_a_crash_after_deciding_re_raises_the_same_alerts_once() -> None:
    world = World(screening_outcomes={"Petrov": ScreeningOutcome((hit(),))})
    result = world.onboard(command(who=applicant("Petrov")))
    keys = set(world.alerts.alerts)
    assert result.view.outcome is Outcome.PENDING_REVIEW
    assert result.view.reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
    assert [a.source for a in world.alerts.alerts.values()] == [AlertSource.SCREENING_HIT]
    # The worker died after the commit, before acknowledging: the redelivery re-raises (same keys).
    decide_application(result.application_id, world.evaluation)
    assert set(world.alerts.alerts) == keys


def test_expired_document_is_rejected_and_not_monitored() -> None:
    expired = IdentityOutcome(
        IdentityVerdict.DECLINED, frozenset({IdentityFinding.DOCUMENT_EXPIRED})
    )
    world = World(identity_outcomes={"OLD123": expired})
    result = world.onboard(command(who=applicant(document_number="OLD123")))
    assert result.view.outcome is Outcome.REJECTED
    assert result.view.reasons == (ClientReason.DOCUMENT_EXPIRED,)
    assert world.customers.get(result.customer_id).status is CustomerStatus.REJECTED
    assert world.screening.monitored == {}


def test_identity_retry_asks_for_a_new_selfie() -> None:
    retry = IdentityOutcome(IdentityVerdict.RETRY, frozenset({IdentityFinding.SELFIE_UNUSABLE}))
    world = World(identity_outcomes={"C01X00T47": retry})
    result = world.onboard(command())
    assert result.view.resubmit == (ResubmissionItem.SELFIE,)


def test_checks_that_could_not_run_send_the_application_to_review() -> None:
    world = World(screening_outcomes={"Schmidt": None})
    result = world.onboard(command())
    assert result.view.outcome is Outcome.PENDING_REVIEW
    assert world.customers.get(result.customer_id).status is CustomerStatus.PENDING


def test_only_the_submitting_client_reads_the_decision() -> None:
    world = World()
    _, application_id = world.submit(command())
    assert get_decision(application_id, "client-1", world.evaluation) is None  # not decided yet
    verify_application(application_id, world.evaluation)
    decide_application(application_id, world.evaluation)
    decided = get_decision(application_id, "client-1", world.evaluation)
    assert decided is not None
    assert decided.view.outcome is Outcome.APPROVED
    with pytest.raises(NotFound):
        get_decision(application_id, "someone-else", world.evaluation)


def violations(world: World, cmd: object) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        world.submit(cmd)  # type: ignore[arg-type]
    return {v.field: v.description for v in caught.value.violations}


def test_bad_requests_name_every_field() -> None:
    world = World()
    bad = dataclasses.replace(
        command(
            "",
            applicant(" ", nationality="Germany", birth_date=date(2030, 1, 1), occupation="pirate"),
        ),
        product="gold",
        evidence=(),
    )
    found = violations(world, bad)
    assert set(found) == {
        "request_id",
        "applicant.family_name",
        "applicant.nationality",
        "applicant.birth_date",
        "applicant.occupation",
        "applicant.document.issuing_country",
        "product",
        "document_images",
        "selfie",
    }
    assert world.queue.sent == []


def test_hostile_text_is_refused() -> None:
    found = violations(World(), command(who=applicant("Sch\u202emidt")))
    assert found == {"applicant.family_name": "contains control or invisible formatting characters"}


def test_oversized_images_are_resource_exhausted_before_anything_is_stored() -> None:
    world = World()
    huge = (Evidence(EvidenceKind.DOCUMENT, b"x" * 1_000_001), Evidence(EvidenceKind.SELFIE, JPEG))
    with pytest.raises(ResourceExhausted) as caught:
        world.submit(command(evidence=huge))
    assert caught.value.reason == "IMAGE_TOO_LARGE"
    assert world.applications.records == {}


def test_liveness_frames_need_their_challenge_and_ordered_offsets() -> None:
    frames = (
        Evidence(EvidenceKind.LIVENESS_FRAME, JPEG, 0),
        Evidence(EvidenceKind.LIVENESS_FRAME, JPEG, 0),
    )
    found = violations(World(), command(evidence=(Evidence(EvidenceKind.DOCUMENT, JPEG), *frames)))
    assert found == {
        "liveness_challenge_id": "is required with liveness frames",
        "liveness_nonce": "is required with liveness frames",
        "liveness_frame_offsets_ms": "must increase strictly, from 0 or more",
    }


def test_too_many_liveness_frames_and_no_face_capture() -> None:
    frames = tuple(Evidence(EvidenceKind.LIVENESS_FRAME, JPEG, i * 100) for i in range(11))
    cmd = dataclasses.replace(
        command(evidence=(Evidence(EvidenceKind.DOCUMENT, JPEG), *frames)),
        liveness_challenge_id="chl_1",
        liveness_nonce="n",
    )
    assert violations(World(), cmd) == {"liveness_frames": "at most 10 frames"}
    found = violations(World(), command(evidence=(Evidence(EvidenceKind.DOCUMENT, JPEG),)))
    assert found == {"selfie": "a selfie or liveness frames are required"}


def _verify_task(world: World, operation_id: str, application_id: str, *, deliver: bool) -> None:
    """What the identity-queue task does; `deliver=False` is a worker dying before enqueueing."""

    def step() -> None:
        verify_application(application_id, world.evaluation)

    if (
        advance_operation(world.operations, operation_id, step, (50, "identity checked"))
        and deliver
    ):
        enqueue_decision(operation_id, application_id, world.queue)


def test_a_worker_dying_between_steps_loses_nothing() -> None:
    world = World()
    operation, application_id = world.submit(command())
    _verify_task(world, operation.id, application_id, deliver=False)  # killed after recording
    assert world.applications.get(application_id).state is ApplicationState.VERIFIED
    assert world.operations.get(operation.id).state is OperationState.RUNNING
    # The stale-operation sweeper re-sends the operation's first task...
    world.queue.sent.clear()
    assert requeue_stale(world.operations, world.queue, timedelta(seconds=0)) == 1
    ((task, kwargs, queue),) = world.queue.sent
    assert (task, queue) == (VERIFY_TASK, VERIFY_QUEUE)
    # ...which finds identity already recorded (no second verification) and hands over.
    _verify_task(world, kwargs["operation_id"], kwargs["application_id"], deliver=True)
    assert world.identity.calls == [application_id]
    (task, kwargs, queue) = world.queue.sent[-1]
    assert (task, queue) == (DECIDE_TASK, DECIDE_QUEUE)

    def work(_: Operation) -> tuple[str, bytes]:
        result = decide_application(kwargs["application_id"], world.evaluation)
        return "test.Result", result.view.outcome.value.encode()

    run_operation(world.operations, kwargs["operation_id"], work)
    final = world.operations.get(operation.id)
    assert (final.state, final.result) == (OperationState.SUCCEEDED, b"APPROVED")


def test_an_identity_error_fails_the_operation_with_its_code() -> None:
    world = World()
    operation, application_id = world.submit(command())

    class Refuses(ScriptedIdentity):
        def verify(self, request: IdentityRequest) -> IdentityOutcome | None:
            raise InvalidArgument.for_field(
                "document_images[0]", "not an image", reason="IMAGE_CORRUPT"
            )

    world.identity = Refuses({}, None)
    _verify_task(world, operation.id, application_id, deliver=True)
    failed = world.operations.get(operation.id)
    assert failed.state is OperationState.FAILED
    assert failed.failure is not None
    assert failed.failure.code == "IMAGE_CORRUPT"
    assert not any(task == DECIDE_TASK for task, _, _ in world.queue.sent)
