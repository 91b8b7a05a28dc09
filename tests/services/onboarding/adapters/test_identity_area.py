"""Onboarding over the identity area's real use cases: the real dlib face model, real images."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.common.alerts import InMemoryAlertSink
from services.common.crypto import KeyRing, generate_key_spec
from services.common.errors import InvalidArgument
from services.common.operations import InMemoryOperationStore
from services.identity.core.face_model import DlibFaceModel, default_face_model
from services.identity.core.images import RgbImage
from services.identity.core.liveness import InMemoryChallengeStore
from services.identity.core.reasons import DocumentReason, FaceReason, LivenessReason
from services.identity.core.verdict import RETRY_REASONS, REVIEW_REASONS, Check, CheckStatus
from services.identity.core.verdict import Decision as IdentityDecision
from services.identity.handlers import IdentityDeps
from services.identity.ports import (
    Applicant,
    DocumentOutcome,
    InMemoryImageStore,
    InMemoryResultStore,
    VerificationRecord,
)
from services.identity.settings import IdentitySettings
from services.onboarding.adapters.identity_area import (
    FINDING_OF_REASON,
    NO_FINDING,
    IdentityAreaChecker,
    identity_outcome,
)
from services.onboarding.core.application import Evidence, EvidenceKind
from services.onboarding.core.checks import IdentityFinding, IdentityVerdict
from services.onboarding.core.policy import Outcome
from services.onboarding.core.reasons import ClientReason
from services.onboarding.ports import IdentityRequest
from tests.services.onboarding.factories import checks, evaluate
from tests.services.onboarding.world import World, applicant, command


class PassingDocuments:
    """The MRZ engine is not on main yet: a document whose checks all pass."""

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome:
        return DocumentOutcome((Check("document_expiry", CheckStatus.PASS, "OK", "valid"),))


@pytest.fixture(scope="module")
def face_model() -> DlibFaceModel:
    return default_face_model()


@pytest.fixture
def checker(face_model: DlibFaceModel) -> IdentityAreaChecker:
    deps = IdentityDeps(
        settings=IdentitySettings(),
        operations=InMemoryOperationStore(),
        queue=None,  # type: ignore[arg-type]  # replaced by the adapter: nothing is queued
        images=InMemoryImageStore(),
        challenges=InMemoryChallengeStore(),
        results=InMemoryResultStore(),
        alerts=InMemoryAlertSink(),
        key_ring=KeyRing.parse(generate_key_spec("t")),
        documents=PassingDocuments(),
        face_model=lambda: face_model,
        clock=lambda: datetime(2026, 11, 29, 12, tzinfo=UTC),
    )
    return IdentityAreaChecker(deps)


def faces(fixtures_dir: Path, document: str, selfie: str) -> tuple[Evidence, ...]:
    root = fixtures_dir / "identity" / "faces"
    return (
        Evidence(EvidenceKind.DOCUMENT, (root / document).read_bytes()),
        Evidence(EvidenceKind.SELFIE, (root / selfie).read_bytes()),
    )


def test_same_person_is_approved(checker: IdentityAreaChecker, fixtures_dir: Path) -> None:
    world = World()
    world.identity = checker  # type: ignore[assignment]
    result = world.onboard(command(evidence=faces(fixtures_dir, "obama1.jpg", "obama-480p.jpg")))
    assert result.view.outcome is Outcome.APPROVED
    identity = world.applications.get(result.application_id).identity
    assert identity is not None
    assert (identity.verdict, identity.findings) == (IdentityVerdict.APPROVED, frozenset())


def test_another_face_is_rejected_once_without_a_second_case(
    checker: IdentityAreaChecker, fixtures_dir: Path
) -> None:
    world = World()
    world.identity = checker  # type: ignore[assignment]
    result = world.onboard(command(evidence=faces(fixtures_dir, "obama1.jpg", "biden.jpg")))
    assert result.view.outcome is Outcome.REJECTED
    assert result.view.reasons == (ClientReason.SELFIE_MISMATCH,)
    identity = world.applications.get(result.application_id).identity
    assert identity is not None
    assert identity.findings == {IdentityFinding.FACE_MISMATCH}
    # The policy opened the identity case; identity's own alert was switched off.
    assert [a.key for a in world.alerts.alerts.values()] == [
        f"onboarding:{result.application_id}:identity"
    ]
    assert checker.deps.alerts.__class__.__name__ == "_PolicyOpensCases"


def test_redelivered_verification_reuses_the_identity_operation(
    checker: IdentityAreaChecker, fixtures_dir: Path
) -> None:

    request = IdentityRequest(
        "app_1", applicant(), faces(fixtures_dir, "obama1.jpg", "obama-480p.jpg")
    )
    first = checker.verify(request)
    again = checker.verify(request)
    assert first == again
    assert first is not None
    assert first.verification_id.startswith("op_")


def test_unusable_images_are_refused_at_evaluate_naming_the_field(
    checker: IdentityAreaChecker,
) -> None:
    world = World()
    world.identity = checker  # type: ignore[assignment]
    broken = (
        Evidence(EvidenceKind.DOCUMENT, b"\xff\xd8\xff\xe0 not really a jpeg"),
        Evidence(EvidenceKind.SELFIE, b"GIF89a"),
    )
    with pytest.raises(InvalidArgument) as caught:
        world.submit(command(evidence=broken))
    assert caught.value.violations[0].field == "document_images[0]"
    assert world.applications.records == {}


def test_every_identity_reason_code_is_mapped_or_carried_by_the_verdict() -> None:
    reasons = (*FaceReason, *LivenessReason, *DocumentReason, *RETRY_REASONS, *REVIEW_REASONS)
    codes = {str(c) for c in reasons}
    unmapped = codes - FINDING_OF_REASON.keys() - NO_FINDING
    assert unmapped == set()


def test_an_unsure_mrz_read_goes_to_an_officer() -> None:
    # Every check digit held, but the document number could as well read otherwise: identity
    # says REVIEW with MRZ_LOW_CONFIDENCE, and the policy neither approves nor rejects.
    record = VerificationRecord(
        operation_id="op_1",
        kind="verification",
        owner="system:onboarding",
        subject_id="app_1",
        decision=IdentityDecision.REVIEW,
        reason_codes=("MRZ_LOW_CONFIDENCE",),
        checks=(),
        timings_ms={},
        face_distance=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    outcome = identity_outcome(record)
    assert (outcome.verdict, outcome.findings) == (IdentityVerdict.REVIEW, frozenset())
    decision = evaluate(checks(outcome))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
