"""Demo step: four applicants through OnboardingService.Evaluate, decisions as clients see them.

A clean applicant, one whose selfie shows someone else, a self-declared PEP and a resident of a
FATF call-for-action country. Faces come from ../shared/data (a portrait photo stands in for the
document image until the MRZ engine is merged: identity then reports its document checks as
unavailable, which the policy sends to review). Screening is not merged yet either: its check
"did not run", and the policy never approves without it, so nobody is APPROVED here yet.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from warden.common.v1 import party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.demo import DemoContext, shared_data_dir

PLACEHOLDER_IMAGE = b"\xff\xd8\xff\xe0demo-image\xff\xd9"


def _image(relative: str) -> bytes:
    root = shared_data_dir()
    path = root / relative if root else Path("/nonexistent")
    return path.read_bytes() if path.is_file() else PLACEHOLDER_IMAGE


def _applicant(family: str, residence: str, *, pep: bool = False) -> pb.Applicant:
    return pb.Applicant(
        given_names="Anna Maria",
        family_name=family,
        birth_date=party_pb2.PartialDate(year=1974, month=8, day=12),
        nationality="SE",
        residence_country=residence,
        document=pb.IdentityDocument(
            kind=pb.DOCUMENT_KIND_PASSPORT, number="L898902C3", issuing_country="SE"
        ),
        occupation="employee",
        declared_pep=pep,
    )


OBAMA, OBAMA_SELFIE = (
    "faces/people/barack_obama/obama.jpg",
    "faces/people/barack_obama/obama-480p.jpg",
)
BIDEN = "faces/people/joe_biden/biden.jpg"
APPLICANTS = (
    ("clean applicant", _applicant("Eriksson", "SE"), OBAMA_SELFIE),
    ("someone else", _applicant("Nilsson", "SE"), BIDEN),
    ("declared PEP", _applicant("Lindqvist", "SE", pep=True), OBAMA_SELFIE),
    ("resident of IR", _applicant("Berg", "IR"), OBAMA_SELFIE),
)


async def _evaluate(ctx: DemoContext, label: str, applicant: pb.Applicant, selfie: str) -> str:
    stub = onboarding_pb2_grpc.OnboardingServiceStub(ctx.channel)
    request = pb.EvaluateRequest(
        request_id=f"demo-onboarding-{uuid.uuid4().hex[:8]}",
        applicant=applicant,
        document_images=[_image(OBAMA)],
        selfie=_image(selfie),
        product="current_account",
        channel="online",
    )
    started = await stub.Evaluate(request, metadata=ctx.metadata, timeout=30)
    operations = operations_pb2_grpc.OperationsServiceStub(ctx.channel)
    watch = operations_pb2.WatchOperationRequest(id=started.operation.id, timeout_seconds=60)
    async for _ in operations.WatchOperation(watch, metadata=ctx.metadata, timeout=65):
        pass
    reply = await stub.GetDecision(
        pb.GetDecisionRequest(application_id=started.application_id), metadata=ctx.metadata
    )
    if not reply.decided:
        ctx.console.print(f"  [red]{label}: no decision yet")
        return "undecided"
    result = reply.result
    outcome = pb.Outcome.Name(result.outcome).removeprefix("OUTCOME_")
    reasons = ", ".join(
        pb.ClientReason.Name(r).removeprefix("CLIENT_REASON_") for r in result.reasons
    )
    ctx.console.print(
        f"  {label:18} -> {outcome:15} {reasons or '-'}  (customer {result.customer_id})"
    )
    return outcome


async def run(ctx: DemoContext) -> None:
    outcomes = [await _evaluate(ctx, *applicant) for applicant in APPLICANTS]
    decided = sum(o != "undecided" for o in outcomes)
    detail = ", ".join(f"{a[0]}: {o}" for a, o in zip(APPLICANTS, outcomes, strict=True))
    ctx.record("onboarding", "ok" if decided == len(APPLICANTS) else "FAILED", detail)
