"""Fixtures of the identity tests: the real dlib face model, the face images, and the identity
dependencies wired to in-memory fakes (`identity`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from services.common.alerts import InMemoryAlertSink
from services.common.crypto import KeyRing, generate_key_spec
from services.common.operations import InMemoryOperationStore, Operation
from services.identity.core.face_model import DlibFaceModel, default_face_model
from services.identity.core.images import RgbImage, decode_image
from services.identity.core.liveness import InMemoryChallengeStore
from services.identity.core.verdict import Check, CheckStatus
from services.identity.execution import IdentityOutcome, execute_check
from services.identity.handlers import IdentityDeps
from services.identity.ports import (
    Applicant,
    DocumentOutcome,
    InMemoryImageStore,
    InMemoryResultStore,
)
from services.identity.settings import IdentitySettings

FaceImageLoader = Callable[[str], RgbImage]


@pytest.fixture(scope="session")
def face_model() -> DlibFaceModel:
    """The production dlib model, loaded once for the whole session (~0.5 s)."""
    return default_face_model()


@pytest.fixture(scope="session")
def face_images(fixtures_dir: Path) -> FaceImageLoader:
    """Decode a file of tests/fixtures/identity/faces through the production decoder."""

    def load(name: str) -> RgbImage:
        data = (fixtures_dir / "identity" / "faces" / name).read_bytes()
        return decode_image(data, field=name).pixels

    return load


@pytest.fixture(scope="session")
def face_bytes(fixtures_dir: Path) -> Callable[[str], bytes]:
    """The raw bytes of a file of tests/fixtures/identity/faces."""
    return lambda name: (fixtures_dir / "identity" / "faces" / name).read_bytes()


class RecordingQueue:
    """A TaskQueue that only remembers what was sent (tests run the work themselves)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, object], str]] = []

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        self.sent.append((task_name, dict(kwargs), queue))


class PassingDocuments:
    """A document engine stand-in whose checks all pass; remembers the applicant it saw."""

    def __init__(self) -> None:
        self.applicants: list[Applicant | None] = []

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome:
        self.applicants.append(applicant)
        return DocumentOutcome((Check("document_expiry", CheckStatus.PASS, "OK", "valid"),))


@dataclass
class FakeIdentity:
    """In-memory identity dependencies around the real face model."""

    deps: IdentityDeps
    queue: RecordingQueue
    operations: InMemoryOperationStore
    images: InMemoryImageStore
    results: InMemoryResultStore
    alerts: InMemoryAlertSink
    documents: PassingDocuments
    now: list[datetime] = field(default_factory=lambda: [datetime(2026, 11, 29, 12, tzinfo=UTC)])

    def run(self, operation: Operation) -> IdentityOutcome:
        """What the worker does: start an attempt, execute, return the outcome."""
        started = self.operations.start_attempt(operation.id)
        assert started is not None
        return execute_check(started, self.deps)


@pytest.fixture
def identity(face_model: DlibFaceModel) -> FakeIdentity:
    queue, operations = RecordingQueue(), InMemoryOperationStore()
    images, results = InMemoryImageStore(), InMemoryResultStore()
    alerts, documents = InMemoryAlertSink(), PassingDocuments()
    clock: list[datetime] = [datetime(2026, 11, 29, 12, tzinfo=UTC)]
    deps = IdentityDeps(
        settings=IdentitySettings(),
        operations=operations,
        queue=queue,
        images=images,
        challenges=InMemoryChallengeStore(),
        results=results,
        alerts=alerts,
        key_ring=KeyRing.parse(generate_key_spec("test")),
        documents=documents,
        face_model=lambda: face_model,
        clock=lambda: clock[0],
    )
    return FakeIdentity(deps, queue, operations, images, results, alerts, documents, clock)
