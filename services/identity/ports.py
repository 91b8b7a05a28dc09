"""What the identity handlers need from the outside, each with an in-memory implementation.

SQL implementations live in `services.identity.adapters.stores`; the document analyser that
wraps the MRZ engine in `services.identity.adapters.documents`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from services.common.errors import NotFound
from services.identity.core.document_data import Applicant  # re-exported: what was typed
from services.identity.core.faces import FaceAnalysis
from services.identity.core.images import RgbImage
from services.identity.core.liveness.challenge import (  # re-exported: a port like the others
    ChallengeStore,
    InMemoryChallengeStore,
)
from services.identity.core.mrz import MrzDocument
from services.identity.core.verdict import Check, CheckStatus, Decision

__all__ = [
    "Applicant",
    "ChallengeStore",
    "DocumentAnalyser",
    "DocumentOutcome",
    "ImageStore",
    "InMemoryChallengeStore",
    "InMemoryImageStore",
    "InMemoryResultStore",
    "ResultStore",
    "StoredImage",
    "UnavailableDocumentAnalyser",
    "VerificationRecord",
]


@dataclass(frozen=True, slots=True)
class StoredImage:
    """A sanitised image (re-encoded JPEG, no metadata); `content` is the plaintext bytes."""

    id: str
    owner: str
    role: str
    sha256: str
    width: int
    height: int
    content: bytes
    created_at: datetime


class ImageStore(Protocol):
    def put(self, image: StoredImage) -> bool:
        """Store it unless an image with this id exists (idempotent); True if stored now."""
        ...

    def get(self, image_id: str, owner: str) -> StoredImage:
        """The image, or NotFound (also for another owner's image: ids are not probeable)."""
        ...

    def purge(self, older_than: datetime) -> int:
        """Delete images created before `older_than`; how many were deleted."""
        ...


@dataclass(frozen=True, slots=True)
class VerificationRecord:
    """The outcome of one identity operation as kept in the database (no PII, no images)."""

    operation_id: str
    kind: str
    owner: str
    subject_id: str
    decision: Decision
    reason_codes: tuple[str, ...]
    checks: tuple[Check, ...]
    timings_ms: Mapping[str, float]
    face_distance: float | None
    created_at: datetime


class ResultStore(Protocol):
    def record(self, record: VerificationRecord) -> bool:
        """Keep the outcome unless this operation already has one; True if recorded now."""
        ...

    def get(self, operation_id: str) -> VerificationRecord | None: ...


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """The document checks in the identity service's vocabulary, with the MRZ read (if any)
    and the portrait analysis (if one ran), so the face match need not find it again."""

    checks: tuple[Check, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    mrz: MrzDocument | None = None
    portrait: FaceAnalysis | None = None


class DocumentAnalyser(Protocol):
    """Reads and checks a document image (the MRZ engine, or a stand-in)."""

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome: ...


class UnavailableDocumentAnalyser:
    """Used while no document engine is installed: one UNKNOWN check, so nothing is APPROVED
    without the document having been checked (it goes to REVIEW)."""

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome:
        check = Check(
            "document_checks",
            CheckStatus.UNKNOWN,
            "DOCUMENT_CHECKS_UNAVAILABLE",
            "the document (MRZ) engine is not installed in this build",
        )
        return DocumentOutcome((check,))


class InMemoryImageStore:
    def __init__(self) -> None:
        self._images: dict[str, StoredImage] = {}
        self._lock = threading.Lock()

    def put(self, image: StoredImage) -> bool:
        with self._lock:
            if image.id in self._images:
                return False
            self._images[image.id] = image
            return True

    def get(self, image_id: str, owner: str) -> StoredImage:
        found = self._images.get(image_id)
        if found is None or found.owner != owner:
            raise NotFound("image", image_id)
        return found

    def purge(self, older_than: datetime) -> int:
        with self._lock:
            old = [k for k, v in self._images.items() if v.created_at < older_than]
            for key in old:
                del self._images[key]
            return len(old)


class InMemoryResultStore:
    def __init__(self) -> None:
        self.records: dict[str, VerificationRecord] = {}
        self._lock = threading.Lock()

    def record(self, record: VerificationRecord) -> bool:
        with self._lock:
            if record.operation_id in self.records:
                return False
            self.records[record.operation_id] = record
            return True

    def get(self, operation_id: str) -> VerificationRecord | None:
        return self.records.get(operation_id)
