"""OnboardingService servicer: proto -> handler -> proto, nothing else."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc

from services.common.auth import Principal
from services.common.errors import FieldViolation, InvalidArgument
from services.common.rpc.context import current_principal
from services.common.rpc.convert import operation_to_proto
from services.common.rpc.server import RpcService
from services.common.runtime import Container
from services.onboarding import handlers
from services.onboarding.convert import (
    customer_to_proto,
    evaluate_command_from_proto,
    full_date,
    result_to_proto,
)
from services.onboarding.deps import OnboardingDeps, onboarding_deps
from services.onboarding.evaluation import get_decision, start_evaluation

Context = grpc.aio.ServicerContext[Any, Any]


def _actor(principal: Principal) -> str:
    """Who is recorded in the audit log: the officer when the console acts for one."""
    return principal.acting_for or principal.id


class OnboardingServicer(onboarding_pb2_grpc.OnboardingServiceServicer):
    def __init__(self, container: Container) -> None:
        self.container = container

    @property
    def deps(self) -> OnboardingDeps:
        return onboarding_deps(self.container)

    async def Evaluate(self, request: pb.EvaluateRequest, context: Context) -> pb.EvaluateResponse:
        command = evaluate_command_from_proto(request)
        owner = current_principal().id
        operation, application_id = await asyncio.to_thread(
            start_evaluation, command, owner, self.deps.evaluation
        )
        return pb.EvaluateResponse(
            operation=operation_to_proto(operation), application_id=application_id
        )

    async def GetDecision(
        self, request: pb.GetDecisionRequest, context: Context
    ) -> pb.GetDecisionResponse:
        owner = current_principal().id
        result = await asyncio.to_thread(
            get_decision, request.application_id, owner, self.deps.evaluation
        )
        if result is None:
            return pb.GetDecisionResponse(decided=False)
        return pb.GetDecisionResponse(decided=True, result=result_to_proto(result))

    async def GetCustomer(
        self, request: pb.GetCustomerRequest, context: Context
    ) -> pb.GetCustomerResponse:
        record = await asyncio.to_thread(self.deps.customers.customers.get, request.customer_id)
        return pb.GetCustomerResponse(customer=customer_to_proto(record))

    async def ResolveReview(
        self, request: pb.ResolveReviewRequest, context: Context
    ) -> pb.ResolveReviewResponse:
        command = handlers.ResolveReview(request.customer_id, request.approve, request.reason)
        actor = _actor(current_principal())
        record = await asyncio.to_thread(
            handlers.resolve_review, command, actor, self.deps.customers
        )
        return pb.ResolveReviewResponse(customer=customer_to_proto(record))

    async def LinkAccount(
        self, request: pb.LinkAccountRequest, context: Context
    ) -> pb.LinkAccountResponse:
        record = await asyncio.to_thread(
            handlers.link_account, request.customer_id, request.account_id, self.deps.customers
        )
        return pb.LinkAccountResponse(customer=customer_to_proto(record))

    async def EndRelationship(
        self, request: pb.EndRelationshipRequest, context: Context
    ) -> pb.EndRelationshipResponse:
        problems: list[FieldViolation] = []
        ended_on = full_date(request.ended_on, "ended_on", problems)
        if ended_on is None:
            raise InvalidArgument("invalid request", problems)
        actor = _actor(current_principal())
        record = await asyncio.to_thread(
            handlers.end_relationship, request.customer_id, ended_on, actor, self.deps.customers
        )
        return pb.EndRelationshipResponse(customer=customer_to_proto(record))

    async def SetLegalHold(
        self, request: pb.SetLegalHoldRequest, context: Context
    ) -> pb.SetLegalHoldResponse:
        actor = _actor(current_principal())
        record = await asyncio.to_thread(
            handlers.set_legal_hold,
            request.customer_id,
            request.reference or None,
            actor,
            self.deps.customers,
        )
        return pb.SetLegalHoldResponse(customer=customer_to_proto(record))


def build(container: Container) -> list[RpcService]:
    servicer = OnboardingServicer(container)
    onboarding_deps(container)  # load and validate the policy at start-up, not on first call
    name = pb.DESCRIPTOR.services_by_name["OnboardingService"].full_name
    return [
        RpcService(
            name,
            lambda server: onboarding_pb2_grpc.add_OnboardingServiceServicer_to_server(
                servicer, server
            ),
        )
    ]
