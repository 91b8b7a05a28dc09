"""Proto <-> domain conversions of the onboarding service (round-trip tested).

Inbound conversion reports every malformed field at once (dotted paths, as the common
converters do); semantic checks (catalogues, limits, dates in range) follow in
`services.onboarding.validation` once the request is domain data.
"""

from __future__ import annotations

from datetime import date

from warden.common.v1 import party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb

from services.common.errors import FieldViolation, InvalidArgument
from services.common.rpc.convert import timestamp
from services.onboarding.core.application import ApplicantData, Evidence, EvidenceKind
from services.onboarding.core.customer import (
    CustomerRecord,
    CustomerStatus,
    IdentityDocument,
    PersonalData,
)
from services.onboarding.core.policy import Outcome, ResubmissionItem
from services.onboarding.core.reasons import ClientReason
from services.onboarding.core.risk import RiskRating
from services.onboarding.core.risk_model import RiskLevel
from services.onboarding.evaluation import EvaluateCommand, EvaluationResult
from watchlists.model import Address

OUTCOME_TO_PROTO = {
    Outcome.APPROVED: pb.OUTCOME_APPROVED,
    Outcome.REJECTED: pb.OUTCOME_REJECTED,
    Outcome.PENDING_REVIEW: pb.OUTCOME_PENDING_REVIEW,
}
CLIENT_REASON_TO_PROTO = {
    reason: pb.ClientReason.Value(f"CLIENT_REASON_{reason.value}") for reason in ClientReason
}
RESUBMISSION_TO_PROTO = {
    item: pb.ResubmissionItem.Value(f"RESUBMISSION_ITEM_{item.name}") for item in ResubmissionItem
}
STATUS_TO_PROTO = {
    status: pb.CustomerStatus.Value(f"CUSTOMER_STATUS_{status.name}") for status in CustomerStatus
}
LEVEL_TO_PROTO = {level: pb.RiskLevel.Value(f"RISK_LEVEL_{level.name}") for level in RiskLevel}
DOCUMENT_KINDS = {
    pb.DOCUMENT_KIND_PASSPORT: "passport",
    pb.DOCUMENT_KIND_ID_CARD: "id_card",
    pb.DOCUMENT_KIND_RESIDENCE_PERMIT: "residence_permit",
    pb.DOCUMENT_KIND_DRIVING_LICENCE: "driving_licence",
}


def full_date(
    value: party_pb2.PartialDate, field: str, problems: list[FieldViolation]
) -> date | None:
    """A full calendar date from a PartialDate, or a violation."""
    if value.year_to or value.circa:
        problems.append(FieldViolation(field, "must be an exact date"))
        return None
    try:
        return date(value.year, value.month, value.day)
    except ValueError:
        problems.append(FieldViolation(field, "must be a valid full date (year, month, day)"))
        return None


def _document(message: pb.Applicant, problems: list[FieldViolation]) -> IdentityDocument | None:
    if not message.HasField("document"):
        return None
    doc = message.document
    kind = DOCUMENT_KINDS.get(doc.kind)
    if kind is None:
        problems.append(FieldViolation("applicant.document.kind", "must be a known document kind"))
    expiry = (
        full_date(doc.expiry_date, "applicant.document.expiry_date", problems)
        if doc.HasField("expiry_date")
        else None
    )
    return IdentityDocument(kind or "", doc.number, doc.issuing_country.upper(), expiry)


def _address(message: pb.Applicant) -> Address | None:
    if not message.HasField("address"):
        return None
    a = message.address
    parts = [a.street, a.city, a.region, a.postal_code]
    full = a.full or ", ".join(p for p in parts if p)
    if not full:
        return None
    return Address(
        full=full,
        street=a.street or None,
        city=a.city or None,
        region=a.region or None,
        postal_code=a.postal_code or None,
        country=a.country.upper() or None,
    )


def applicant_from_proto(
    message: pb.Applicant, problems: list[FieldViolation]
) -> ApplicantData | None:
    birth = full_date(message.birth_date, "applicant.birth_date", problems)
    document = _document(message, problems)
    if not message.nationality:
        problems.append(FieldViolation("applicant.nationality", "is required"))
    if birth is None:
        return None
    personal = PersonalData(
        given_names=message.given_names,
        family_name=message.family_name,
        birth_date=birth,
        nationality=message.nationality.upper(),
        address=_address(message),
        document=document,
    )
    return ApplicantData(
        personal=personal,
        residence=message.residence_country.upper() or None,
        occupation=message.occupation or None,
        declared_pep=message.declared_pep,
    )


def evaluate_command_from_proto(request: pb.EvaluateRequest) -> EvaluateCommand:
    """The domain command, or InvalidArgument naming every malformed field."""
    problems: list[FieldViolation] = []
    if not request.HasField("applicant"):
        raise InvalidArgument.for_field("applicant", "is required")
    applicant = applicant_from_proto(request.applicant, problems)
    if problems or applicant is None:
        raise InvalidArgument("invalid onboarding request", problems)
    offsets = list(request.liveness_frame_offsets_ms)
    if len(offsets) != len(request.liveness_frames):
        raise InvalidArgument.for_field(
            "liveness_frame_offsets_ms", "give one offset per liveness frame"
        )
    evidence = (
        *(Evidence(EvidenceKind.DOCUMENT, image) for image in request.document_images),
        *((Evidence(EvidenceKind.SELFIE, request.selfie),) if request.selfie else ()),
        *(
            Evidence(EvidenceKind.LIVENESS_FRAME, frame, offset)
            for frame, offset in zip(request.liveness_frames, offsets, strict=True)
        ),
    )
    return EvaluateCommand(
        request_id=request.request_id,
        applicant=applicant,
        product=request.product,
        channel=request.channel,
        evidence=evidence,
        liveness_challenge_id=request.liveness_challenge_id,
        liveness_nonce=request.liveness_nonce,
    )


def result_to_proto(result: EvaluationResult) -> pb.EvaluationResult:
    view = result.view
    return pb.EvaluationResult(
        application_id=result.application_id,
        customer_id=result.customer_id,
        outcome=OUTCOME_TO_PROTO[view.outcome],
        reasons=[CLIENT_REASON_TO_PROTO[r] for r in view.reasons],
        resubmit=[RESUBMISSION_TO_PROTO[i] for i in view.resubmit],
        policy_version=result.policy_version,
        decide_time=timestamp(result.decided_at),
    )


def _rating_to_proto(rating: RiskRating) -> pb.RiskRating:
    return pb.RiskRating(
        level=LEVEL_TO_PROTO[rating.level],
        score=rating.score,
        factors=[
            pb.RiskFactor(
                code=f.code, points=f.points, minimum=LEVEL_TO_PROTO[f.minimum], detail=f.detail
            )
            for f in rating.factors
        ],
        rate_time=timestamp(rating.rated_at),
        review_due=rating.review_due.isoformat(),
        policy_version=rating.policy_version,
    )


def customer_to_proto(record: CustomerRecord) -> pb.Customer:
    ended = record.relationship_ended_on
    return pb.Customer(
        id=record.id,
        application_id=record.application_id,
        status=STATUS_TO_PROTO[record.status],
        ratings=[_rating_to_proto(r) for r in record.ratings],
        accounts=sorted(record.accounts),
        edd_measures=sorted(m.value for m in record.edd_measures),
        legal_hold=record.legal_hold.reference if record.legal_hold else "",
        relationship_ended_on=ended.isoformat() if ended else "",
        shredded=record.shredded,
    )
