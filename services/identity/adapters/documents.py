"""The document engine behind the `DocumentAnalyser` port.

`services.identity.core.documents.analyse_document` does the checks; the MRZ reader (the OCR,
`services.identity.core.ocr.read_mrz`) is looked up at run time: a build without it answers
with one UNKNOWN check (DOCUMENT_CHECKS_UNAVAILABLE), which sends verifications to REVIEW
instead of approving them. The document's portrait is found with the face checks' detector.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from services.identity.core.documents import (
    OCR_MODULE,
    DocumentPolicy,
    MrzReader,
    analyse_document,
    default_reader,
)
from services.identity.core.face_model import FaceModel
from services.identity.core.faces import DOCUMENT_POLICY, FaceAnalysis, analyse_face
from services.identity.core.images import RgbImage
from services.identity.ports import (
    Applicant,
    DocumentAnalyser,
    DocumentOutcome,
    UnavailableDocumentAnalyser,
)


class MrzDocumentAnalyser:
    """Calls `analyse_document` with this process's reader, policy and face model."""

    def __init__(
        self,
        reader: MrzReader,
        policy: DocumentPolicy | None = None,
        face_model: Callable[[], FaceModel] | None = None,
    ) -> None:
        self.reader = reader
        self.policy = policy or DocumentPolicy()
        self.face_model = face_model

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome:
        report = analyse_document(
            pixels, applicant, self.policy, today, reader=self.reader, portraits=self._portraits()
        )
        timings = {f"document_{k}": float(v) for k, v in report.timings_ms.items()}
        return DocumentOutcome(report.checks, timings, report.mrz, report.portrait)

    def _portraits(self) -> Callable[[RgbImage], FaceAnalysis] | None:
        face_model = self.face_model
        if face_model is None:
            return None
        return lambda pixels: analyse_face(pixels, DOCUMENT_POLICY, face_model())


def default_document_analyser(
    policy: DocumentPolicy | None = None, face_model: Callable[[], FaceModel] | None = None
) -> DocumentAnalyser:
    """The MRZ engine when this build has the OCR, the REVIEW-forcing stand-in otherwise."""
    try:
        reader = default_reader()
    except ModuleNotFoundError as missing:
        if missing.name is None or not OCR_MODULE.startswith(missing.name):
            raise  # the OCR is there but one of its own imports is broken: not a build choice
        return UnavailableDocumentAnalyser()
    return MrzDocumentAnalyser(reader, policy, face_model)
