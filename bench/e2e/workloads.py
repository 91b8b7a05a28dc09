"""The two workloads, as flows for the load generator.

screening: `ScreeningService.Screen`, one party per flow. Evaluate cannot run screening alone:
  every onboarding application needs a document image and a selfie (the policy has no
  screening-only product), so the screening-only decision is Screen itself.
onboarding: the client's whole journey — `OnboardingService.Evaluate` with a document image and
  a selfie, then `OperationsService.WatchOperation` until the decision.

Client-side stages come from the flow; server-side stages of the onboarding flow are read from
the database after each level (the identity result's own `timings_ms`, and the operations'
timestamps), since the client only sees the decision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import grpc
from warden.common.v1 import operation_pb2, party_pb2
from warden.onboarding.v1 import onboarding_pb2 as onb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from bench.e2e.loadgen import LevelResult
from bench.e2e.stacks import Stack
from bench.e2e.timings import IDENTITY_TIMINGS, server_stages
from services.common.rpc.convert import party_to_proto
from tests.support.grpc import auth
from watchlists.model import Party

RPC_TIMEOUT_S = 30.0
WATCH_S = 120
SCREENING_STAGES = ("screen",)
ONBOARDING_STAGES = (
    "evaluate",
    "watch",
    "to_identity",
    "identity",
    *IDENTITY_TIMINGS,
    "to_decision",
    "case_intake",
)
# Case intake runs after the decision (cases queue): give the last flows' cases time to open.
INTAKE_GRACE_S = 2.0


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


class FlowFailed(Exception):
    """The flow ended, but not in a decision."""


@dataclass
class ScreeningFlow:
    """Screen one party of the mix per flow."""

    channel: grpc.aio.Channel
    stack: Stack
    parties: Sequence[Party]
    requests: list[screening_pb2.ScreenRequest] = field(init=False)

    def __post_init__(self) -> None:
        self.stub = screening_pb2_grpc.ScreeningServiceStub(self.channel)
        self.metadata = auth(self.stack.token)
        self.requests = [screening_pb2.ScreenRequest(party=party_to_proto(p)) for p in self.parties]

    async def __call__(self, sequence: int) -> Mapping[str, float]:
        started = time.perf_counter()
        request = self.requests[sequence % len(self.requests)]
        await self.stub.Screen(request, metadata=self.metadata, timeout=RPC_TIMEOUT_S)
        return {"screen": _ms(started)}

    async def after_level(self, level: LevelResult) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    document: bytes
    selfie: bytes


def applicant() -> onb.Applicant:
    """The holder of the workload's passport (bench.e2e._evidence), as they type it."""
    return onb.Applicant(
        given_names="Anna Maria",
        family_name="Eriksson",
        birth_date=party_pb2.PartialDate(year=1974, month=8, day=12),
        nationality="SE",
        residence_country="SE",
        document=onb.IdentityDocument(
            kind=onb.DOCUMENT_KIND_PASSPORT, number="L898902C3", issuing_country="SE"
        ),
        occupation="employee",
    )


@dataclass
class OnboardingFlow:
    """Evaluate, watch to the end; records the application ids for server-side timings."""

    channel: grpc.aio.Channel
    stack: Stack
    evidence: Evidence
    run_id: str
    outcomes: dict[str, int] = field(default_factory=dict)
    customers: dict[str, str] = field(default_factory=dict)  # operation id -> customer id

    def __post_init__(self) -> None:
        self.onboarding = onboarding_pb2_grpc.OnboardingServiceStub(self.channel)
        self.watcher = operations_pb2_grpc.OperationsServiceStub(self.channel)
        self.metadata = auth(self.stack.token)

    def _request(self, sequence: int) -> onb.EvaluateRequest:
        return onb.EvaluateRequest(
            request_id=f"bench-{self.run_id}-{sequence}",
            applicant=applicant(),
            document_images=[self.evidence.document],
            selfie=self.evidence.selfie,
            product="current_account",
            channel="online",
        )

    async def __call__(self, sequence: int) -> Mapping[str, float]:
        started = time.perf_counter()
        reply = await self.onboarding.Evaluate(
            self._request(sequence), metadata=self.metadata, timeout=RPC_TIMEOUT_S
        )
        evaluated = time.perf_counter()
        final = await self._watch(reply.operation.id)
        self.customers[reply.operation.id] = self._count(final)
        return {"evaluate": (evaluated - started) * 1000, "watch": _ms(evaluated)}

    async def _watch(self, operation_id: str) -> operation_pb2.Operation:
        request = operations_pb2.WatchOperationRequest(id=operation_id, timeout_seconds=WATCH_S)
        updates = self.watcher.WatchOperation(request, metadata=self.metadata, timeout=WATCH_S + 5)
        final = [update.operation async for update in updates][-1]
        if final.state != operation_pb2.OPERATION_STATE_SUCCEEDED:
            raise FlowFailed(final.error.message or operation_pb2.OperationState.Name(final.state))
        return final

    def _count(self, final: operation_pb2.Operation) -> str:
        """Count the outcome; returns the customer id."""
        result = onb.EvaluationResult()
        final.result.Unpack(result)
        outcome = onb.Outcome.Name(result.outcome).removeprefix("OUTCOME_")
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        return result.customer_id

    async def after_level(self, level: LevelResult) -> None:
        """Add the server-side stages of this level's flows (read from the database)."""
        if not self.customers:
            return
        await asyncio.sleep(INTAKE_GRACE_S)
        for stage, values in server_stages(self.stack.database, self.customers).items():
            level.stages.setdefault(stage, []).extend(values)
        self.customers.clear()
