"""Identity use cases, request side: validate, store images encrypted, start the operation.

The gRPC servicer calls these; the heavy part (`services.identity.execution.execute_check`)
runs on the `identity` queue. Images are decoded here, at the edge, so hostile input is refused
with a clear error before anything is queued, and only sanitised re-encodings are stored.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import orjson

from services.common.alerts import AlertSink
from services.common.crypto import KeyRing
from services.common.errors import FieldViolation, InvalidArgument, ResourceExhausted
from services.common.ids import new_id
from services.common.operations import (
    NewOperation,
    Operation,
    OperationStore,
    TaskQueue,
    input_digest,
    submit_operation,
)
from services.identity.core.face_model import FaceModel
from services.identity.core.images import ImageLimits, decode_image, encode_jpeg
from services.identity.core.liveness.challenge import (
    Challenge,
    ChallengePolicy,
    ChallengeStore,
    issue_challenge,
)
from services.identity.ports import (
    Applicant,
    DocumentAnalyser,
    ImageStore,
    ResultStore,
    StoredImage,
)
from services.identity.settings import IdentitySettings

RUN_TASK = "identity.run_check"
PURGE_TASK = "identity.purge_expired"
QUEUE = "identity"


class CheckKind(StrEnum):
    """The operation kinds of the identity service."""

    DOCUMENT = "identity.document"
    FACE_MATCH = "identity.face_match"
    LIVENESS = "identity.liveness"
    VERIFICATION = "identity.verification"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image given inline (`data`) or by the id of an earlier upload."""

    data: bytes = b""
    upload_id: str = ""


@dataclass(frozen=True, slots=True)
class FrameRef:
    offset_ms: int
    image: ImageRef


@dataclass(frozen=True, slots=True)
class CheckCommand:
    """One identity request. `document` is the reference image of a face match."""

    kind: CheckKind
    request_id: str
    document: ImageRef | None = None
    selfie: ImageRef | None = None
    applicant: Applicant | None = None
    challenge_id: str = ""
    nonce: str = ""
    frames: tuple[FrameRef, ...] = ()
    subject_id: str = ""


@dataclass(frozen=True)
class IdentityDeps:
    """Everything the identity handlers and tasks use, built once per process."""

    settings: IdentitySettings
    operations: OperationStore
    queue: TaskQueue
    images: ImageStore
    challenges: ChallengeStore
    results: ResultStore
    alerts: AlertSink
    key_ring: KeyRing
    documents: DocumentAnalyser
    face_model: Callable[[], FaceModel]
    clock: Callable[[], datetime]


def submit_check(command: CheckCommand, owner: str, deps: IdentityDeps) -> Operation:
    """Validate, store the images (encrypted, idempotently), and start the operation."""
    _validate(command, deps.settings)
    stored = _store_images(command, owner, deps)
    sealed = _seal_secrets(command, owner, deps.key_ring)
    digest = input_digest(
        command.kind,
        *(image.sha256 for image in stored.values()),
        command.challenge_id,
        sealed_digest(command),
        command.subject_id,
        *(str(f.offset_ms) for f in command.frames),
    )
    kwargs = {
        "images": {role: image.id for role, image in stored.items()},
        "frame_offsets": [f.offset_ms for f in command.frames],
        "challenge_id": command.challenge_id,
        "subject_id": command.subject_id,
        "sealed": sealed,
    }
    new = NewOperation(
        kind=command.kind.value,
        owner=owner,
        request_id=command.request_id,
        input_sha256=digest,
        task_name=RUN_TASK,
        task_queue=QUEUE,
        task_kwargs=kwargs,
    )
    return submit_operation(deps.operations, deps.queue, new)


def start_liveness(subject_id: str, owner: str, deps: IdentityDeps) -> Challenge:
    """Issue and store a challenge (random actions, nonce, expiry)."""
    if len(subject_id) > 128:
        raise InvalidArgument.for_field("subject_id", "at most 128 characters")
    policy = ChallengePolicy(
        actions=deps.settings.challenge_actions,
        time_to_live=timedelta(seconds=deps.settings.challenge_ttl_s),
    )
    challenge = issue_challenge(policy, deps.clock(), subject_id=subject_id, owner=owner)
    deps.challenges.save(challenge)
    return challenge


def upload_image(data: bytes, owner: str, deps: IdentityDeps) -> StoredImage:
    """A chunked upload, reassembled: validated and stored like an inline image."""
    return _ingest(data, new_id("img"), "upload", owner, deps, _limits(deps.settings))


def purge_expired(deps: IdentityDeps) -> int:
    """Delete images past the retention period; how many were deleted."""
    return deps.images.purge(deps.clock() - timedelta(days=deps.settings.retention_days))


def sealed_context(owner: str, request_id: str) -> str:
    """Associated data of the sealed secrets: they decrypt only for this request."""
    return f"identity_task:{owner}:{request_id}"


