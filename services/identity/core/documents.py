"""The document engine: read the MRZ from a document photo, then check the document.

`analyse_document` runs the MRZ reader (the OCR in `services.identity.core.ocr`, or any
callable with its signature), parses and validates the lines (`core.mrz`), and returns one
`Check` per concern, with stable names and reason codes (docs/identity/documents.md):

    mrz_present, mrz_check_digits, mrz_read_certainty, mrz_fields, document_type,
    issuing_state, document_expiry, minimum_age, applicant_name, applicant_birth_date,
    applicant_document_number, image_resolution, image_blur, image_glare, document_cropping,
    portrait_present

Capture problems (no MRZ found, blur, glare, cropping, low resolution, no portrait) ask for a
RETRY; a bad document (check digits, expired, underage, unknown issuer) is DECLINED; a name that
differs or an undecidable century goes to REVIEW (verdict.py holds the table).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from services.identity.core.document_data import (
    Applicant,
    DataPolicy,
    applicant_checks,
    check_digits_check,
    document_type_check,
    doubted,
    expiry_check,
    fields_check,
    issuing_state_check,
    minimum_age_check,
    read_certainty_check,
    still_unsure,
)
from services.identity.core.document_quality import (
    Box,
    QualityPolicy,
    crop,
    edge_margin_chars,
    glare_fraction,
    measure_band,
    space_above,
)
from services.identity.core.faces import FaceAnalysis
from services.identity.core.images import RgbImage
from services.identity.core.mrz import MrzDocument, MrzFormatError, parse_mrz
from services.identity.core.reasons import DocumentReason as R
from services.identity.core.verdict import OK, Check, CheckStatus

__all__ = [
    "ApplicantData",
    "DocumentPolicy",
    "DocumentReport",
    "MrzReader",
    "MrzReadingLike",
    "analyse_document",
    "default_reader",
]

ApplicantData = Applicant
OCR_MODULE = "services.identity.core.ocr"


class MrzReadingLike(Protocol):
    """What an MRZ reader returns (services.identity.core.ocr.MrzReading)."""

    @property
    def lines(self) -> tuple[str, ...]: ...
    @property
    def confidence(self) -> float: ...
    @property
    def band(self) -> Box: ...
    @property
    def timings_ms(self) -> Mapping[str, float]: ...
    @property
    def unsure_fields(self) -> tuple[str, ...]: ...


MrzReader = Callable[[RgbImage], MrzReadingLike | None]
PortraitFinder = Callable[[RgbImage], FaceAnalysis]


@dataclass(frozen=True, slots=True)
class DocumentPolicy:
    """What a document must satisfy. Defaults: adults, passports and ID cards, no specimen."""

    minimum_age_years: int = 18
    expiry_grace_days: int = 0
    allowed_document_codes: frozenset[str] = frozenset({"P", "I", "A", "C"})
    refused_issuing_states: frozenset[str] = frozenset()
    accept_specimens: bool = False
    name_match_at_least: float = 85.0
    # Check-digit or field failures below this OCR confidence are misreads (RETRY), not
    # forgeries (DECLINED): MrzReading.confidence is the mean probability of the characters.
    confident_read_at_least: float = 0.9
    quality: QualityPolicy = field(default_factory=QualityPolicy)

    def data(self) -> DataPolicy:
        return DataPolicy(
            minimum_age_years=self.minimum_age_years,
            expiry_grace_days=self.expiry_grace_days,
            allowed_document_codes=self.allowed_document_codes,
            refused_issuing_states=self.refused_issuing_states,
            accept_specimens=self.accept_specimens,
            name_match_at_least=self.name_match_at_least,
            confident_read_at_least=self.confident_read_at_least,
        )


@dataclass(frozen=True, slots=True)
class DocumentReport:
    """Every check in order, the time each stage took, the MRZ when one was read, and the
    portrait analysis when a finder ran (so a face match need not detect it again)."""

    checks: tuple[Check, ...]
    timings_ms: Mapping[str, float]
    mrz: MrzDocument | None
    portrait: FaceAnalysis | None = None


def default_reader() -> MrzReader:
    """The OCR's `read_mrz`; ModuleNotFoundError while this build has no OCR."""
    module = importlib.import_module(OCR_MODULE)
    reader: MrzReader = module.read_mrz
    return reader


