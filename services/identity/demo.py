"""Demo step: verify passports with a matching and a non-matching selfie, breakdowns printed.

Two documents: the ICAO specimen passport (a real specimen scan, validity ended in 2012; no photo
of its holder exists, so its "matching selfie" is a stand-in made from the passport's own
portrait: enlarged, tilted, relit, re-encoded), and a synthetic specimen passport
(services.identity.specimens, issuer UTO) carrying a real face from ../shared/data, checked
against another photo of the same person and against a photo of someone else. A decompression
bomb shows hostile input refused at the edge.
"""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from datetime import date
from pathlib import Path

import cv2
import grpc
import numpy as np
from warden.identity.v1 import identity_pb2, identity_pb2_grpc

from services.demo import DemoContext, shared_data_dir
from services.identity.core.face_model import default_face_model
from services.identity.core.faces import DOCUMENT_POLICY, detect_faces
from services.identity.core.images import decode_image, encode_jpeg
from services.identity.specimens import VALID_FOR_YEARS, HolderFields, specimen_jpeg

PASSPORT = "documents/icao_style/passporteye_passport-td3.jpg"
HOLDER_PORTRAIT = "faces/people/barack_obama/obama.jpg"
HOLDER_SELFIE = "faces/people/barack_obama/obama-480p.jpg"
OTHER_PERSON = "faces/people/joe_biden/biden.jpg"
ERIKSSON = identity_pb2.ApplicantData(
    surname="ERIKSSON",
    given_names="ANNA MARIA",
    birth_date="1974-08-12",
    document_number="L898902C3",
)
HOLDER = HolderFields(
    surname="OBAMA",
    given_names="BARACK HUSSEIN",
    document_number="UT1961084",
    birth_date=date(1961, 8, 4),
    expiry_date=VALID_FOR_YEARS,
    sex="M",
)


async def run(ctx: DemoContext) -> None:
    data = shared_data_dir()
    if data is None:
        ctx.record("identity", "skipped", "../shared/data not found")
        return
    stub = identity_pb2_grpc.IdentityServiceStub(ctx.channel)
    specimen = (data / PASSPORT).read_bytes()
    portrait = decode_image((data / HOLDER_PORTRAIT).read_bytes()).pixels
    passport = specimen_jpeg(HOLDER, portrait)
    holder = identity_pb2.ApplicantData(
        surname=HOLDER.surname,
        given_names=HOLDER.given_names,
        birth_date=HOLDER.birth_date.isoformat(),
        document_number=HOLDER.document_number,
    )
    runs = (
        ("ICAO specimen passport, stand-in selfie", specimen, stand_in_selfie(specimen), ERIKSSON),
        ("synthetic passport, matching selfie", passport, _read(data, HOLDER_SELFIE), holder),
        ("synthetic passport, someone else", passport, _read(data, OTHER_PERSON), holder),
    )
    outcomes = []
    for label, document, selfie, applicant in runs:
        result = await _verify(ctx, stub, (document, selfie), applicant)
        outcomes.append(_print_breakdown(ctx, label, result))
    await _hostile(ctx, stub)
    ctx.record("identity verification", "ok", "; ".join(outcomes))


def _read(data: Path, relative: str) -> bytes:
    return (data / relative).read_bytes()


async def _verify(
    ctx: DemoContext,
    stub: identity_pb2_grpc.IdentityServiceAsyncStub,
    images: tuple[bytes, bytes],
    applicant: identity_pb2.ApplicantData,
) -> identity_pb2.IdentityResult:
    document, selfie = images
    request = identity_pb2.SubmitVerificationRequest(
        request_id=f"demo-{uuid.uuid4().hex[:12]}",
        document=identity_pb2.ImageInput(data=document),
        selfie=identity_pb2.ImageInput(data=selfie),
        applicant=applicant,
        subject_id="demo-applicant",
    )
    started = await stub.SubmitVerification(request, metadata=ctx.metadata, timeout=30)
    watch = identity_pb2.WatchOperationRequest(id=started.operation.id, timeout_seconds=120)
    last = started.operation
    async for update in stub.WatchOperation(watch, metadata=ctx.metadata, timeout=125):
        last = update.operation
    result = identity_pb2.IdentityResult()
    if not last.result.Unpack(result):
        raise RuntimeError(f"verification {last.id} did not complete: {last.error.message}")
    return result


def _print_breakdown(ctx: DemoContext, label: str, result: identity_pb2.IdentityResult) -> str:
    decision = identity_pb2.Decision.Name(result.decision).removeprefix("DECISION_")
    distance = f"{result.face_match.distance:.3f}" if result.HasField("face_match") else "-"
    ctx.console.print(f"  [bold]{label}[/]: {decision}   face distance {distance}")
    if result.HasField("document"):
        ctx.console.print(f"    MRZ {_mrz_summary(result.document)}")
    for check in result.checks:
        status = identity_pb2.CheckStatus.Name(check.status).removeprefix("CHECK_STATUS_")
        ctx.console.print(f"    {check.name:22} {status:8} {check.reason_code:28} {check.detail}")
    total = result.timings_ms.get("total", 0.0)
    ctx.console.print(f"    [dim]worker time {total:.0f} ms")
    return f"{label}: {decision} (d={distance})"


def _mrz_summary(document: identity_pb2.DocumentData) -> str:
    digits = " ".join(f"{d.field}={d.found}{'✓' if d.ok else '✗'}" for d in document.check_digits)
    return (
        f"{document.format} {document.document_code} issued by {document.issuing_state}, "
        f"expires {document.expiry_date or '?'}, check digits: {digits}"
    )


async def _hostile(ctx: DemoContext, stub: identity_pb2_grpc.IdentityServiceAsyncStub) -> None:
    request = identity_pb2.MatchFaceRequest(
        request_id=f"demo-bomb-{uuid.uuid4().hex[:8]}",
        selfie=identity_pb2.ImageInput(data=_png_bomb(30_000, 30_000)),
        reference=identity_pb2.ImageInput(data=_png_bomb(30_000, 30_000)),
    )
    try:
        await stub.MatchFace(request, metadata=ctx.metadata, timeout=10)
    except grpc.aio.AioRpcError as error:
        ctx.console.print(
            f"  decompression bomb (900 MP declared in a tiny PNG): {error.code().name} "
            f"- {error.details()}"
        )
        return
    raise RuntimeError("a decompression bomb was accepted")


def stand_in_selfie(passport: bytes) -> bytes:
    """The passport portrait enlarged onto a plain background, tilted 4 degrees, warmer light."""
    pixels = decode_image(passport).pixels
    face = detect_faces(pixels, DOCUMENT_POLICY.stages, default_face_model())[0].box
    pad = face.width // 2
    crop = pixels[
        max(0, face.top - pad) : face.bottom + pad, max(0, face.left - pad) : face.right + pad
    ]
    size = (crop.shape[1] * 3, crop.shape[0] * 3)
    enlarged = cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC)
    centre = (size[0] / 2.0, size[1] / 2.0)
    tilted = cv2.warpAffine(
        enlarged, cv2.getRotationMatrix2D(centre, 4.0, 1.0), size, borderValue=(200, 205, 210)
    )
    relit = np.clip(tilted.astype(np.float32) * np.array([1.08, 1.0, 0.92]) + 6, 0, 255)
    return encode_jpeg(np.ascontiguousarray(relit.astype(np.uint8)), quality=85)


def _png_bomb(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    stream = io.BytesIO()
    stream.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header))
    stream.write(chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))
    return stream.getvalue()