def sealed_digest(command: CheckCommand) -> str:
    """Digest of the secret inputs, so a reused request id with other data is refused."""
    applicant = asdict(command.applicant) if command.applicant else None
    payload = orjson.dumps({"applicant": applicant, "nonce": command.nonce}, default=str)
    return hashlib.sha256(payload).hexdigest()


# --- validation --------------------------------------------------------------------------------

_REQUIRED: dict[CheckKind, tuple[str, ...]] = {
    CheckKind.DOCUMENT: ("document",),
    CheckKind.FACE_MATCH: ("selfie", "document"),
    CheckKind.LIVENESS: ("challenge_id", "nonce", "frames"),
    CheckKind.VERIFICATION: ("document",),
}


def _validate(command: CheckCommand, settings: IdentitySettings) -> None:
    problems = [v for v in (_request_id_problem(command.request_id),) if v]
    problems += [
        FieldViolation(name, "is required")
        for name in _REQUIRED[command.kind]
        if not getattr(command, name)
    ]
    if command.kind is CheckKind.VERIFICATION and not (command.selfie or command.frames):
        problems.append(FieldViolation("selfie", "a selfie or liveness frames are required"))
    if command.frames and not (command.challenge_id and command.nonce):
        problems.append(FieldViolation("challenge_id", "frames need their challenge and nonce"))
    if len(command.subject_id) > 128:
        problems.append(FieldViolation("subject_id", "at most 128 characters"))
    if problems:
        raise InvalidArgument(f"invalid {command.kind.value} request", problems)
    if len(command.frames) > settings.max_frames:
        raise ResourceExhausted(
            f"{len(command.frames)} frames exceeds the limit of {settings.max_frames}",
            reason="LIVENESS_TOO_MANY_FRAMES",
        )


def _request_id_problem(value: str) -> FieldViolation | None:
    if not 1 <= len(value) <= 128 or not value.isascii() or not value.isprintable():
        return FieldViolation("request_id", "must be 1..128 printable ASCII characters")
    return None


# --- images ------------------------------------------------------------------------------------


def _limits(settings: IdentitySettings, frame: bool = False) -> ImageLimits:
    return ImageLimits(
        max_bytes=settings.max_frame_bytes if frame else settings.max_image_bytes,
        max_pixels=settings.max_image_pixels,
    )


def _store_images(command: CheckCommand, owner: str, deps: IdentityDeps) -> dict[str, StoredImage]:
    """Every image of the command, keyed by role ("document", "selfie", "frame.3")."""
    refs: list[tuple[str, ImageRef, bool]] = [
        (role, ref, False)
        for role, ref in (("document", command.document), ("selfie", command.selfie))
        if ref is not None
    ]
    refs += [(f"frame.{i}", f.image, True) for i, f in enumerate(command.frames)]
    stored = {}
    for role, ref, is_frame in refs:
        if ref.upload_id:
            stored[role] = deps.images.get(ref.upload_id, owner)
            continue
        image_id = _image_id(owner, command, role)
        field = _field_name(command.kind, role)
        limits = _limits(deps.settings, frame=is_frame)
        stored[role] = _ingest(ref.data, image_id, field, owner, deps, limits)
    return stored


def _field_name(kind: CheckKind, role: str) -> str:
    """The request field an image came from, for error messages ("frames[3].image")."""
    if role.startswith("frame."):
        return role.replace("frame.", "frames[") + "].image"
    return "reference" if kind is CheckKind.FACE_MATCH and role == "document" else role


def _image_id(owner: str, command: CheckCommand, role: str) -> str:
    """Derived from the request, so a retried request stores nothing twice."""
    key = "\0".join((owner, command.kind.value, command.request_id, role))
    return "img_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _ingest(
    data: bytes, image_id: str, field: str, owner: str, deps: IdentityDeps, limits: ImageLimits
) -> StoredImage:
    decoded = decode_image(data, limits, field=field)
    clean = encode_jpeg(decoded.pixels)
    image = StoredImage(
        id=image_id,
        owner=owner,
        role=field.split("[")[0],
        sha256=hashlib.sha256(clean).hexdigest(),
        width=decoded.width,
        height=decoded.height,
        content=clean,
        created_at=deps.clock(),
    )
    deps.images.put(image)
    return image


def _seal_secrets(command: CheckCommand, owner: str, key_ring: KeyRing) -> str:
    """Applicant data and nonce travel encrypted: the queue and the operations table are not
    places for PII."""
    applicant = asdict(command.applicant) if command.applicant else None
    payload = orjson.dumps({"applicant": applicant, "nonce": command.nonce}, default=str)
    token = key_ring.encrypt(payload, sealed_context(owner, command.request_id))
    return base64.b64encode(token).decode()
