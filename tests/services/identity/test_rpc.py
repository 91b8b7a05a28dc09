"""IdentityService through a real gRPC server, the real interceptors and an in-process worker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from warden.common.v1 import operation_pb2
from warden.identity.v1 import identity_pb2, identity_pb2_grpc

from bench.identity.sequences import session_frames
from services.common.runtime import Container
from services.identity.convert import ACTION_TO_PROTO
from services.identity.core.documents import OCR_MODULE
from services.identity.core.face_model import DlibFaceModel
from services.identity.core.images import encode_jpeg
from services.identity.core.liveness import Action
from tests.services.identity.conftest import FaceImageLoader
from tests.support.grpc import TestServer, auth, start_test_server
from workers import deps
from workers.embedded import EmbeddedWorker

Bytes = Callable[[str], bytes]
if TYPE_CHECKING:  # the async stub type exists only in the generated .pyi
    Stub = identity_pb2_grpc.IdentityServiceAsyncStub
PROTO_TO_ACTION = {number: action for action, number in ACTION_TO_PROTO.items()}


@pytest.fixture
async def live(container: Container) -> AsyncIterator[TestServer]:
    deps.install(container)
    with EmbeddedWorker(container.celery, concurrency=1):
        async with start_test_server(container) as server:
            yield server
    deps.reset()


async def _finish(
    stub: Stub, token: str, operation: operation_pb2.Operation
) -> identity_pb2.IdentityResult:
    watch = identity_pb2.WatchOperationRequest(id=operation.id, timeout_seconds=120)
    last = operation
    async for update in stub.WatchOperation(watch, metadata=auth(token)):
        last = update.operation
    assert last.state == operation_pb2.OPERATION_STATE_SUCCEEDED, last
    result = identity_pb2.IdentityResult()
    assert last.result.Unpack(result)
    return result


def _image(data: bytes) -> identity_pb2.ImageInput:
    return identity_pb2.ImageInput(data=data)


async def test_face_match_same_and_different(live: TestServer, face_bytes: Bytes) -> None:
    token = live.key("identity.verify", "identity.read")
    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        same = await stub.MatchFace(
            identity_pb2.MatchFaceRequest(
                request_id="same",
                selfie=_image(face_bytes("obama-480p.jpg")),
                reference=_image(face_bytes("obama_small.jpg")),
            ),
            metadata=auth(token),
        )
        different = await stub.MatchFace(
            identity_pb2.MatchFaceRequest(
                request_id="different",
                selfie=_image(face_bytes("biden.jpg")),
                reference=_image(face_bytes("obama_small.jpg")),
            ),
            metadata=auth(token),
        )
        assert same.operation.kind == "identity.face_match"
        approved = await _finish(stub, token, same.operation)
        declined = await _finish(stub, token, different.operation)
        fetched = await stub.GetOperation(
            identity_pb2.GetOperationRequest(id=same.operation.id), metadata=auth(token)
        )
    assert approved.decision == identity_pb2.DECISION_APPROVED
    assert approved.face_match.distance < approved.face_match.match_threshold
    assert declined.decision == identity_pb2.DECISION_DECLINED
    assert [r.code for r in declined.reasons] == ["FACE_MISMATCH"]
    assert fetched.operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED


async def test_hostile_images_are_rejected_cleanly(live: TestServer, face_bytes: Bytes) -> None:
    token = live.key("identity.verify")
    truncated = face_bytes("obama-480p.jpg")[:5000]
    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as corrupt:
            await stub.MatchFace(
                identity_pb2.MatchFaceRequest(
                    request_id="bad", selfie=_image(truncated), reference=_image(truncated)
                ),
                metadata=auth(token),
            )
        with pytest.raises(grpc.aio.AioRpcError) as unsupported:
            await stub.VerifyDocument(
                identity_pb2.VerifyDocumentRequest(
                    request_id="svg", document=_image(b"<svg onload='alert(1)'/>")
                ),
                metadata=auth(token),
            )
    assert corrupt.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "truncated or corrupt" in (corrupt.value.details() or "")
    assert unsupported.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_liveness_passes_and_its_replay_fails(
    live: TestServer, face_images: FaceImageLoader, face_model: DlibFaceModel
) -> None:
    token = live.key("identity.verify", "identity.read")
    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        challenge = await stub.StartLiveness(
            identity_pb2.StartLivenessRequest(subject_id="applicant-1"), metadata=auth(token)
        )
        actions = tuple(PROTO_TO_ACTION[a] for a in challenge.actions)
        frames = session_frames(
            actions, face_images("obama-480p.jpg"), face_images("obama1.jpg"), face_model
        )
        request = identity_pb2.SubmitLivenessFramesRequest(
            request_id="live-1",
            challenge_id=challenge.challenge_id,
            nonce=challenge.nonce,
            frames=[
                identity_pb2.LivenessFrame(
                    offset_ms=f.offset_ms, image=_image(encode_jpeg(f.pixels))
                )
                for f in frames
            ],
        )
        passed = await _finish(
            stub, token, (await stub.SubmitLivenessFrames(request, metadata=auth(token))).operation
        )
        request.request_id = "live-2"  # the same recorded session, sent again
        replayed = await _finish(
            stub, token, (await stub.SubmitLivenessFrames(request, metadata=auth(token))).operation
        )
    assert len(actions) == 3
    assert all(isinstance(a, Action) for a in actions)
    assert passed.decision == identity_pb2.DECISION_APPROVED, passed
    assert replayed.decision == identity_pb2.DECISION_DECLINED
    assert [r.code for r in replayed.reasons] == ["LIVENESS_CHALLENGE_REPLAYED"]


async def test_chunked_upload_then_match_by_upload_id(live: TestServer, face_bytes: Bytes) -> None:
    token = live.key("identity.verify", "identity.read")
    data = face_bytes("biden.jpg")

    async def chunks() -> AsyncIterator[identity_pb2.UploadImageRequest]:
        for start in range(0, len(data), 64 * 1024):
            yield identity_pb2.UploadImageRequest(chunk=data[start : start + 64 * 1024])

    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        uploaded = await stub.UploadImage(chunks(), metadata=auth(token))
        started = await stub.MatchFace(
            identity_pb2.MatchFaceRequest(
                request_id="by-upload",
                selfie=identity_pb2.ImageInput(upload_id=uploaded.upload_id),
                reference=identity_pb2.ImageInput(upload_id=uploaded.upload_id),
            ),
            metadata=auth(token),
        )
        result = await _finish(stub, token, started.operation)
    assert uploaded.size_bytes == len(data)
    assert result.decision == identity_pb2.DECISION_APPROVED
    assert result.face_match.distance < 0.05


async def test_calls_need_the_identity_scopes(live: TestServer) -> None:
    token = live.key("identity.read")
    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await stub.StartLiveness(identity_pb2.StartLivenessRequest(), metadata=auth(token))
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetOperation(
                identity_pb2.GetOperationRequest(id="op_" + "0" * 26), metadata=auth(token)
            )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_verify_document_returns_the_mrz_breakdown(
    live: TestServer, shared_data: Path
) -> None:
    pytest.importorskip(OCR_MODULE, reason="this build has no MRZ reader (area/mrz-ocr)")
    passport = shared_data / "documents" / "icao_style" / "passporteye_passport-td3.png"
    token = live.key("identity.verify", "identity.read")
    async with live.channel() as channel:
        stub: Stub = identity_pb2_grpc.IdentityServiceStub(channel)
        started = await stub.VerifyDocument(
            identity_pb2.VerifyDocumentRequest(
                request_id="doc-1",
                document=_image(passport.read_bytes()),
                applicant=identity_pb2.ApplicantData(
                    given_names="Anna Maria",
                    surname="Eriksson",
                    birth_date="1974-08-12",
                    document_number="L898902C3",
                ),
            ),
            metadata=auth(token),
        )
        result = await _finish(stub, token, started.operation)
    document = result.document
    assert (document.format, document.document_code, document.issuing_state) == ("TD3", "P", "UTO")
    assert document.valid
    assert [c.field for c in document.check_digits] == [
        "document_number", "birth_date", "expiry_date", "optional_data", "composite",
    ]  # fmt: skip
    checks = {c.name: c for c in result.checks}
    for name in (
        "mrz_check_digits",
        "applicant_name",
        "applicant_birth_date",
        "applicant_document_number",
    ):
        assert checks[name].status == identity_pb2.CHECK_STATUS_PASS, name
    # A specimen, expired in 2012: declined, and the reasons say why.
    assert result.decision == identity_pb2.DECISION_DECLINED
    assert {r.code for r in result.reasons} >= {"DOCUMENT_EXPIRED", "ISSUING_STATE_NOT_ACCEPTED"}