def analyse_document(
    pixels: RgbImage,
    applicant: Applicant | None,
    policy: DocumentPolicy,
    today: date,
    reader: MrzReader | None = None,
    portraits: PortraitFinder | None = None,
) -> DocumentReport:
    """Read and check one document photo. `portraits` finds the document's portrait (the face
    checks' detector); without it portrait_present and glare on the portrait are not run."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    reading = (reader or default_reader())(pixels)
    timings["mrz_read"] = _ms_since(started)
    portrait = _find_portrait(pixels, portraits, timings)
    checks, mrz = _mrz_checks(reading, applicant, policy, today)
    if reading is not None:
        checks += _quality_checks(pixels, reading.band, portrait, policy.quality)
    if portrait is not None:
        checks.append(_portrait_check(portrait))
    timings["total"] = _ms_since(started)
    return DocumentReport(tuple(checks), timings, mrz, portrait)


def _find_portrait(
    pixels: RgbImage, portraits: PortraitFinder | None, timings: dict[str, float]
) -> FaceAnalysis | None:
    if portraits is None:
        return None
    started = time.perf_counter()
    found = portraits(pixels)
    timings["portrait"] = _ms_since(started)
    return found


def _mrz_checks(
    reading: MrzReadingLike | None,
    applicant: Applicant | None,
    policy: DocumentPolicy,
    today: date,
) -> tuple[list[Check], MrzDocument | None]:
    mrz = _parse(reading.lines, today) if reading is not None else None
    if reading is None or mrz is None:
        found = "no machine-readable zone found" if reading is None else "the MRZ could not be read"
        return [Check("mrz_present", CheckStatus.FAIL, R.MRZ_NOT_FOUND, found)], None
    data = policy.data()
    unsure = still_unsure(reading.unsure_fields, mrz, applicant)
    checks = [
        Check(
            "mrz_present",
            CheckStatus.PASS,
            OK,
            f"{mrz.format} read, confidence {reading.confidence:.2f}",
        ),
        check_digits_check(mrz, reading.confidence, data),
        read_certainty_check(unsure),
        fields_check(mrz, reading.confidence, data),
        document_type_check(mrz, data),
        issuing_state_check(mrz, data),
        expiry_check(mrz, data, today),
        minimum_age_check(mrz, applicant, data, today),
        *applicant_checks(mrz, applicant, data),
    ]
    return [doubted(check, unsure) for check in checks], mrz


def _parse(lines: Sequence[str], today: date) -> MrzDocument | None:
    try:
        return parse_mrz(lines, today)
    except MrzFormatError:
        return None


def _quality_checks(
    pixels: RgbImage, band: Box, portrait: FaceAnalysis | None, policy: QualityPolicy
) -> list[Check]:
    measures = measure_band(pixels, band)
    height = measures.char_height_px
    if height is None:  # the reader saw an MRZ where no character shape survives: a smear
        detail = "no character shapes in the MRZ band"
        return [
            Check("image_resolution", CheckStatus.UNKNOWN, R.RESOLUTION_TOO_LOW, detail),
            Check("image_blur", CheckStatus.FAIL, R.IMAGE_BLURRY, detail),
        ]
    sharpness = measures.sharpness
    return [
        _measured(
            "image_resolution",
            height >= policy.min_char_height_px,
            R.RESOLUTION_TOO_LOW,
            f"MRZ characters {height:.0f} px high (at least {policy.min_char_height_px:.0f})",
        ),
        _measured(
            "image_blur",
            sharpness >= policy.min_sharpness,
            R.IMAGE_BLURRY,
            f"MRZ sharpness {sharpness:.2f} (at least {policy.min_sharpness:.2f})",
        ),
        _glare_check(pixels, measures.glare_fraction, portrait, policy),
        _cropping_check(pixels, measures.text_box, height, policy),
    ]


def _measured(name: str, passed: bool, code: str, detail: str) -> Check:
    if passed:
        return Check(name, CheckStatus.PASS, OK, detail)
    return Check(name, CheckStatus.FAIL, code, detail)


def _glare_check(
    pixels: RgbImage, on_mrz: float, portrait: FaceAnalysis | None, policy: QualityPolicy
) -> Check:
    limit = policy.max_glare_fraction
    if on_mrz > limit:
        return _measured(
            "image_glare", False, R.GLARE_ON_MRZ, f"{on_mrz:.1%} of the MRZ washed out"
        )
    face = portrait.face if portrait is not None else None
    if face is not None:
        box = face.detection.box
        on_face = glare_fraction(crop(pixels, (box.left, box.top, box.width, box.height)))
        if on_face > limit:
            detail = f"{on_face:.1%} of the portrait washed out"
            return _measured("image_glare", False, R.GLARE_ON_PORTRAIT, detail)
    return _measured(
        "image_glare", True, OK, f"glare on {on_mrz:.1%} of the MRZ (at most {limit:.0%})"
    )


def _cropping_check(pixels: RgbImage, text: Box, height: float, policy: QualityPolicy) -> Check:
    margin = edge_margin_chars(pixels.shape, text, height)
    above = space_above(text)
    if margin < policy.min_edge_margin_chars:
        detail = f"the MRZ is {margin:.2f} characters from the photo's edge"
        return _measured("document_cropping", False, R.DOCUMENT_CROPPED, detail)
    if above < policy.min_space_above_mrz:
        detail = f"only {above:.1f} MRZ heights of photo above the MRZ"
        return _measured("document_cropping", False, R.DOCUMENT_CROPPED, detail)
    return _measured("document_cropping", True, OK, f"MRZ {margin:.1f} characters inside the edges")


def _portrait_check(portrait: FaceAnalysis) -> Check:
    if portrait.face is None:
        return Check(
            "portrait_present", CheckStatus.FAIL, R.PORTRAIT_MISSING, "no face on the document"
        )
    detail = f"portrait found ({portrait.faces_detected} face(s) on the document)"
    return Check("portrait_present", CheckStatus.PASS, OK, detail)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)
