"""Identity proto <-> domain conversions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from warden.identity.v1 import identity_pb2

from services.common.errors import InvalidArgument
from services.identity import convert
from services.identity.core.faces import FaceComparison, MatchThresholds, MatchVerdict
from services.identity.core.liveness import Action, Challenge
from services.identity.core.mrz import parse_mrz
from services.identity.core.verdict import Check, CheckStatus, Decision
from services.identity.execution import IdentityOutcome
from services.identity.handlers import CheckKind, ImageRef
from services.identity.ports import Applicant


@pytest.mark.parametrize("status", list(CheckStatus))
def test_check_round_trip(status: CheckStatus) -> None:
    check = Check("face_match", status, "FACE_MISMATCH", "distance 0.8")
    assert convert.check_from_proto(convert.check_to_proto(check)) == check


def test_every_decision_has_a_wire_value() -> None:
    assert set(convert.DECISION_TO_PROTO) == set(Decision)
    assert set(convert.DECISION_FROM_PROTO.values()) == set(Decision)


def test_outcome_to_proto() -> None:
    checks = (
        Check("selfie_face", CheckStatus.PASS, "OK", "face found"),
        Check("face_match", CheckStatus.FAIL, "FACE_MISMATCH", "distance 0.812"),
    )
    comparison = FaceComparison(0.812, MatchVerdict.MISMATCH, MatchThresholds())
    outcome = IdentityOutcome(
        Decision.DECLINED, checks, ("FACE_MISMATCH",), comparison, {"total": 412.0}
    )

    message = convert.outcome_to_proto(outcome)

    assert message.decision == identity_pb2.DECISION_DECLINED
    assert [convert.check_from_proto(c) for c in message.checks] == list(checks)
    assert [(r.code, r.message) for r in message.reasons] == [
        ("FACE_MISMATCH", "face_match: distance 0.812")
    ]
    assert message.face_match.distance == pytest.approx(0.812)
    assert message.face_match.match_threshold == pytest.approx(0.5)
    assert dict(message.timings_ms) == {"total": 412.0}


def test_verification_request_to_command() -> None:
    request = identity_pb2.SubmitVerificationRequest(
        request_id="r-1",
        document=identity_pb2.ImageInput(data=b"doc"),
        selfie=identity_pb2.ImageInput(upload_id="img_x"),
        applicant=identity_pb2.ApplicantData(surname="ERIKSSON", birth_date="1974-08-12"),
        challenge_id="ch",
        nonce="n",
        frames=[identity_pb2.LivenessFrame(offset_ms=40, image=identity_pb2.ImageInput(data=b"f"))],
        subject_id="applicant-1",
    )
    command = convert.verification_command(request)
    assert command.kind is CheckKind.VERIFICATION
    assert command.document == ImageRef(data=b"doc")
    assert command.selfie == ImageRef(upload_id="img_x")
    assert command.applicant == Applicant(surname="ERIKSSON", birth_date=date(1974, 8, 12))
    assert command.frames[0].offset_ms == 40
    assert command.subject_id == "applicant-1"


def test_missing_image_and_applicant_are_none() -> None:
    command = convert.verify_document_command(identity_pb2.VerifyDocumentRequest(request_id="r"))
    assert command.document is None
    assert command.applicant is None


def test_bad_birth_date_names_the_field() -> None:
    request = identity_pb2.VerifyDocumentRequest(
        request_id="r", applicant=identity_pb2.ApplicantData(birth_date="12/08/1974")
    )
    with pytest.raises(InvalidArgument) as caught:
        convert.verify_document_command(request)
    assert caught.value.violations[0].field == "applicant.birth_date"


def test_challenge_to_proto() -> None:
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    challenge = Challenge("ch", "nonce", (Action.TURN_LEFT, Action.BLINK), now, now + timedelta(90))
    message = convert.challenge_to_proto(challenge)
    assert list(message.actions) == [
        identity_pb2.LIVENESS_ACTION_TURN_LEFT,
        identity_pb2.LIVENESS_ACTION_BLINK,
    ]
    assert message.expire_time.ToDatetime(tzinfo=UTC) == challenge.expires_at


def test_document_data_carries_the_mrz_without_personal_data() -> None:
    lines = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    )
    mrz = parse_mrz(lines, date(2026, 11, 29))
    outcome = IdentityOutcome(Decision.DECLINED, (), ("DOCUMENT_EXPIRED",), None, {}, mrz)
    document = convert.outcome_to_proto(outcome).document
    assert (document.format, document.document_code, document.issuing_state) == ("TD3", "P", "UTO")
    assert (document.nationality, document.sex, document.expiry_date) == ("UTO", "F", "2012-04-15")
    assert document.valid
    first = document.check_digits[0]
    assert (first.field, first.expected, first.found, first.ok) == ("document_number", 6, "6", True)
    assert len(document.check_digits) == 5
    wire = document.SerializeToString()
    for personal in (b"ERIKSSON", b"ANNA", b"L898902C3", b"740812", b"ZE184226B"):
        assert personal not in wire


def test_no_document_no_document_data() -> None:
    outcome = IdentityOutcome(Decision.RETRY, (), ("NO_FACE",), None)
    assert not convert.outcome_to_proto(outcome).HasField("document")
