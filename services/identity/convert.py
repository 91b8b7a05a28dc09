"""Identity proto <-> domain conversions: structure only; the handlers validate the rest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from warden.common.v1 import types_pb2
from warden.identity.v1 import identity_pb2

from services.common.errors import InvalidArgument
from services.identity.core.liveness.challenge import Action, Challenge
from services.identity.core.mrz import MrzDocument
from services.identity.core.verdict import Check, CheckStatus, Decision
from services.identity.execution import IdentityOutcome
from services.identity.handlers import CheckCommand, CheckKind, FrameRef, ImageRef
from services.identity.ports import Applicant

DECISION_TO_PROTO = {
    Decision.APPROVED: identity_pb2.DECISION_APPROVED,
    Decision.DECLINED: identity_pb2.DECISION_DECLINED,
    Decision.REVIEW: identity_pb2.DECISION_REVIEW,
    Decision.RETRY: identity_pb2.DECISION_RETRY,
}
STATUS_TO_PROTO = {
    CheckStatus.PASS: identity_pb2.CHECK_STATUS_PASS,
    CheckStatus.FAIL: identity_pb2.CHECK_STATUS_FAIL,
    CheckStatus.UNKNOWN: identity_pb2.CHECK_STATUS_UNKNOWN,
}
ACTION_TO_PROTO = {
    Action.TURN_LEFT: identity_pb2.LIVENESS_ACTION_TURN_LEFT,
    Action.TURN_RIGHT: identity_pb2.LIVENESS_ACTION_TURN_RIGHT,
    Action.BLINK: identity_pb2.LIVENESS_ACTION_BLINK,
}
DECISION_FROM_PROTO = {number: decision for decision, number in DECISION_TO_PROTO.items()}
STATUS_FROM_PROTO = {number: status for status, number in STATUS_TO_PROTO.items()}


def image_ref(message: identity_pb2.ImageInput) -> ImageRef | None:
    """None when neither bytes nor an upload id were given."""
    source = message.WhichOneof("source")
    if source == "data":
        return ImageRef(data=message.data)
    if source == "upload_id":
        return ImageRef(upload_id=message.upload_id)
    return None


def applicant(message: identity_pb2.ApplicantData, field: str = "applicant") -> Applicant | None:
    """None when every field is empty; birth_date must be YYYY-MM-DD."""
    if not message.ByteSize():
        return None
    birth = None
    if message.birth_date:
        try:
            birth = date.fromisoformat(message.birth_date)
        except ValueError:
            raise InvalidArgument.for_field(f"{field}.birth_date", "must be YYYY-MM-DD") from None
    return Applicant(
        given_names=message.given_names or None,
        surname=message.surname or None,
        birth_date=birth,
        document_number=message.document_number or None,
    )


def frames(messages: Iterable[identity_pb2.LivenessFrame]) -> tuple[FrameRef, ...]:
    return tuple(FrameRef(m.offset_ms, image_ref(m.image) or ImageRef()) for m in messages)


def verify_document_command(request: identity_pb2.VerifyDocumentRequest) -> CheckCommand:
    return CheckCommand(
        kind=CheckKind.DOCUMENT,
        request_id=request.request_id,
        document=image_ref(request.document),
        applicant=applicant(request.applicant),
        subject_id=request.subject_id,
    )


def match_face_command(request: identity_pb2.MatchFaceRequest) -> CheckCommand:
    return CheckCommand(
        kind=CheckKind.FACE_MATCH,
        request_id=request.request_id,
        document=image_ref(request.reference),
        selfie=image_ref(request.selfie),
        subject_id=request.subject_id,
    )


def liveness_command(request: identity_pb2.SubmitLivenessFramesRequest) -> CheckCommand:
    return CheckCommand(
        kind=CheckKind.LIVENESS,
        request_id=request.request_id,
        challenge_id=request.challenge_id,
        nonce=request.nonce,
        frames=frames(request.frames),
    )


def verification_command(request: identity_pb2.SubmitVerificationRequest) -> CheckCommand:
    return CheckCommand(
        kind=CheckKind.VERIFICATION,
        request_id=request.request_id,
        document=image_ref(request.document),
        selfie=image_ref(request.selfie),
        applicant=applicant(request.applicant),
        challenge_id=request.challenge_id,
        nonce=request.nonce,
        frames=frames(request.frames),
        subject_id=request.subject_id,
    )


def challenge_to_proto(challenge: Challenge) -> identity_pb2.StartLivenessResponse:
    response = identity_pb2.StartLivenessResponse(
        challenge_id=challenge.challenge_id,
        nonce=challenge.nonce,
        actions=[ACTION_TO_PROTO[a] for a in challenge.actions],
    )
    response.expire_time.FromDatetime(challenge.expires_at)
    return response


def outcome_to_proto(outcome: IdentityOutcome) -> identity_pb2.IdentityResult:
    result = identity_pb2.IdentityResult(
        decision=DECISION_TO_PROTO[outcome.decision],
        checks=[check_to_proto(c) for c in outcome.checks],
        reasons=[
            types_pb2.Reason(code=code, message=_explain(code, outcome.checks))
            for code in outcome.reasons
        ],
        timings_ms=dict(outcome.timings_ms),
    )
    if outcome.document is not None:
        result.document.CopyFrom(document_to_proto(outcome.document))
    if outcome.comparison is not None:
        result.face_match.CopyFrom(
            identity_pb2.FaceMatch(
                distance=outcome.comparison.distance,
                match_threshold=outcome.comparison.thresholds.match_at_most,
                review_threshold=outcome.comparison.thresholds.review_at_most,
            )
        )
    return result


def document_to_proto(mrz: MrzDocument) -> identity_pb2.DocumentData:
    """The MRZ without its personal data (see DocumentData in identity.proto)."""
    return identity_pb2.DocumentData(
        format=mrz.format.value,
        document_code=mrz.document_code,
        issuing_state=mrz.issuing_state,
        nationality=mrz.nationality,
        sex=mrz.sex.value if mrz.sex is not None else "",
        expiry_date=mrz.expiry_date.isoformat() if mrz.expiry_date else "",
        names_truncated=mrz.names_truncated,
        birth_century_ambiguous=mrz.birth.ambiguous,
        check_digits=[
            identity_pb2.MrzCheckDigit(field=c.field, expected=c.expected, found=c.found, ok=c.ok)
            for c in mrz.checks
        ],
        valid=mrz.valid,
    )


def check_to_proto(check: Check) -> identity_pb2.CheckResult:
    return identity_pb2.CheckResult(
        name=check.name,
        status=STATUS_TO_PROTO[check.status],
        reason_code=check.reason_code,
        detail=check.detail,
    )


def check_from_proto(message: identity_pb2.CheckResult) -> Check:
    return Check(
        message.name, STATUS_FROM_PROTO[message.status], message.reason_code, message.detail
    )


def _explain(code: str, checks: Iterable[Check]) -> str:
    return next((f"{c.name}: {c.detail}" for c in checks if c.reason_code == code), code)
