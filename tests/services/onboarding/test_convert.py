"""Proto <-> domain conversions of the onboarding service."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from warden.common.v1 import party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb

from services.common.errors import InvalidArgument
from services.onboarding.convert import (
    CLIENT_REASON_TO_PROTO,
    LEVEL_TO_PROTO,
    OUTCOME_TO_PROTO,
    RESUBMISSION_TO_PROTO,
    STATUS_TO_PROTO,
    customer_to_proto,
    evaluate_command_from_proto,
    result_to_proto,
)
from services.onboarding.core.application import EvidenceKind
from services.onboarding.core.decision import ClientView
from services.onboarding.core.policy import Outcome, ResubmissionItem
from services.onboarding.core.reasons import ClientReason
from services.onboarding.evaluation import EvaluationResult
from tests.services.onboarding.factories import customer


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        (CLIENT_REASON_TO_PROTO, pb.ClientReason),
        (OUTCOME_TO_PROTO, pb.Outcome),
        (RESUBMISSION_TO_PROTO, pb.ResubmissionItem),
        (STATUS_TO_PROTO, pb.CustomerStatus),
        (LEVEL_TO_PROTO, pb.RiskLevel),
    ],
)
def test_every_domain_value_has_exactly_one_wire_value(
    table: dict[object, int], enum: object
) -> None:
    wire = set(enum.values()) - {0}  # type: ignore[attr-defined]
    assert set(table.values()) == wire
    assert len(set(table.values())) == len(table)


def full_request() -> pb.EvaluateRequest:
    return pb.EvaluateRequest(
        request_id="r-1",
        applicant=pb.Applicant(
            given_names="Anna Maria",
            family_name="Schmidt",
            birth_date=party_pb2.PartialDate(year=1988, month=2, day=29),
            nationality="de",
            residence_country="fr",
            address=party_pb2.Address(street="Hauptstr. 5", city="Berlin", country="de"),
            document=pb.IdentityDocument(
                kind=pb.DOCUMENT_KIND_ID_CARD,
                number="T22000129",
                issuing_country="de",
                expiry_date=party_pb2.PartialDate(year=2031, month=5, day=1),
            ),
            occupation="employee",
            declared_pep=True,
        ),
        document_images=[b"front", b"back"],
        selfie=b"selfie",
        liveness_frames=[b"f1", b"f2"],
        liveness_frame_offsets_ms=[0, 400],
        liveness_challenge_id="chl_1",
        liveness_nonce="n0nce",
        product="current_account",
        channel="online",
    )


def test_evaluate_request_to_command() -> None:
    command = evaluate_command_from_proto(full_request())
    personal = command.applicant.personal
    assert (personal.birth_date, personal.nationality) == (date(1988, 2, 29), "DE")
    assert personal.address is not None
    assert personal.address.full == "Hauptstr. 5, Berlin"
    assert personal.document is not None
    assert (personal.document.kind, personal.document.issuing_country) == ("id_card", "DE")
    assert personal.document.expires_on == date(2031, 5, 1)
    assert (command.applicant.residence, command.applicant.declared_pep) == ("FR", True)
    assert [e.kind for e in command.evidence] == [
        EvidenceKind.DOCUMENT,
        EvidenceKind.DOCUMENT,
        EvidenceKind.SELFIE,
        EvidenceKind.LIVENESS_FRAME,
        EvidenceKind.LIVENESS_FRAME,
    ]
    assert (command.liveness_challenge_id, command.liveness_nonce) == ("chl_1", "n0nce")
    assert [e.offset_ms for e in command.evidence[-2:]] == [0, 400]


def test_malformed_dates_and_kinds_are_all_reported() -> None:
    request = full_request()
    request.applicant.birth_date.CopyFrom(party_pb2.PartialDate(year=1988, month=2, day=30))
    request.applicant.document.kind = pb.DOCUMENT_KIND_UNSPECIFIED
    request.applicant.document.expiry_date.CopyFrom(party_pb2.PartialDate(year=2031, year_to=2032))
    request.applicant.nationality = ""
    with pytest.raises(InvalidArgument) as caught:
        evaluate_command_from_proto(request)
    assert {v.field for v in caught.value.violations} == {
        "applicant.birth_date",
        "applicant.document.kind",
        "applicant.document.expiry_date",
        "applicant.nationality",
    }
    with pytest.raises(InvalidArgument):
        evaluate_command_from_proto(pb.EvaluateRequest(request_id="x"))
    uneven = full_request()
    uneven.liveness_frame_offsets_ms.pop()
    with pytest.raises(InvalidArgument) as caught:
        evaluate_command_from_proto(uneven)
    assert caught.value.violations[0].field == "liveness_frame_offsets_ms"


def test_result_and_customer_to_wire() -> None:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    view = ClientView(
        Outcome.PENDING_REVIEW, (ClientReason.SELFIE_RETAKE_REQUIRED,), (ResubmissionItem.SELFIE,)
    )
    message = result_to_proto(EvaluationResult("app_1", "cus_1", view, "v1", at))
    assert message.outcome == pb.OUTCOME_PENDING_REVIEW
    assert list(message.reasons) == [pb.CLIENT_REASON_SELFIE_RETAKE_REQUIRED]
    assert list(message.resubmit) == [pb.RESUBMISSION_ITEM_SELFIE]
    assert message.decide_time.ToDatetime(tzinfo=UTC) == at
    record = customer()
    wire = customer_to_proto(record)
    assert (wire.id, wire.status) == (record.id, pb.CUSTOMER_STATUS_ACTIVE)
    assert wire.ratings[0].review_due == record.rating.review_due.isoformat()
    assert [f.code for f in wire.ratings[0].factors] == [f.code for f in record.rating.factors]
