"""Validation of an Evaluate request before anything is stored: every problem at once.

Structural limits live here (lengths, counts, sizes, dates, country codes); the policy's
catalogue decides which products, channels and occupations exist. Image *content* (format,
pixel bombs) is the identity area's to judge: it decodes them defensively.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from datetime import date

from services.common.errors import FieldViolation, InvalidArgument, ResourceExhausted
from services.onboarding.core.application import ApplicantData, Evidence, EvidenceKind
from services.onboarding.core.risk_model import RiskModel

MAX_NAME_CHARS = 200
MAX_DOCUMENT_NUMBER_CHARS = 64
MAX_DOCUMENT_IMAGES = 2  # front and back
MAX_AGE_YEARS = 130
DOCUMENT_KINDS = frozenset({"passport", "id_card", "residence_permit", "driving_licence"})


@dataclass(frozen=True, slots=True)
class InputLimits:
    max_image_bytes: int
    max_liveness_frames: int


def request_id_problem(value: str) -> FieldViolation | None:
    if not 1 <= len(value) <= 128 or not value.isascii() or not value.isprintable():
        return FieldViolation("request_id", "must be 1..128 printable ASCII characters")
    return None


def _text_problem(field: str, value: str, limit: int) -> FieldViolation | None:
    if not value.strip():
        return FieldViolation(field, "is required")
    if len(value) > limit:
        return FieldViolation(field, f"is longer than {limit} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return FieldViolation(field, "contains control or invisible formatting characters")
    return None


def _country_problem(field: str, code: str | None) -> FieldViolation | None:
    if code is None:
        return None
    if len(code) != 2 or not code.isascii() or not code.isalpha() or not code.isupper():
        return FieldViolation(field, "must be an ISO 3166-1 alpha-2 code such as 'DE'")
    return None


def applicant_problems(applicant: ApplicantData, today: date) -> list[FieldViolation]:
    """Names, birth date, countries and document of the applicant."""
    personal = applicant.personal
    found = [
        _text_problem("applicant.given_names", personal.given_names, MAX_NAME_CHARS),
        _text_problem("applicant.family_name", personal.family_name, MAX_NAME_CHARS),
        _country_problem("applicant.nationality", personal.nationality),
        _country_problem("applicant.residence", applicant.residence),
    ]
    if personal.birth_date > today:
        found.append(FieldViolation("applicant.birth_date", "is in the future"))
    elif today.year - personal.birth_date.year > MAX_AGE_YEARS:
        found.append(
            FieldViolation("applicant.birth_date", f"is more than {MAX_AGE_YEARS} years ago")
        )
    document = personal.document
    if document is not None:
        if document.kind not in DOCUMENT_KINDS:
            found.append(
                FieldViolation(
                    "applicant.document.kind", f"must be one of {', '.join(sorted(DOCUMENT_KINDS))}"
                )
            )
        found.append(
            _text_problem("applicant.document.number", document.number, MAX_DOCUMENT_NUMBER_CHARS)
        )
        found.append(
            _country_problem("applicant.document.issuing_country", document.issuing_country)
        )
    return [problem for problem in found if problem is not None]


def catalogue_problems(
    applicant: ApplicantData, product: str, channel: str, model: RiskModel
) -> list[FieldViolation]:
    """Product, channel and occupation must be in the policy's catalogue."""
    found = []
    if product not in model.products:
        found.append(
            FieldViolation(
                "product", f"unknown product; one of {', '.join(sorted(model.products))}"
            )
        )
    if channel not in model.channels:
        found.append(
            FieldViolation(
                "channel", f"unknown channel; one of {', '.join(sorted(model.channels))}"
            )
        )
    if applicant.occupation is not None and applicant.occupation not in model.occupations:
        found.append(FieldViolation("applicant.occupation", "unknown occupation"))
    return found


def evidence_problems(evidence: tuple[Evidence, ...], limits: InputLimits) -> list[FieldViolation]:
    """At least one document image, and a selfie or liveness frames; counts within limits."""
    kinds = [item.kind for item in evidence]
    found = []
    if not 1 <= kinds.count(EvidenceKind.DOCUMENT) <= MAX_DOCUMENT_IMAGES:
        found.append(
            FieldViolation("document_images", f"1..{MAX_DOCUMENT_IMAGES} images are required")
        )
    if kinds.count(EvidenceKind.SELFIE) > 1:
        found.append(FieldViolation("selfie", "at most one selfie"))
    frames = kinds.count(EvidenceKind.LIVENESS_FRAME)
    if frames > limits.max_liveness_frames:
        found.append(
            FieldViolation("liveness_frames", f"at most {limits.max_liveness_frames} frames")
        )
    if EvidenceKind.SELFIE not in kinds and not frames:
        found.append(FieldViolation("selfie", "a selfie or liveness frames are required"))
    if any(not item.content for item in evidence):
        found.append(FieldViolation("document_images", "images must not be empty"))
    return found


def liveness_problems(
    evidence: tuple[Evidence, ...], challenge_id: str, nonce: str
) -> list[FieldViolation]:
    """Liveness frames come with their challenge, nonce and strictly increasing offsets."""
    offsets = [e.offset_ms for e in evidence if e.kind is EvidenceKind.LIVENESS_FRAME]
    found = [
        problem
        for field, value in (("liveness_challenge_id", challenge_id), ("liveness_nonce", nonce))
        if (problem := _token_problem(field, value, required=bool(offsets)))
    ]
    if offsets and (offsets[0] < 0 or any(b <= a for a, b in itertools.pairwise(offsets))):
        found.append(
            FieldViolation("liveness_frame_offsets_ms", "must increase strictly, from 0 or more")
        )
    return found


def _token_problem(field: str, value: str, *, required: bool) -> FieldViolation | None:
    if not value:
        return FieldViolation(field, "is required with liveness frames") if required else None
    if len(value) > 128 or not value.isascii() or not value.isprintable():
        return FieldViolation(field, "must be at most 128 printable ASCII characters")
    return None


def check_sizes(evidence: tuple[Evidence, ...], limits: InputLimits) -> None:
    """ResourceExhausted for an image over the size limit (checked before anything else)."""
    for item in evidence:
        if len(item.content) > limits.max_image_bytes:
            raise ResourceExhausted(
                f"a {item.kind.value} image is {len(item.content)} bytes; "
                f"the limit is {limits.max_image_bytes}",
                reason="IMAGE_TOO_LARGE",
            )


def raise_problems(problems: list[FieldViolation]) -> None:
    if problems:
        raise InvalidArgument("invalid onboarding request", problems)
