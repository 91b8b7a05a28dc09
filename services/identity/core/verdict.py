"""From check results to one decision: APPROVED, DECLINED, REVIEW or RETRY.

Every check reports PASS, FAIL or UNKNOWN with a reason code. The decision is the most severe
consequence among them: a failure that a new photo cannot fix DECLINES (a different face, a
replayed challenge, an expired document); a capture problem asks for a RETRY (no face, blur,
glare); anything a machine should not decide alone goes to REVIEW (an inconclusive distance, a
suspected presentation attack, an undecidable check). Only all-PASS is APPROVED.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.identity.core.faces import FaceAnalysis, FaceComparison, MatchVerdict
from services.identity.core.liveness.passive import PadAssessment
from services.identity.core.liveness.verifier import LivenessResult
from services.identity.core.reasons import DocumentReason, FaceReason, LivenessReason


class Decision(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    REVIEW = "review"
    RETRY = "retry"


class CheckStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a check outcome, not a credential
    FAIL = "fail"
    UNKNOWN = "unknown"


OK = "OK"


@dataclass(frozen=True, slots=True)
class Check:
    """One check: stable `name`, outcome, reason code ("OK" when passed), officer's sentence."""

    name: str
    status: CheckStatus
    reason_code: str
    detail: str


# Capture problems: the applicant can fix them with a new photo or session.
RETRY_REASONS = frozenset(
    {
        FaceReason.NO_FACE,
        FaceReason.MULTIPLE_FACES,
        FaceReason.FACE_TOO_SMALL,
        FaceReason.FACE_BLURRED,
        LivenessReason.TOO_FEW_FRAMES,
        LivenessReason.FACE_LOST,
        LivenessReason.CHALLENGE_EXPIRED,
        # Document capture quality (reason codes of the document checks).
        DocumentReason.MRZ_NOT_FOUND,
        DocumentReason.MRZ_UNREADABLE,
        DocumentReason.RESOLUTION_TOO_LOW,
        DocumentReason.IMAGE_BLURRY,
        DocumentReason.GLARE_ON_MRZ,
        DocumentReason.GLARE_ON_PORTRAIT,
        DocumentReason.DOCUMENT_CROPPED,
        DocumentReason.PORTRAIT_MISSING,
    }
)

# Not for a machine alone: a person decides.
REVIEW_REASONS = frozenset(
    {
        FaceReason.FACE_MATCH_INCONCLUSIVE,
        LivenessReason.SCREEN_SUSPECTED,
        LivenessReason.PRINT_SUSPECTED,
        LivenessReason.GLARE_SUSPECTED,
        DocumentReason.NAME_MISMATCH,  # transliteration can defeat the fuzzy match
        # The MRZ has no century: 15 or 115 years old is for a person reading the printed page.
        DocumentReason.BIRTH_CENTURY_AMBIGUOUS,
        DocumentReason.EXPIRY_DATE_UNKNOWN,
        DocumentReason.BIRTH_DATE_UNKNOWN,
        DocumentReason.APPLICANT_DATA_MISSING,
        # A valid check digit over a field the OCR could as well have read otherwise.
        DocumentReason.MRZ_LOW_CONFIDENCE,
        "DOCUMENT_CHECKS_UNAVAILABLE",
    }
)


def decide(checks: Iterable[Check]) -> Decision:
    """The most severe consequence of the checks (DECLINED > RETRY > REVIEW > APPROVED)."""
    consequences = {_consequence(c) for c in checks}
    for decision in (Decision.DECLINED, Decision.RETRY, Decision.REVIEW):
        if decision in consequences:
            return decision
    return Decision.APPROVED


def _consequence(check: Check) -> Decision:
    if check.status is CheckStatus.PASS:
        return Decision.APPROVED
    if check.reason_code in RETRY_REASONS:
        return Decision.RETRY
    if check.status is CheckStatus.UNKNOWN or check.reason_code in REVIEW_REASONS:
        return Decision.REVIEW
    return Decision.DECLINED


def failing_reasons(checks: Sequence[Check]) -> tuple[str, ...]:
    """Reason codes of the checks that did not pass, deduplicated, in check order."""
    return tuple(dict.fromkeys(c.reason_code for c in checks if c.status is not CheckStatus.PASS))


def face_checks(name: str, analysis: FaceAnalysis) -> list[Check]:
    """The face found (or not) in one image, with each quality issue as its own failure."""
    if not analysis.issues:
        face = analysis.face
        detail = f"face found, eyes {face.interocular_px:.0f} px apart" if face else "face found"
        return [Check(name, CheckStatus.PASS, OK, detail)]
    return [
        Check(name, CheckStatus.FAIL, issue, _FACE_ISSUE_DETAIL[issue]) for issue in analysis.issues
    ]


_FACE_ISSUE_DETAIL = {
    FaceReason.NO_FACE: "no face was found",
    FaceReason.MULTIPLE_FACES: "more than one face of comparable size is in the picture",
    FaceReason.FACE_TOO_SMALL: "the face is too small to compare reliably",
    FaceReason.FACE_BLURRED: "the face is out of focus or moving",
}


def face_match_check(comparison: FaceComparison | None, missing: str = FaceReason.NO_FACE) -> Check:
    """The selfie against the reference. Without a comparison (a face missing, or unusable:
    blurred, too small, several candidates) it is UNKNOWN with `missing` as the reason, so
    an unreliable capture asks for a retry instead of declining someone."""
    if comparison is None:
        return Check("face_match", CheckStatus.UNKNOWN, missing, "no usable pair of faces")
    detail = (
        f"distance {comparison.distance:.3f} (match <= {comparison.thresholds.match_at_most:.2f},"
        f" review <= {comparison.thresholds.review_at_most:.2f})"
    )
    if comparison.verdict is MatchVerdict.MATCH:
        return Check("face_match", CheckStatus.PASS, OK, detail)
    return Check("face_match", CheckStatus.FAIL, str(comparison.reason), detail)


def liveness_checks(result: LivenessResult) -> list[Check]:
    """One check per challenged action, then one per other liveness failure reason."""
    checks = [
        Check(
            f"liveness_{outcome.action.value}",
            CheckStatus.PASS if outcome.performed else CheckStatus.FAIL,
            OK if outcome.performed else LivenessReason.ACTION_NOT_PERFORMED,
            f"seen in frame {outcome.frame_index}" if outcome.performed else "not seen in order",
        )
        for outcome in result.actions
    ]
    others = [r for r in result.reasons if r is not LivenessReason.ACTION_NOT_PERFORMED]
    checks += [
        Check("liveness", CheckStatus.FAIL, r, _liveness_detail(r, result.pad)) for r in others
    ]
    if result.passed:
        checks.append(Check("liveness", CheckStatus.PASS, OK, f"{result.frames} frames"))
    return checks


def _liveness_detail(reason: LivenessReason, pad: PadAssessment | None) -> str:
    if pad is not None and reason.value.startswith("PAD_"):
        scores = pad.scores
        return (
            f"passive heuristics: moire {scores.moire:.2f}, print texture "
            f"{scores.print_texture:.2f}, glare {scores.glare:.3f}"
        )
    return reason.value.removeprefix("LIVENESS_").replace("_", " ").lower()


def challenge_check(reason: LivenessReason) -> Check:
    """A challenge that could not be used (unknown, wrong nonce, expired, replayed)."""
    return Check("liveness_challenge", CheckStatus.FAIL, reason, _liveness_detail(reason, None))
