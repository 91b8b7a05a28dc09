"""The document-engine adapter maps the MRZ engine's report into identity checks."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import ModuleType

import numpy as np

from services.identity.adapters.documents import (
    ENGINE_MODULE,
    MrzDocumentAnalyser,
    default_document_analyser,
)
from services.identity.core.verdict import Check, CheckStatus
from services.identity.ports import Applicant


class EngineStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True)
class EngineCheck:
    name: str
    status: EngineStatus
    reason_code: str
    detail: str


@dataclass(frozen=True)
class EngineReport:
    checks: tuple[EngineCheck, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineApplicant:
    given_names: str | None = None
    surname: str | None = None
    birth_date: date | None = None
    document_number: str | None = None


class EnginePolicy:
    pass


def _engine(seen: list[object]) -> ModuleType:
    """A stand-in with the MRZ engine's API (analyse_document, ApplicantData, DocumentPolicy)."""
    engine = ModuleType("fake_documents")

    def analyse_document(
        image: np.ndarray, applicant: object, policy: object, today: date
    ) -> EngineReport:
        seen.extend([applicant, today])
        return EngineReport(
            (
                EngineCheck("mrz_found", EngineStatus.PASS, "OK", "TD3 read"),
                EngineCheck("document_expiry", EngineStatus.FAIL, "DOCUMENT_EXPIRED", "2012"),
            ),
            {"mrz": 80.0},
        )

    engine.analyse_document = analyse_document  # type: ignore[attr-defined]
    engine.ApplicantData = EngineApplicant  # type: ignore[attr-defined]
    engine.DocumentPolicy = EnginePolicy  # type: ignore[attr-defined]
    return engine


def test_engine_report_becomes_identity_checks() -> None:
    seen: list[object] = []
    analyser = MrzDocumentAnalyser(_engine(seen))
    applicant = Applicant("ANNA MARIA", "ERIKSSON", date(1974, 8, 12), "L898902C3")

    outcome = analyser.analyse(np.zeros((10, 10, 3), np.uint8), applicant, date(2026, 11, 29))

    assert outcome.checks == (
        Check("mrz_found", CheckStatus.PASS, "OK", "TD3 read"),
        Check("document_expiry", CheckStatus.FAIL, "DOCUMENT_EXPIRED", "2012"),
    )
    assert outcome.timings_ms == {"document_mrz": 80.0}
    assert seen == [
        EngineApplicant("ANNA MARIA", "ERIKSSON", date(1974, 8, 12), "L898902C3"),
        date(2026, 11, 29),
    ]


def test_default_is_the_engine_when_present_or_the_review_stand_in() -> None:
    analyser = default_document_analyser()
    outcome = analyser.analyse(np.zeros((10, 10, 3), np.uint8), None, date(2026, 11, 29))
    if importlib.util.find_spec(ENGINE_MODULE) is None:
        assert [c.reason_code for c in outcome.checks] == ["DOCUMENT_CHECKS_UNAVAILABLE"]
    else:
        assert isinstance(analyser, MrzDocumentAnalyser)
