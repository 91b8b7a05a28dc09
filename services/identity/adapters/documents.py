"""The document engine behind the `DocumentAnalyser` port.

`services.identity.core.documents.analyse_document` (the MRZ engine, branch area/mrz) is
looked up at run time: until it is merged, a build without it answers with one UNKNOWN check
(DOCUMENT_CHECKS_UNAVAILABLE), which sends verifications to REVIEW instead of approving them.
"""

from __future__ import annotations

import importlib
from datetime import date
from types import ModuleType
from typing import Any

from services.identity.core.images import RgbImage
from services.identity.core.verdict import Check, CheckStatus
from services.identity.ports import (
    Applicant,
    DocumentAnalyser,
    DocumentOutcome,
    UnavailableDocumentAnalyser,
)

ENGINE_MODULE = "services.identity.core.documents"


class MrzDocumentAnalyser:
    """Calls `analyse_document(image, applicant, policy, today)` and maps its checks."""

    def __init__(self, engine: ModuleType) -> None:
        self.engine: Any = engine
        self.policy: Any = engine.DocumentPolicy()

    def analyse(
        self, pixels: RgbImage, applicant: Applicant | None, today: date
    ) -> DocumentOutcome:
        data = None
        if applicant is not None:
            data = self.engine.ApplicantData(
                given_names=applicant.given_names,
                surname=applicant.surname,
                birth_date=applicant.birth_date,
                document_number=applicant.document_number,
            )
        report = self.engine.analyse_document(pixels, data, self.policy, today)
        checks = tuple(
            Check(c.name, CheckStatus(str(c.status.value)), str(c.reason_code), c.detail)
            for c in report.checks
        )
        timings = {f"document_{k}": float(v) for k, v in dict(report.timings_ms).items()}
        return DocumentOutcome(checks, timings)


def default_document_analyser() -> DocumentAnalyser:
    """The MRZ engine when this build has it, the REVIEW-forcing stand-in otherwise."""
    try:
        engine = importlib.import_module(ENGINE_MODULE)
    except ModuleNotFoundError:
        return UnavailableDocumentAnalyser()
    return MrzDocumentAnalyser(engine)
