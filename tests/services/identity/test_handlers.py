"""Identity use cases end to end on in-memory fakes and the real face model."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from bench.identity.document_images import KnownReader, draw_document, td3_lines
from bench.identity.sequences import session_frames
from services.common.alerts import Severity
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, ResourceExhausted
from services.identity.adapters.documents import MrzDocumentAnalyser
from services.identity.core.documents import DocumentPolicy
from services.identity.core.face_model import Box, Detection, DlibFaceModel, Encoding, Landmarks5
from services.identity.core.images import RgbImage, encode_jpeg
from services.identity.core.liveness import Challenge
from services.identity.core.verdict import CheckStatus, Decision
from services.identity.execution import execute_check
from services.identity.handlers import (
    RUN_TASK,
    CheckCommand,
    CheckKind,
    FrameRef,
    ImageRef,
    purge_expired,
    start_liveness,
    submit_check,
    upload_image,
)
from services.identity.ports import Applicant, UnavailableDocumentAnalyser
from tests.services.identity.conftest import FaceImageLoader, FakeIdentity

Bytes = Callable[[str], bytes]
OWNER = "client-1"


def _match(request_id: str, selfie: bytes, reference: bytes) -> CheckCommand:
    return CheckCommand(
        kind=CheckKind.FACE_MATCH,
        request_id=request_id,
        selfie=ImageRef(selfie),
        document=ImageRef(reference),
        subject_id="applicant-7",
    )


def _png_bomb() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_same_person_is_approved(identity: FakeIdentity, face_bytes: Bytes) -> None:
    operation = submit_check(
        _match("m-1", face_bytes("obama-480p.jpg"), face_bytes("obama_small.jpg")),
        OWNER,
        identity.deps,
    )
    outcome = identity.run(operation)

    assert outcome.decision is Decision.APPROVED
    assert [c.name for c in outcome.checks] == ["reference_face", "selfie_face", "face_match"]
    assert outcome.comparison is not None
    assert outcome.comparison.distance < 0.5
    assert identity.queue.sent[0][0] == RUN_TASK
    assert identity.queue.sent[0][2] == "identity"
    assert identity.alerts.alerts == {}
    record = identity.results.get(operation.id)
    assert record is not None
    assert record.decision is Decision.APPROVED


def test_different_person_is_declined_with_an_alert(
    identity: FakeIdentity, face_bytes: Bytes
) -> None:
    operation = submit_check(
        _match("m-2", face_bytes("biden.jpg"), face_bytes("obama-480p.jpg")), OWNER, identity.deps
    )
    outcome = identity.run(operation)

    assert outcome.decision is Decision.DECLINED
    assert outcome.reasons == ("FACE_MISMATCH",)
    alert = identity.alerts.alerts[f"identity:{operation.id}"]
    assert alert.severity is Severity.HIGH
    assert alert.subject_id == "applicant-7"
    assert alert.evidence["reason_codes"] == ["FACE_MISMATCH"]


def test_selfie_without_a_face_asks_for_a_retry(identity: FakeIdentity, face_bytes: Bytes) -> None:
    blank = encode_jpeg(np.full((480, 640, 3), 120, dtype=np.uint8))
    operation = submit_check(
        _match("m-3", blank, face_bytes("obama-480p.jpg")), OWNER, identity.deps
    )
    outcome = identity.run(operation)
    assert outcome.decision is Decision.RETRY
    assert "NO_FACE" in outcome.reasons
    assert identity.alerts.alerts == {}  # a bad capture is not suspicious


def test_selfie_with_two_people_asks_for_a_retry(identity: FakeIdentity, face_bytes: Bytes) -> None:
    operation = submit_check(
        _match("m-4", face_bytes("two_people.jpg"), face_bytes("obama-480p.jpg")),
        OWNER,
        identity.deps,
    )
    outcome = identity.run(operation)
    assert outcome.decision is Decision.RETRY
    assert "MULTIPLE_FACES" in outcome.reasons


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (_png_bomb(), ResourceExhausted, "IMAGE_TOO_LARGE"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, InvalidArgument, "IMAGE_CORRUPT"),
        (b"GIF89a" + b"\x00" * 40, InvalidArgument, "IMAGE_FORMAT_UNSUPPORTED"),
        (b"", InvalidArgument, "IMAGE_EMPTY"),
    ],
)
def test_hostile_images_are_refused_before_anything_is_queued(
    identity: FakeIdentity,
    face_bytes: Bytes,
    data: bytes,
    error: type[Exception],
    reason: str,
) -> None:
    with pytest.raises(error) as caught:
        submit_check(_match("h-1", data, face_bytes("obama-480p.jpg")), OWNER, identity.deps)
    assert getattr(caught.value, "reason", "") == reason
    assert identity.queue.sent == []
    assert identity.operations.stale(identity.now[0] + timedelta(days=1), 10) == []


def test_missing_fields_are_reported_together(identity: FakeIdentity) -> None:
    with pytest.raises(InvalidArgument) as caught:
        submit_check(CheckCommand(CheckKind.FACE_MATCH, request_id=""), OWNER, identity.deps)
    assert {v.field for v in caught.value.violations} == {"request_id", "selfie", "document"}


def test_retried_request_is_idempotent_and_reuse_is_refused(
    identity: FakeIdentity, face_bytes: Bytes
) -> None:
    command = _match("same", face_bytes("obama-480p.jpg"), face_bytes("obama_small.jpg"))
    first = submit_check(command, OWNER, identity.deps)
    again = submit_check(command, OWNER, identity.deps)
    other = _match("same", face_bytes("biden.jpg"), face_bytes("obama_small.jpg"))
    with pytest.raises(AlreadyExists):
        submit_check(other, OWNER, identity.deps)
    assert first.id == again.id
    assert len(identity.queue.sent) == 1


def test_applicant_data_and_nonce_never_travel_in_clear(
    identity: FakeIdentity, face_bytes: Bytes
) -> None:
    command = CheckCommand(
        kind=CheckKind.DOCUMENT,
        request_id="d-1",
        document=ImageRef(face_bytes("obama-480p.jpg")),
        applicant=Applicant("Barack", "Obama", date(1961, 8, 4), "X1234567"),
    )
    operation = submit_check(command, OWNER, identity.deps)
    sent = repr(identity.queue.sent) + repr(operation.task_kwargs)
    for secret in ("Obama", "Barack", "1961", "X1234567"):
        assert secret not in sent
    identity.run(operation)
    assert identity.documents.applicants == [command.applicant]


def test_without_the_document_engine_a_verification_goes_to_review(
    identity: FakeIdentity, face_bytes: Bytes
) -> None:
    deps = replace(identity.deps, documents=UnavailableDocumentAnalyser())
    command = CheckCommand(
        kind=CheckKind.VERIFICATION,
        request_id="v-1",
        document=ImageRef(face_bytes("obama_small.jpg")),
        selfie=ImageRef(face_bytes("obama-480p.jpg")),
    )
    operation = submit_check(command, OWNER, deps)
    started = identity.operations.start_attempt(operation.id)
    assert started is not None
    outcome = execute_check(started, deps)
    assert outcome.decision is Decision.REVIEW
    assert outcome.reasons == ("DOCUMENT_CHECKS_UNAVAILABLE",)
    assert [c.name for c in outcome.checks if c.status is CheckStatus.PASS] == [
        "document_portrait",
        "selfie_face",
        "face_match",
    ]


def _liveness_command(
    request_id: str, challenge: Challenge, images: FaceImageLoader, identity: FakeIdentity
) -> CheckCommand:
    frames = session_frames(
        challenge.actions,
        images("obama-480p.jpg"),
        images("obama1.jpg"),
        identity.deps.face_model(),
    )
    return CheckCommand(
        kind=CheckKind.LIVENESS,
        request_id=request_id,
        challenge_id=challenge.challenge_id,
        nonce=challenge.nonce,
        frames=tuple(FrameRef(f.offset_ms, ImageRef(encode_jpeg(f.pixels))) for f in frames),
    )


def test_liveness_passes_once_and_its_replay_fails(
    identity: FakeIdentity, face_images: FaceImageLoader
) -> None:
    challenge = start_liveness("applicant-7", OWNER, identity.deps)
    command = _liveness_command("l-1", challenge, face_images, identity)

    first = submit_check(command, OWNER, identity.deps)
    passed = identity.run(first)
    replayed = identity.run(submit_check(replace(command, request_id="l-2"), OWNER, identity.deps))

    assert passed.decision is Decision.APPROVED, passed.checks
    assert replayed.decision is Decision.DECLINED
    assert replayed.reasons == ("LIVENESS_CHALLENGE_REPLAYED",)


def test_redelivered_liveness_task_is_not_a_replay(
    identity: FakeIdentity, face_images: FaceImageLoader
) -> None:
    challenge = start_liveness("", OWNER, identity.deps)
    operation = submit_check(
        _liveness_command("l-3", challenge, face_images, identity), OWNER, identity.deps
    )
    identity.run(operation)  # the worker finished the work, then died before recording
    identity.now[0] += timedelta(hours=3)  # redelivered long after the challenge expired
    again = identity.run(operation)
    assert again.decision is Decision.APPROVED


def test_another_clients_challenge_is_invalid(
    identity: FakeIdentity, face_images: FaceImageLoader
) -> None:
    challenge = start_liveness("", "someone-else", identity.deps)
    operation = submit_check(
        _liveness_command("l-4", challenge, face_images, identity), OWNER, identity.deps
    )
    assert identity.run(operation).reasons == ("LIVENESS_CHALLENGE_INVALID",)


def test_verification_with_liveness_uses_the_live_face(
    identity: FakeIdentity, face_images: FaceImageLoader, face_bytes: Bytes
) -> None:
    challenge = start_liveness("applicant-7", OWNER, identity.deps)
    live = _liveness_command("v-2", challenge, face_images, identity)
    command = CheckCommand(
        kind=CheckKind.VERIFICATION,
        request_id="v-2",
        document=ImageRef(face_bytes("obama_small.jpg")),
        challenge_id=live.challenge_id,
        nonce=live.nonce,
        frames=live.frames,
    )
    outcome = identity.run(submit_check(command, OWNER, identity.deps))
    assert outcome.decision is Decision.APPROVED, outcome.checks
    assert outcome.comparison is not None
    assert {"liveness", "face_match", "document_expiry"} <= {c.name for c in outcome.checks}


def test_too_many_frames_are_refused(identity: FakeIdentity, face_bytes: Bytes) -> None:
    frame = FrameRef(0, ImageRef(face_bytes("obama_small.jpg")))
    command = CheckCommand(
        kind=CheckKind.LIVENESS,
        request_id="l-5",
        challenge_id="c",
        nonce="n",
        frames=(frame,) * 61,
    )
    with pytest.raises(ResourceExhausted):
        submit_check(command, OWNER, identity.deps)


def test_uploaded_image_is_usable_by_its_owner_only(
    identity: FakeIdentity, face_bytes: Bytes
) -> None:
    uploaded = upload_image(face_bytes("obama-480p.jpg"), OWNER, identity.deps)
    command = CheckCommand(
        kind=CheckKind.FACE_MATCH,
        request_id="u-1",
        selfie=ImageRef(upload_id=uploaded.id),
        document=ImageRef(face_bytes("obama_small.jpg")),
    )
    assert identity.run(submit_check(command, OWNER, identity.deps)).decision is Decision.APPROVED
    with pytest.raises(NotFound):
        submit_check(command, "another-client", identity.deps)


def test_purge_deletes_images_past_retention(identity: FakeIdentity, face_bytes: Bytes) -> None:
    stored = upload_image(face_bytes("obama_small.jpg"), OWNER, identity.deps)
    assert purge_expired(identity.deps) == 0
    identity.now[0] += timedelta(days=31)
    assert purge_expired(identity.deps) == 1
    with pytest.raises(NotFound):
        identity.images.get(stored.id, OWNER)


class CountingFaceModel:
    """The real model, counting the faces it encodes."""

    def __init__(self, model: DlibFaceModel) -> None:
        self.model = model
        self.encoded = 0

    def detect(self, pixels: RgbImage, upsample: int, adjust_threshold: float) -> list[Detection]:
        return self.model.detect(pixels, upsample, adjust_threshold)

    def landmarks(self, pixels: RgbImage, box: Box) -> Landmarks5:
        return self.model.landmarks(pixels, box)

    def encode(self, pixels: RgbImage, landmarks: Landmarks5) -> Encoding:
        self.encoded += 1
        return self.model.encode(pixels, landmarks)

    def aligned_chip(self, pixels: RgbImage, landmarks: Landmarks5, size: int) -> RgbImage:
        return self.model.aligned_chip(pixels, landmarks, size)


def test_verification_with_the_document_engine_approves_a_good_passport(
    identity: FakeIdentity,
    face_model: DlibFaceModel,
    face_images: FaceImageLoader,
    face_bytes: Bytes,
) -> None:
    lines = td3_lines("OBAMA", "BARACK", "X1234567", "610804", "M", "300101")
    doc = draw_document(lines, face_images("obama_small.jpg"))
    counting = CountingFaceModel(face_model)
    analyser = MrzDocumentAnalyser(
        KnownReader(doc.reading), DocumentPolicy(accept_specimens=True), lambda: counting
    )
    deps = replace(identity.deps, documents=analyser, face_model=lambda: counting)
    command = CheckCommand(
        kind=CheckKind.VERIFICATION,
        request_id="v-doc",
        document=ImageRef(encode_jpeg(doc.pixels)),
        selfie=ImageRef(face_bytes("obama-480p.jpg")),
        applicant=Applicant("Barack", "Obama", date(1961, 8, 4), "X1234567"),
    )
    operation = submit_check(command, OWNER, deps)
    started = identity.operations.start_attempt(operation.id)
    assert started is not None
    outcome = execute_check(started, deps)
    assert [c.name for c in outcome.checks if c.status is not CheckStatus.PASS] == []
    assert outcome.decision is Decision.APPROVED
    assert outcome.document is not None
    assert outcome.document.surname == "OBAMA"
    assert counting.encoded == 2  # the document portrait once (reused by the match), the selfie


def test_a_declined_document_alert_carries_the_mrz_without_personal_data(
    identity: FakeIdentity,
) -> None:
    lines = td3_lines("OBAMA", "BARACK", "X1234567", "610804", "M", "300101")
    forged = (lines[0], lines[1].replace("X1234567<", "X1234568<"))
    doc = draw_document(forged)
    analyser = MrzDocumentAnalyser(KnownReader(doc.reading), DocumentPolicy(accept_specimens=True))
    deps = replace(identity.deps, documents=analyser)
    command = CheckCommand(
        kind=CheckKind.DOCUMENT, request_id="d-forged", document=ImageRef(encode_jpeg(doc.pixels))
    )
    operation = submit_check(command, OWNER, deps)
    started = identity.operations.start_attempt(operation.id)
    assert started is not None
    outcome = execute_check(started, deps)
    assert outcome.decision is Decision.DECLINED
    alert = identity.alerts.alerts[f"identity:{operation.id}"]
    mrz = alert.evidence["mrz"]
    assert isinstance(mrz, dict)
    number = mrz["checks"][0]
    assert (number["name"], number["valid"], number["line"], number["column"]) == (
        "document_number", False, 1, 9,
    )  # fmt: skip
    assert mrz["fields"]["issuing_state"] == "UTO"
    for personal in ("OBAMA", "BARACK", "X123456", "610804"):
        assert personal not in repr(alert)
