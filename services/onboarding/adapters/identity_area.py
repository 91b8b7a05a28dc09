"""Onboarding's `IdentityChecker` over the identity area's use cases (same deployment).

The verify step already runs on the identity queue, so it runs the identity check in place:
`submit_check` stores the images (sanitised, encrypted) and creates the identity operation
without enqueueing it, then `run_operation(execute_check)` records its one outcome, exactly as
the identity task would. Redelivered, the same request id finds the same operation and its
recorded result. The identity area's own case alerts are switched off for these checks: in an
onboarding flow the policy decides which identity findings open a case, and raising both
would give officers two cases for one finding.

Identity's reason codes are mapped into onboarding's coarse findings below; a code without a
mapping is logged and still reaches the policy through the verdict (REVIEW, DECLINED...).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

from services.common.alerts import Alert
from services.common.errors import FailedPrecondition
from services.common.operations import Operation, run_operation
from services.identity.convert import outcome_to_proto
from services.identity.core.images import ImageLimits, decode_image
from services.identity.core.verdict import Decision
from services.identity.execution import execute_check
from services.identity.handlers import (
    CheckCommand,
    CheckKind,
    FrameRef,
    IdentityDeps,
    ImageRef,
    submit_check,
)
from services.identity.ports import Applicant, VerificationRecord
from services.onboarding.core.application import Evidence, EvidenceKind
from services.onboarding.core.checks import IdentityFinding, IdentityOutcome, IdentityVerdict
from services.onboarding.ports import IdentityRequest

log = logging.getLogger(__name__)
OWNER = "system:onboarding"

F = IdentityFinding
FINDING_OF_REASON: Mapping[str, IdentityFinding] = {
    "DOCUMENT_EXPIRED": F.DOCUMENT_EXPIRED,
    **dict.fromkeys(
        (
            "MRZ_CHECK_DIGIT_INVALID",
            "MRZ_DATE_INVALID",
            "MRZ_COUNTRY_UNKNOWN",
            "MRZ_SEX_INVALID",
            "MRZ_DOCUMENT_CODE_INVALID",
            "MRZ_NAME_INVALID",
            "ISSUING_STATE_INVALID",
        ),
        F.DOCUMENT_INVALID,
    ),
    **dict.fromkeys(
        ("ISSUING_STATE_NOT_ACCEPTED", "DOCUMENT_TYPE_NOT_ACCEPTED"),
        F.DOCUMENT_ISSUER_NOT_ACCEPTED,
    ),
    "UNDERAGE": F.APPLICANT_UNDERAGE,
    **dict.fromkeys(
        ("NAME_MISMATCH", "BIRTH_DATE_MISMATCH", "DOCUMENT_NUMBER_MISMATCH"),
        F.DOCUMENT_DATA_MISMATCH,
    ),
    **dict.fromkeys(
        (
            "MRZ_NOT_FOUND",
            "MRZ_UNREADABLE",
            "RESOLUTION_TOO_LOW",
            "IMAGE_BLURRY",
            "GLARE_ON_MRZ",
            "GLARE_ON_PORTRAIT",
            "DOCUMENT_CROPPED",
        ),
        F.DOCUMENT_UNREADABLE,
    ),
    "PORTRAIT_MISSING": F.DOCUMENT_NO_PORTRAIT,
    "FACE_MISMATCH": F.FACE_MISMATCH,
    "FACE_MATCH_INCONCLUSIVE": F.FACE_INCONCLUSIVE,
    **dict.fromkeys(
        ("NO_FACE", "MULTIPLE_FACES", "FACE_TOO_SMALL", "FACE_BLURRED"), F.SELFIE_UNUSABLE
    ),
    **dict.fromkeys(
        (
            "LIVENESS_CHALLENGE_INVALID",
            "LIVENESS_CHALLENGE_EXPIRED",
            "LIVENESS_TOO_FEW_FRAMES",
            "LIVENESS_FRAMES_OUT_OF_ORDER",
            "LIVENESS_FACE_LOST",
            "LIVENESS_ACTION_NOT_PERFORMED",
        ),
        F.LIVENESS_FAILED,
    ),
    # A replayed challenge or a face swapped mid-session is an attack, not a bad capture.
    **dict.fromkeys(
        ("LIVENESS_CHALLENGE_REPLAYED", "LIVENESS_FACE_CHANGED"), F.PRESENTATION_ATTACK
    ),
    # Passive heuristics only suspect: identity sends them to REVIEW, and so does the policy.
    **dict.fromkeys(
        ("PAD_SCREEN_SUSPECTED", "PAD_PRINT_SUSPECTED", "PAD_GLARE_SUSPECTED"),
        F.PRESENTATION_ATTACK_SUSPECTED,
    ),
}
# Codes that say what could not be checked: the verdict (REVIEW) carries them.
NO_FINDING = frozenset(
    {
        "OK",
        "EXPIRY_DATE_UNKNOWN",
        "BIRTH_DATE_UNKNOWN",
        "BIRTH_CENTURY_AMBIGUOUS",
        "APPLICANT_DATA_MISSING",
        "MRZ_LOW_CONFIDENCE",
        "CHECK_DISABLED",
        "DOCUMENT_CHECKS_UNAVAILABLE",
    }
)
VERDICT_OF_DECISION = {
    Decision.APPROVED: IdentityVerdict.APPROVED,
    Decision.DECLINED: IdentityVerdict.DECLINED,
    Decision.REVIEW: IdentityVerdict.REVIEW,
    Decision.RETRY: IdentityVerdict.RETRY,
}
# The request fields of onboarding's Evaluate, for identity's image errors.
_FIELD_OF_KIND = {
    EvidenceKind.DOCUMENT: "document_images",
    EvidenceKind.SELFIE: "selfie",
    EvidenceKind.LIVENESS_FRAME: "liveness_frames",
}


class _NotQueued:
    """The check runs in the current (identity-queue) task: nothing to enqueue."""

    def enqueue(self, task_name: str, kwargs: Mapping[str, object], *, queue: str) -> None:
        return None


class _PolicyOpensCases:
    """Identity's own alerts are dropped in onboarding flows (see the module docstring)."""

    def raise_alert(self, alert: Alert) -> None:
        return None


