"""Machine-readable reason codes of the identity checks (faces, liveness, images).

They are the contract with clients and case officers: stable UPPER_SNAKE strings, never
renamed. Onboarding's policy maps them to findings (services/onboarding/adapters/identity_area.py).
"""

from __future__ import annotations

from enum import StrEnum


class ImageReason(StrEnum):
    """Why an uploaded image was refused before any analysis ran."""

    IMAGE_EMPTY = "IMAGE_EMPTY"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    IMAGE_FORMAT_UNSUPPORTED = "IMAGE_FORMAT_UNSUPPORTED"
    IMAGE_CORRUPT = "IMAGE_CORRUPT"


class FaceReason(StrEnum):
    """Why a face check did not pass."""

    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    FACE_TOO_SMALL = "FACE_TOO_SMALL"
    FACE_BLURRED = "FACE_BLURRED"
    FACE_MISMATCH = "FACE_MISMATCH"
    FACE_MATCH_INCONCLUSIVE = "FACE_MATCH_INCONCLUSIVE"


class LivenessReason(StrEnum):
    """Why a liveness session did not pass."""

    CHALLENGE_INVALID = "LIVENESS_CHALLENGE_INVALID"
    CHALLENGE_EXPIRED = "LIVENESS_CHALLENGE_EXPIRED"
    CHALLENGE_REPLAYED = "LIVENESS_CHALLENGE_REPLAYED"
    TOO_FEW_FRAMES = "LIVENESS_TOO_FEW_FRAMES"
    FRAMES_OUT_OF_ORDER = "LIVENESS_FRAMES_OUT_OF_ORDER"
    FACE_LOST = "LIVENESS_FACE_LOST"
    FACE_CHANGED = "LIVENESS_FACE_CHANGED"
    ACTION_NOT_PERFORMED = "LIVENESS_ACTION_NOT_PERFORMED"
    SCREEN_SUSPECTED = "PAD_SCREEN_SUSPECTED"
    PRINT_SUSPECTED = "PAD_PRINT_SUSPECTED"
    GLARE_SUSPECTED = "PAD_GLARE_SUSPECTED"


class DocumentReason(StrEnum):
    """Why a document check did not pass (docs/identity/documents.md)."""

    # Capture problems: a new photo fixes them (RETRY).
    MRZ_NOT_FOUND = "MRZ_NOT_FOUND"
    MRZ_UNREADABLE = "MRZ_UNREADABLE"  # found, but check digits or fields fail on an unsure read
    RESOLUTION_TOO_LOW = "RESOLUTION_TOO_LOW"
    IMAGE_BLURRY = "IMAGE_BLURRY"
    GLARE_ON_MRZ = "GLARE_ON_MRZ"
    GLARE_ON_PORTRAIT = "GLARE_ON_PORTRAIT"
    DOCUMENT_CROPPED = "DOCUMENT_CROPPED"
    PORTRAIT_MISSING = "PORTRAIT_MISSING"
    # A bad or unacceptable document (DECLINED).
    MRZ_CHECK_DIGIT_INVALID = "MRZ_CHECK_DIGIT_INVALID"
    MRZ_DATE_INVALID = "MRZ_DATE_INVALID"
    MRZ_SEX_INVALID = "MRZ_SEX_INVALID"
    MRZ_NAME_INVALID = "MRZ_NAME_INVALID"
    MRZ_COUNTRY_UNKNOWN = "MRZ_COUNTRY_UNKNOWN"
    MRZ_DOCUMENT_CODE_INVALID = "MRZ_DOCUMENT_CODE_INVALID"
    DOCUMENT_TYPE_NOT_ACCEPTED = "DOCUMENT_TYPE_NOT_ACCEPTED"
    ISSUING_STATE_INVALID = "ISSUING_STATE_INVALID"
    ISSUING_STATE_NOT_ACCEPTED = "ISSUING_STATE_NOT_ACCEPTED"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
    UNDERAGE = "UNDERAGE"
    BIRTH_DATE_MISMATCH = "BIRTH_DATE_MISMATCH"
    DOCUMENT_NUMBER_MISMATCH = "DOCUMENT_NUMBER_MISMATCH"
    # For a person (REVIEW): fuzzy or undecidable.
    NAME_MISMATCH = "NAME_MISMATCH"
    BIRTH_CENTURY_AMBIGUOUS = "BIRTH_CENTURY_AMBIGUOUS"
    EXPIRY_DATE_UNKNOWN = "EXPIRY_DATE_UNKNOWN"
    BIRTH_DATE_UNKNOWN = "BIRTH_DATE_UNKNOWN"
    APPLICANT_DATA_MISSING = "APPLICANT_DATA_MISSING"
    # Every check digit holds, but another reading of a field was nearly as likely (S/8 weigh
    # the same modulo 10): the read is not trusted to decline or approve on its own.
    MRZ_LOW_CONFIDENCE = "MRZ_LOW_CONFIDENCE"
