"""Face checks: find the face (a selfie's, or a document's portrait), judge its quality, compare.

Detection is dlib's HOG detector on a downscaled copy of the image, escalating through a few
stages only while nothing is found (most images are done after the first, cheap stage); the
CNN detector is never used (~30 s per image on a CPU). Landmarks and the encoding are computed
on the full-resolution image, so downscaling costs no accuracy in the descriptor.

Thresholds (tables: bench/identity, docs/identity/faces-and-liveness.md): a pair is a MATCH at
distance <= 0.50, REVIEW up to 0.60, MISMATCH beyond. The dlib default of 0.6 accepted 4-5 of
1853 different-person pairs of the shared labelled set, including two look-alike actors; 0.50
accepted none while rejecting 7 of 100 same-person pairs, and those go to a human (REVIEW)
rather than being declined.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from services.identity.core.face_model import (
    Detection,
    Encoding,
    FaceModel,
    Landmarks5,
)
from services.identity.core.images import RgbImage
from services.identity.core.reasons import FaceReason


@dataclass(frozen=True, slots=True)
class DetectionStage:
    """One detector pass: the image downscaled to at most `max_side` pixels, upsampled
    `upsample` times (each doubles the size and halves the smallest findable face, ~80 px at
    upsample 0, at ~4x the cost), with the SVM threshold moved by `adjust_threshold`."""

    max_side: int
    upsample: int = 0
    adjust_threshold: float = 0.0


@dataclass(frozen=True, slots=True)
class FacePolicy:
    """How to find and judge the face in one kind of image (selfie or document)."""

    stages: tuple[DetectionStage, ...]
    min_interocular_px: float
    min_sharpness: float = 0.05
    single_face_required: bool = False
    companion_face_ratio: float = 0.5


SELFIE_POLICY = FacePolicy(
    stages=(DetectionStage(800), DetectionStage(640, upsample=1)),
    min_interocular_px=40.0,
    single_face_required=True,
)
"""Selfies: one face, eyes >= 40 px apart; a second face at least half as wide is refused
(someone else in the frame, or a photo held up beside the face)."""

DOCUMENT_POLICY = FacePolicy(
    stages=(
        DetectionStage(800),
        DetectionStage(640, upsample=1),
        # Last resort for angled, glary captures (the LUX specimen scores just under 0).
        DetectionStage(1024, upsample=1, adjust_threshold=-0.3),
    ),
    min_interocular_px=24.0,
)
"""Documents: the largest face is the portrait; smaller ones (ghost portraits, e.g. the CZE
specimen's) are expected and ignored. ICAO portraits are small: eyes >= 24 px apart."""


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Distance bands: <= `match_at_most` MATCH, <= `review_at_most` REVIEW, else MISMATCH."""

    match_at_most: float = 0.50
    review_at_most: float = 0.60


DEFAULT_THRESHOLDS = MatchThresholds()


class MatchVerdict(StrEnum):
    MATCH = "match"
    REVIEW = "review"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True, eq=False)
class FoundFace:
    """The chosen face of an image with what was measured on it."""

    detection: Detection
    landmarks: Landmarks5
    encoding: Encoding
    sharpness: float

    @property
    def interocular_px(self) -> float:
        return self.landmarks.interocular


@dataclass(frozen=True, slots=True, eq=False)
class FaceAnalysis:
    """Outcome of looking for a face: the face (None when there is none) and any issues."""

    face: FoundFace | None
    issues: tuple[FaceReason, ...]
    faces_detected: int
    elapsed_ms: float

    @property
    def usable(self) -> bool:
        return self.face is not None and not self.issues


@dataclass(frozen=True, slots=True)
class FaceComparison:
    """The distance between two faces, the verdict and the thresholds that produced it."""

    distance: float
    verdict: MatchVerdict
    thresholds: MatchThresholds

    @property
    def reason(self) -> FaceReason | None:
        if self.verdict is MatchVerdict.MISMATCH:
            return FaceReason.FACE_MISMATCH
        if self.verdict is MatchVerdict.REVIEW:
            return FaceReason.FACE_MATCH_INCONCLUSIVE
        return None


def analyse_face(pixels: RgbImage, policy: FacePolicy, model: FaceModel) -> FaceAnalysis:
    """Find the largest face, encode it and list its quality issues.

    Issues: NO_FACE; MULTIPLE_FACES (only when `policy.single_face_required` and another
    face is at least `companion_face_ratio` as wide); FACE_TOO_SMALL (eyes closer than
    `min_interocular_px`); FACE_BLURRED (`face_sharpness` below `min_sharpness`).
    A face with issues is still encoded, so a reviewer can see its distance.
    """
    started = time.perf_counter()
    detections = detect_faces(pixels, policy.stages, model)
    if not detections:
        return FaceAnalysis(None, (FaceReason.NO_FACE,), 0, _ms_since(started))
    primary = detections[0]
    landmarks = model.landmarks(pixels, primary.box)
    sharpness = face_sharpness(model.aligned_chip(pixels, landmarks, _SHARPNESS_CHIP))
    face = FoundFace(primary, landmarks, model.encode(pixels, landmarks), sharpness)
    issues = _quality_issues(face, detections, policy)
    return FaceAnalysis(face, issues, len(detections), _ms_since(started))


def detect_faces(
    pixels: RgbImage, stages: tuple[DetectionStage, ...], model: FaceModel
) -> list[Detection]:
    """Faces of the first stage that finds any, in full-image coordinates, largest first."""
    for stage in stages:
        scale = min(1.0, stage.max_side / max(pixels.shape[0], pixels.shape[1]))
        small = _downscale(pixels, scale)
        found = model.detect(small, stage.upsample, stage.adjust_threshold)
        if found:
            full = [Detection(d.box.scaled(1.0 / scale), d.score) for d in found]
            return sorted(full, key=lambda d: d.box.area, reverse=True)
    return []


def face_sharpness(chip: RgbImage) -> float:
    """Focus measure of an aligned face chip: Laplacian variance over intensity variance.

    Dividing by the intensity variance makes it independent of lighting and contrast, and the
    fixed chip size makes blur relative to the face, not to the photo. Measured on the
    central part so a portrait-mode background blur does not count. On the shared faces,
    sharp photos score >= 0.096 and a Gaussian blur of 4 % of the face width <= 0.035.
    """
    gray = cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY).astype(np.float64)
    margin = chip.shape[0] // 8
    centre = gray[margin:-margin, margin:-margin]
    contrast = float(centre.var())
    if contrast < 1.0:  # a flat patch has no detail at all
        return 0.0
    return float(cv2.Laplacian(centre, cv2.CV_64F).var()) / contrast


def compare_encodings(
    probe: Encoding, reference: Encoding, thresholds: MatchThresholds = DEFAULT_THRESHOLDS
) -> FaceComparison:
    """Euclidean distance between two face encodings, banded into MATCH / REVIEW / MISMATCH."""
    distance = float(np.linalg.norm(probe - reference))
    if distance <= thresholds.match_at_most:
        verdict = MatchVerdict.MATCH
    elif distance <= thresholds.review_at_most:
        verdict = MatchVerdict.REVIEW
    else:
        verdict = MatchVerdict.MISMATCH
    return FaceComparison(round(distance, 4), verdict, thresholds)


def compare_faces(
    probe: FaceAnalysis,
    reference: FaceAnalysis,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> FaceComparison | None:
    """Compare two analysed images; None when either has no face to compare."""
    if probe.face is None or reference.face is None:
        return None
    return compare_encodings(probe.face.encoding, reference.face.encoding, thresholds)


# The chip the sharpness is measured on: small enough that blur is judged relative to the
# face, large enough that a sharp 90 px document portrait still shows its detail.
_SHARPNESS_CHIP = 64


def _quality_issues(
    face: FoundFace, detections: list[Detection], policy: FacePolicy
) -> tuple[FaceReason, ...]:
    issues: list[FaceReason] = []
    if policy.single_face_required and _has_companion(detections, policy.companion_face_ratio):
        issues.append(FaceReason.MULTIPLE_FACES)
    if face.interocular_px < policy.min_interocular_px:
        issues.append(FaceReason.FACE_TOO_SMALL)
    if face.sharpness < policy.min_sharpness:
        issues.append(FaceReason.FACE_BLURRED)
    return tuple(issues)


def _has_companion(detections: list[Detection], ratio: float) -> bool:
    """Another face at least `ratio` as wide as the largest: a small face far behind the
    applicant (a passer-by) is tolerated, a comparable one is not."""
    if len(detections) < 2:
        return False
    return detections[1].box.width >= ratio * detections[0].box.width


def _downscale(pixels: RgbImage, scale: float) -> RgbImage:
    if scale >= 1.0:
        return pixels
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)
