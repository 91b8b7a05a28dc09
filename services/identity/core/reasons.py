"""Machine-readable reason codes of the identity checks (faces, liveness, images).

They are the contract with clients and case officers: stable UPPER_SNAKE strings, never
renamed. Document/MRZ reason codes live with the document checks.
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