def identity_outcome(record: VerificationRecord) -> IdentityOutcome:
    """Identity's recorded result in onboarding's vocabulary."""
    findings = set()
    for code in record.reason_codes:
        if code in FINDING_OF_REASON:
            findings.add(FINDING_OF_REASON[code])
        elif code not in NO_FINDING:
            log.warning("identity reason code without a mapping", extra={"fields": {"code": code}})
    return IdentityOutcome(
        VERDICT_OF_DECISION[record.decision], frozenset(findings), record.operation_id
    )


class IdentityAreaChecker:
    def __init__(self, deps: IdentityDeps) -> None:
        self.deps = dataclasses.replace(deps, queue=_NotQueued(), alerts=_PolicyOpensCases())

    def check_images(self, evidence: tuple[Evidence, ...]) -> None:
        """Decode every image as identity will, so a bad one is refused at Evaluate."""
        settings = self.deps.settings
        seen: dict[EvidenceKind, int] = {}
        for item in evidence:
            index = seen.get(item.kind, 0)
            seen[item.kind] = index + 1
            frame = item.kind is EvidenceKind.LIVENESS_FRAME
            limits = ImageLimits(
                max_bytes=settings.max_frame_bytes if frame else settings.max_image_bytes,
                max_pixels=settings.max_image_pixels,
            )
            field = _FIELD_OF_KIND[item.kind]
            decode_image(
                item.content,
                limits,
                field=field if item.kind is EvidenceKind.SELFIE else f"{field}[{index}]",
            )

    def verify(self, request: IdentityRequest) -> IdentityOutcome | None:
        operation = submit_check(_command(request), OWNER, self.deps)
        if not operation.state.terminal:
            run_operation(self.deps.operations, operation.id, self._work)
        record = self.deps.results.get(operation.id)
        if record is None:
            failure = self.deps.operations.get(operation.id).failure
            code = failure.code if failure else "INTERNAL"
            raise FailedPrecondition(f"identity verification failed ({code})", reason=code)
        return identity_outcome(record)

    def _work(self, operation: Operation) -> tuple[str, bytes]:
        result = outcome_to_proto(execute_check(operation, self.deps))
        return result.DESCRIPTOR.full_name, result.SerializeToString()


def _command(request: IdentityRequest) -> CheckCommand:
    by_kind: dict[EvidenceKind, list[Evidence]] = {}
    for item in request.evidence:
        by_kind.setdefault(item.kind, []).append(item)
    personal = request.applicant.personal
    selfies = by_kind.get(EvidenceKind.SELFIE, [])
    return CheckCommand(
        kind=CheckKind.VERIFICATION,
        # The application id is unique: a redelivered step finds the same identity operation.
        request_id=f"onb:{request.application_id}",
        document=ImageRef(data=by_kind[EvidenceKind.DOCUMENT][0].content),
        selfie=ImageRef(data=selfies[0].content) if selfies else None,
        applicant=Applicant(
            given_names=personal.given_names,
            surname=personal.family_name,
            birth_date=personal.birth_date,
            document_number=personal.document.number if personal.document else None,
        ),
        challenge_id=request.liveness_challenge_id,
        nonce=request.liveness_nonce,
        frames=tuple(
            FrameRef(f.offset_ms, ImageRef(data=f.content))
            for f in by_kind.get(EvidenceKind.LIVENESS_FRAME, [])
        ),
        subject_id=request.application_id,
    )
