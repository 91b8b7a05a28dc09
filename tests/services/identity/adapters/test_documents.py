"""The document-engine adapter: the engine's report in the identity service's vocabulary."""

from __future__ import annotations

import importlib.util
from datetime import date

import numpy as np

from bench.identity.document_images import KnownReader, draw_document
from services.identity.adapters.documents import MrzDocumentAnalyser, default_document_analyser
from services.identity.core.documents import OCR_MODULE, DocumentPolicy
from services.identity.core.face_model import DlibFaceModel
from services.identity.core.verdict import CheckStatus
from services.identity.ports import Applicant, UnavailableDocumentAnalyser
from tests.services.identity.conftest import FaceImageLoader
from tests.services.identity.core.test_mrz_parser import TD3

TODAY = date(2010, 6, 1)


def test_engine_report_becomes_identity_checks() -> None:
    doc = draw_document(TD3)
    analyser = MrzDocumentAnalyser(KnownReader(doc.reading), DocumentPolicy(accept_specimens=True))
    applicant = Applicant("ANNA MARIA", "ERIKSSON", date(1974, 8, 12), "L898902C3")

    outcome = analyser.analyse(doc.pixels, applicant, TODAY)

    assert all(c.status is CheckStatus.PASS for c in outcome.checks)
    assert outcome.checks[0].name == "mrz_present"
    assert set(outcome.timings_ms) == {"document_mrz_read", "document_total"}
    assert outcome.mrz is not None
    assert outcome.mrz.surname == "ERIKSSON"
    assert outcome.portrait is None  # no face model given


def test_with_a_face_model_the_portrait_is_checked_and_handed_on(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    doc = draw_document(TD3, face_images("obama_small.jpg"))
    analyser = MrzDocumentAnalyser(KnownReader(doc.reading), face_model=lambda: face_model)
    outcome = analyser.analyse(doc.pixels, None, TODAY)
    assert [c.status for c in outcome.checks if c.name == "portrait_present"] == [CheckStatus.PASS]
    assert outcome.portrait is not None
    assert outcome.portrait.face is not None


def test_default_is_the_engine_when_the_ocr_is_present_or_the_review_stand_in() -> None:
    analyser = default_document_analyser()
    if importlib.util.find_spec(OCR_MODULE) is None:
        assert isinstance(analyser, UnavailableDocumentAnalyser)
        outcome = analyser.analyse(np.zeros((10, 10, 3), np.uint8), None, TODAY)
        assert [c.reason_code for c in outcome.checks] == ["DOCUMENT_CHECKS_UNAVAILABLE"]
    else:
        assert isinstance(analyser, MrzDocumentAnalyser)
