"""OnboardingService end to end: real server and interceptors, embedded Celery worker, SQLite.

Identity and screening are scripted fakes (their areas are composed through ports); everything
else is real: the operation, both task steps on their queues, the stores, the PII vault.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from warden.common.v1 import operation_pb2, party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.alerts import AlertSource, InMemoryAlertSink
from services.common.runtime import Container
from services.onboarding.core.checks import (
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ScreeningOutcome,
)
from services.onboarding.deps import AREA, AreaAdapters, OnboardingDeps, build_deps
from services.onboarding.ports import (
    InMemoryAuditTrail,
    InMemoryOpenCases,
    ScriptedIdentity,
    ScriptedScreener,
)
from services.onboarding.settings import OnboardingSettings
from tests.services.onboarding.factories import hit
from tests.support.grpc import TestServer, auth, start_test_server
from workers import deps
from workers.embedded import EmbeddedWorker

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
EXPIRED = IdentityOutcome(IdentityVerdict.DECLINED, frozenset({IdentityFinding.DOCUMENT_EXPIRED}))


@dataclasses.dataclass
class Live:
    server: TestServer
    alerts: InMemoryAlertSink
    audit: InMemoryAuditTrail
    client: str  # token with onboarding.evaluate + operations.read
    officer: str  # token with onboarding.review + onboarding.manage


@pytest.fixture
async def live(container: Container) -> AsyncIterator[Live]:
    alerts, audit = InMemoryAlertSink(), InMemoryAuditTrail()
    adapters = AreaAdapters(
        ScriptedIdentity({"EXPIRED1": EXPIRED}, IdentityOutcome(IdentityVerdict.APPROVED)),
        ScriptedScreener({"Petrov": ScreeningOutcome((hit(),))}),
        InMemoryOpenCases(),
        audit,
    )

    def with_fakes(c: Container) -> OnboardingDeps:
        built = build_deps(c, OnboardingSettings(), adapters)
        return dataclasses.replace(
            built,
            evaluation=dataclasses.replace(built.evaluation, alerts=alerts),
            customers=dataclasses.replace(built.customers, alerts=alerts),
        )

    container.area(AREA, with_fakes)
    deps.install(container)
    with EmbeddedWorker(container.celery, concurrency=2):
        async with start_test_server(container) as server:
            client = server.key("onboarding.evaluate", "operations.read", name="bank app")
            officer = server.key("onboarding.review", "onboarding.manage", name="console")
            yield Live(server, alerts, audit, client, officer)
    deps.reset()


def request(
    request_id: str, family: str = "Schmidt", document: str = "C01X00T47"
) -> pb.EvaluateRequest:
    return pb.EvaluateRequest(
        request_id=request_id,
        applicant=pb.Applicant(
            given_names="Anna Maria",
            family_name=family,
            birth_date=party_pb2.PartialDate(year=1988, month=2, day=29),
            nationality="DE",
            residence_country="DE",
            document=pb.IdentityDocument(
                kind=pb.DOCUMENT_KIND_PASSPORT, number=document, issuing_country="DE"
            ),
            occupation="employee",
        ),
        document_images=[JPEG],
        selfie=JPEG,
        product="current_account",
        channel="online",
    )


async def evaluate(
    live: Live, message: pb.EvaluateRequest
) -> tuple[operation_pb2.Operation, pb.EvaluateResponse]:
    async with live.server.channel() as channel:
        started = await onboarding_pb2_grpc.OnboardingServiceStub(channel).Evaluate(
            message, metadata=auth(live.client)
        )
        watch = operations_pb2.WatchOperationRequest(id=started.operation.id, timeout_seconds=30)
        stub = operations_pb2_grpc.OperationsServiceStub(channel)
        updates = [
            u.operation async for u in stub.WatchOperation(watch, metadata=auth(live.client))
        ]
    return updates[-1], started


def result_of(operation: operation_pb2.Operation) -> pb.EvaluationResult:
    assert operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED, operation
    result = pb.EvaluationResult()
    assert operation.result.Unpack(result)
    return result


async def test_clean_applicant_is_approved_through_both_queues(live: Live) -> None:
    final, started = await evaluate(live, request("r-1"))
    result = result_of(final)
    assert result.outcome == pb.OUTCOME_APPROVED
    assert list(result.reasons) == []
    assert result.application_id == started.application_id
    assert final.progress_percent == 100
    async with live.server.channel() as channel:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(channel)
        decision = await stub.GetDecision(
            pb.GetDecisionRequest(application_id=started.application_id), metadata=auth(live.client)
        )
        customer = await stub.GetCustomer(
            pb.GetCustomerRequest(customer_id=result.customer_id), metadata=auth(live.officer)
        )
    assert decision.decided
    assert decision.result == result
    assert customer.customer.status == pb.CUSTOMER_STATUS_ACTIVE
    (rating,) = customer.customer.ratings
    assert rating.level == pb.RISK_LEVEL_LOW
    assert {f.code for f in rating.factors} == {"product", "channel", "occupation", "identity"}


async def test_sanctions_hit_is_reviewed_and_nothing_leaks_to_the_client(live: Live) -> None:
    final, started = await evaluate(live, request("r-2", family="Petrov"))
    result = result_of(final)
    assert result.outcome == pb.OUTCOME_PENDING_REVIEW
    assert list(result.reasons) == [pb.CLIENT_REASON_ADDITIONAL_REVIEW_REQUIRED]
    async with live.server.channel() as channel:
        decision = await onboarding_pb2_grpc.OnboardingServiceStub(channel).GetDecision(
            pb.GetDecisionRequest(application_id=started.application_id), metadata=auth(live.client)
        )
    seen_by_client = (
        final.SerializeToString() + decision.SerializeToString() + started.SerializeToString()
    )
    for secret in (b"ofac", b"sdn", b"SANCTION", b"sanction", b"PRIGOZHIN", b"risk", b"0.91"):
        assert secret not in seen_by_client
    (alert,) = live.alerts.alerts.values()
    assert alert.source is AlertSource.SCREENING_HIT
    assert alert.subject_id == result.customer_id


async def test_expired_document_is_rejected_with_its_reason(live: Live) -> None:
    result = result_of((await evaluate(live, request("r-3", document="EXPIRED1")))[0])
    assert result.outcome == pb.OUTCOME_REJECTED
    assert list(result.reasons) == [pb.CLIENT_REASON_DOCUMENT_EXPIRED]


async def test_retry_returns_the_same_operation_and_reuse_is_refused(live: Live) -> None:
    async with live.server.channel() as channel:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(channel)
        first = await stub.Evaluate(request("same"), metadata=auth(live.client))
        again = await stub.Evaluate(request("same"), metadata=auth(live.client))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Evaluate(request("same", family="Other"), metadata=auth(live.client))
    assert (first.operation.id, first.application_id) == (again.operation.id, again.application_id)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_bad_request_names_every_field(live: Live) -> None:
    message = request("r-bad")
    message.applicant.birth_date.CopyFrom(party_pb2.PartialDate(year=1988))
    message.product = "gold"
    async with live.server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await onboarding_pb2_grpc.OnboardingServiceStub(channel).Evaluate(
                message, metadata=auth(live.client)
            )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = _violations(caught.value)
    assert fields == {"applicant.birth_date"}
    message.applicant.birth_date.CopyFrom(party_pb2.PartialDate(year=1988, month=1, day=2))
    async with live.server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await onboarding_pb2_grpc.OnboardingServiceStub(channel).Evaluate(
                message, metadata=auth(live.client)
            )
    assert _violations(caught.value) == {"product"}


def _violations(error: grpc.aio.AioRpcError) -> set[str]:
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert isinstance(raw, bytes)
    status = status_pb2.Status.FromString(raw)
    fields = set()
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields |= {v.field for v in bad.field_violations}
    return fields


async def test_scopes_and_ownership(live: Live) -> None:
    _, started = await evaluate(live, request("r-4"))
    other_client = live.server.key("onboarding.evaluate", name="another app")
    async with live.server.channel() as channel:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await stub.GetCustomer(
                pb.GetCustomerRequest(customer_id="cus_x"), metadata=auth(live.client)
            )
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await stub.GetDecision(
                pb.GetDecisionRequest(application_id=started.application_id),
                metadata=auth(other_client),
            )
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.Evaluate(request("r-5"))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_officer_review_links_exit_and_hold(live: Live) -> None:
    pending = result_of((await evaluate(live, request("r-6", family="Petrov")))[0])
    approved = result_of((await evaluate(live, request("r-7")))[0])
    async with live.server.channel() as channel:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(channel)
        meta = auth(live.officer)
        reviewed = await stub.ResolveReview(
            pb.ResolveReviewRequest(
                customer_id=pending.customer_id, approve=True, reason="namesake"
            ),
            metadata=meta,
        )
        linked = await stub.LinkAccount(
            pb.LinkAccountRequest(customer_id=approved.customer_id, account_id="acc_1"),
            metadata=meta,
        )
        held = await stub.SetLegalHold(
            pb.SetLegalHoldRequest(customer_id=approved.customer_id, reference="court 17"),
            metadata=meta,
        )
        ended = await stub.EndRelationship(
            pb.EndRelationshipRequest(
                customer_id=approved.customer_id,
                ended_on=party_pb2.PartialDate(year=2027, month=1, day=31),
            ),
            metadata=meta,
        )
        with pytest.raises(grpc.aio.AioRpcError) as twice:
            await stub.ResolveReview(
                pb.ResolveReviewRequest(customer_id=pending.customer_id, approve=False, reason="x"),
                metadata=meta,
            )
    assert reviewed.customer.status == pb.CUSTOMER_STATUS_ACTIVE
    assert list(linked.customer.accounts) == ["acc_1"]
    assert held.customer.legal_hold == "court 17"
    assert (ended.customer.status, ended.customer.relationship_ended_on) == (
        pb.CUSTOMER_STATUS_CLOSED,
        "2027-01-31",
    )
    assert twice.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert [e.action for e in live.audit.events] == [
        "onboarding.review_resolved",
        "onboarding.legal_hold_placed",
        "onboarding.relationship_ended",
    ]
