"""Face detection, quality and matching on real photos with the real dlib model."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

from services.identity.core.face_model import Box, Detection, DlibFaceModel, Landmarks5
from services.identity.core.faces import (
    DOCUMENT_POLICY,
    SELFIE_POLICY,
    DetectionStage,
    MatchThresholds,
    MatchVerdict,
    analyse_face,
    compare_encodings,
    compare_faces,
    detect_faces,
)
from services.identity.core.images import RgbImage, decode_image
from services.identity.core.reasons import FaceReason
from tests.services.identity.conftest import FaceImageLoader


def test_same_person_matches(face_model: DlibFaceModel, face_images: FaceImageLoader) -> None:
    selfie = analyse_face(face_images("obama-480p.jpg"), SELFIE_POLICY, face_model)
    other = analyse_face(face_images("obama_small.jpg"), SELFIE_POLICY, face_model)

    comparison = compare_faces(selfie, other)

    assert selfie.usable
    assert other.usable
    assert comparison is not None
    assert comparison.verdict is MatchVerdict.MATCH
    assert comparison.distance < 0.45
    assert comparison.reason is None


def test_different_people_mismatch(face_model: DlibFaceModel, face_images: FaceImageLoader) -> None:
    obama = analyse_face(face_images("obama-480p.jpg"), SELFIE_POLICY, face_model)
    biden = analyse_face(face_images("biden.jpg"), SELFIE_POLICY, face_model)

    comparison = compare_faces(obama, biden)

    assert comparison is not None
    assert comparison.verdict is MatchVerdict.MISMATCH
    assert comparison.distance > 0.7
    assert comparison.reason is FaceReason.FACE_MISMATCH


def test_selfie_with_two_people_is_refused(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    analysis = analyse_face(face_images("two_people.jpg"), SELFIE_POLICY, face_model)
    assert analysis.faces_detected == 2
    assert FaceReason.MULTIPLE_FACES in analysis.issues
    assert not analysis.usable


def test_document_policy_takes_the_largest_face(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    analysis = analyse_face(face_images("two_people.jpg"), DOCUMENT_POLICY, face_model)
    assert analysis.faces_detected == 2
    assert analysis.issues == ()
    assert analysis.face is not None
    detections = detect_faces(face_images("two_people.jpg"), DOCUMENT_POLICY.stages, face_model)
    assert analysis.face.detection == detections[0]
    assert detections[0].box.area > detections[1].box.area


def test_image_without_a_face(face_model: DlibFaceModel) -> None:
    wall = np.full((480, 640, 3), 180, dtype=np.uint8)
    cv2.rectangle(wall, (100, 100), (300, 250), (40, 60, 200), thickness=-1)
    analysis = analyse_face(wall, SELFIE_POLICY, face_model)
    assert analysis.face is None
    assert analysis.issues == (FaceReason.NO_FACE,)
    assert compare_faces(analysis, analysis) is None


def test_blurred_face_is_flagged(face_model: DlibFaceModel, face_images: FaceImageLoader) -> None:
    sharp = face_images("obama-480p.jpg")
    blurred = cv2.GaussianBlur(sharp, (0, 0), 4.5)  # ~4 % of the 108 px face

    sharp_analysis = analyse_face(sharp, SELFIE_POLICY, face_model)
    blurred_analysis = analyse_face(np.ascontiguousarray(blurred), SELFIE_POLICY, face_model)

    assert sharp_analysis.face is not None
    assert sharp_analysis.face.sharpness > 0.5
    assert blurred_analysis.face is not None
    assert blurred_analysis.face.sharpness < SELFIE_POLICY.min_sharpness
    assert FaceReason.FACE_BLURRED in blurred_analysis.issues


def test_small_face_is_flagged(face_model: DlibFaceModel, face_images: FaceImageLoader) -> None:
    full = face_images("obama-480p.jpg")  # eyes ~48 px apart
    shrunk = cv2.resize(full, (640, 360), interpolation=cv2.INTER_AREA)  # ~36 px

    analysis = analyse_face(np.ascontiguousarray(shrunk), SELFIE_POLICY, face_model)

    assert analysis.face is not None
    assert analysis.face.interocular_px < 40
    assert FaceReason.FACE_TOO_SMALL in analysis.issues
    assert FaceReason.FACE_BLURRED not in analysis.issues


def test_encoding_is_stable_under_recompression(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    original = face_images("obama-480p.jpg")
    ok, jpeg = cv2.imencode(".jpg", original[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert ok
    recompressed = decode_image(jpeg.tobytes()).pixels
    a = analyse_face(original, SELFIE_POLICY, face_model)
    b = analyse_face(recompressed, SELFIE_POLICY, face_model)
    comparison = compare_faces(a, b)
    assert comparison is not None
    assert comparison.distance < 0.2


# --- pure parts: thresholds and detection stages ---------------------------------------------


@pytest.mark.parametrize(
    ("distance", "verdict"),
    [
        (0.0, MatchVerdict.MATCH),
        (0.50, MatchVerdict.MATCH),
        (0.5001, MatchVerdict.REVIEW),
        (0.60, MatchVerdict.REVIEW),
        (0.61, MatchVerdict.MISMATCH),
    ],
)
def test_distance_bands(distance: float, verdict: MatchVerdict) -> None:
    probe = np.zeros(128)
    reference = np.zeros(128)
    reference[0] = distance
    comparison = compare_encodings(probe, reference)
    assert comparison.verdict is verdict
    assert comparison.distance == pytest.approx(distance, abs=1e-4)


def test_custom_thresholds_are_reported() -> None:
    strict = MatchThresholds(match_at_most=0.4, review_at_most=0.45)
    reference = np.zeros(128)
    reference[5] = 0.42
    comparison = compare_encodings(np.zeros(128), reference, strict)
    assert comparison.verdict is MatchVerdict.REVIEW
    assert comparison.thresholds is strict


class StagedFakeModel:
    """Finds one 100 px face only when the detector upsamples: exercises stage escalation."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[int, int], int]] = []

    def detect(self, pixels: RgbImage, upsample: int, adjust_threshold: float) -> list[Detection]:
        self.calls.append(((pixels.shape[0], pixels.shape[1]), upsample))
        return [Detection(Box(10, 20, 110, 120), 0.5)] if upsample else []

    def landmarks(self, pixels: RgbImage, box: Box) -> Landmarks5:
        raise NotImplementedError

    def encode(self, pixels: RgbImage, landmarks: Landmarks5) -> np.ndarray:
        raise NotImplementedError

    def aligned_chip(self, pixels: RgbImage, landmarks: Landmarks5, size: int) -> RgbImage:
        raise NotImplementedError


def test_detection_escalates_and_maps_boxes_back_to_full_size() -> None:
    model = StagedFakeModel()
    pixels = np.zeros((1000, 2000, 3), dtype=np.uint8)
    stages = (DetectionStage(800), DetectionStage(500, upsample=1), DetectionStage(1600, 1))

    found = detect_faces(pixels, stages, model)

    assert model.calls == [((400, 800), 0), ((250, 500), 1)]  # stopped at the first hit
    assert found == [Detection(Box(40, 80, 440, 480), 0.5)]  # scaled by 2000 / 500


# --- shared labelled data --------------------------------------------------------------------

HARD_PAIRS = [
    # (a, b, same person, reference distance) from pairs_reference.csv
    ("people/deepface_P02/img3.jpg", "people/deepface_P02/img12.jpg", True, 0.6085),
    ("people/deepface_P11/img31.jpg", "people/deepface_P12/img35.jpg", False, 0.5179),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("a", "b", "same", "reference"), HARD_PAIRS)
def test_hard_pairs_are_never_auto_matched(
    face_model: DlibFaceModel, shared_data: Path, a: str, b: str, same: bool, reference: float
) -> None:
    faces = shared_data / "faces"
    analyses = [
        analyse_face(decode_image((faces / name).read_bytes()).pixels, SELFIE_POLICY, face_model)
        for name in (a, b)
    ]
    comparison = compare_faces(analyses[0], analyses[1])
    assert comparison is not None
    # Another dlib build or detection scale moves distances in the 2nd-3rd decimal.
    assert comparison.distance == pytest.approx(reference, abs=0.04)
    # The look-alike actors must never be matched automatically; the hardest same-person
    # pair (a 20-year age gap) is not matched either: at 0.50 it goes to a human.
    assert comparison.verdict is not MatchVerdict.MATCH
    if not same:
        assert comparison.verdict is MatchVerdict.REVIEW


@pytest.mark.shared_data
def test_czech_specimen_portrait_beats_its_ghost(
    face_model: DlibFaceModel, shared_data: Path
) -> None:
    path = shared_data / "documents" / "national_specimens" / "passporteye_100_pass-cze.jpg"
    pixels = decode_image(path.read_bytes()).pixels
    # Upsampling finds the small ghost portrait too; the largest face must be the portrait.
    both = detect_faces(pixels, (DetectionStage(640, upsample=1),), face_model)
    analysis = analyse_face(pixels, DOCUMENT_POLICY, face_model)

    assert len(both) == 2
    assert both[0].box.width > 2 * both[1].box.width
    assert analysis.face is not None
    assert analysis.face.detection.box.left < pixels.shape[1] // 2  # portrait on the left
    assert analysis.issues == ()


@pytest.mark.shared_data
def test_non_document_card_has_no_portrait(face_model: DlibFaceModel, shared_data: Path) -> None:
    path = shared_data / "documents" / "negatives" / "fastmrz_nomrz.jpg"
    analysis = analyse_face(decode_image(path.read_bytes()).pixels, DOCUMENT_POLICY, face_model)
    assert analysis.issues == (FaceReason.NO_FACE,)


@pytest.mark.slow
@pytest.mark.shared_data
def test_no_false_match_on_the_labelled_pairs(face_model: DlibFaceModel, shared_data: Path) -> None:
    faces = shared_data / "faces"
    with (faces / "pairs_reference.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = sorted({r["file_a"] for r in rows} | {r["file_b"] for r in rows})
    encodings = {}
    for name in names:
        analysis = analyse_face(
            decode_image((faces / name).read_bytes()).pixels, SELFIE_POLICY, face_model
        )
        assert analysis.face is not None, name
        encodings[name] = analysis.face.encoding
    verdicts = [
        (r["same_person"] == "1", compare_encodings(encodings[r["file_a"]], encodings[r["file_b"]]))
        for r in rows
    ]
    false_matches = [c for same, c in verdicts if not same and c.verdict is MatchVerdict.MATCH]
    missed = [c for same, c in verdicts if same and c.verdict is not MatchVerdict.MATCH]
    assert len(verdicts) == 1953
    assert false_matches == []
    assert len(missed) <= 8  # 6 of 100 measured; same-person misses go to REVIEW
