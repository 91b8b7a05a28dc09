"""The face model seam: detection, 5-point landmarks, 128-d encodings, aligned chips.

`FaceModel` is the Protocol the face and liveness logic is written against; `DlibFaceModel`
is the production implementation on dlib with the models of the `face_recognition_models`
package (installed, never downloaded).

We call dlib directly instead of going through `face_recognition.api`: that module loads the
68-point landmark model and the CNN detector at import time, and the 68-point model's
training data (iBUG 300-W) forbids commercial use. The calls below are the ones
`face_recognition.face_encodings(..., model="small", num_jitters=1)` makes, so distances
agree with the library (and with ../shared/data/faces/pairs_reference.csv) to ~0.03.
"""

from __future__ import annotations

import functools
import math
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from services.identity.core.images import RgbImage

Encoding = npt.NDArray[np.float64]
"""A 128-d face descriptor; faces of one person lie within ~0.5 of each other (Euclidean)."""


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned face box in pixel coordinates of the image it was found in."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(self.width, 0) * max(self.height, 0)

    def scaled(self, factor: float) -> Box:
        """The same box in an image `factor` times larger."""
        return Box(
            round(self.left * factor),
            round(self.top * factor),
            round(self.right * factor),
            round(self.bottom * factor),
        )


@dataclass(frozen=True, slots=True)
class Detection:
    """A detected face and the detector's confidence (HOG SVM margin; 0 is its threshold)."""

    box: Box
    score: float


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Landmarks5:
    """dlib's 5 points, in image coordinates.

    Order (dlib's): the two corners of the eye on the image's right (outer, inner), the two
    corners of the eye on the image's left (outer, inner), the base of the nose. In an
    unmirrored photo the image-right eye is the subject's left eye.
    """

    points: tuple[Point, Point, Point, Point, Point]

    @property
    def image_right_eye(self) -> tuple[Point, Point]:
        return self.points[0], self.points[1]

    @property
    def image_left_eye(self) -> tuple[Point, Point]:
        return self.points[2], self.points[3]

    @property
    def nose(self) -> Point:
        return self.points[4]

    @property
    def interocular(self) -> float:
        """Distance between the two eye centres, in pixels: the usual face-size measure."""
        (ax, ay), (bx, by) = _midpoint(*self.image_left_eye), _midpoint(*self.image_right_eye)
        return math.hypot(bx - ax, by - ay)


class FaceModel(Protocol):
    """What the face and liveness checks need from a face-recognition model."""

    def detect(self, pixels: RgbImage, upsample: int, adjust_threshold: float) -> list[Detection]:
        """Faces in `pixels` (boxes in its coordinates), any order."""
        ...

    def landmarks(self, pixels: RgbImage, box: Box) -> Landmarks5:
        """The 5 landmarks of the face in `box`."""
        ...

    def encode(self, pixels: RgbImage, landmarks: Landmarks5) -> Encoding:
        """The 128-d descriptor of the face the landmarks locate."""
        ...

    def aligned_chip(self, pixels: RgbImage, landmarks: Landmarks5, size: int) -> RgbImage:
        """The face rotated upright and scaled to size x size (eyes at fixed positions)."""
        ...


class DlibFaceModel:
    """dlib HOG detector + 5-point shape predictor + ResNet encoder (face_recognition_models)."""

    def __init__(self, shape_predictor_path: str, encoder_path: str) -> None:
        import dlib

        self._dlib: Any = dlib
        self._detector: Any = dlib.get_frontal_face_detector()
        self._predictor: Any = dlib.shape_predictor(shape_predictor_path)
        self._encoder: Any = dlib.face_recognition_model_v1(encoder_path)

    def detect(self, pixels: RgbImage, upsample: int, adjust_threshold: float) -> list[Detection]:
        rects, scores, _ = self._detector.run(pixels, upsample, adjust_threshold)
        return [
            Detection(Box(r.left(), r.top(), r.right(), r.bottom()), float(s))
            for r, s in zip(rects, scores, strict=True)
        ]

    def landmarks(self, pixels: RgbImage, box: Box) -> Landmarks5:
        shape = self._predictor(pixels, self._rect(box))
        points = tuple((float(p.x), float(p.y)) for p in shape.parts())
        return Landmarks5(points)  # type: ignore[arg-type]  # the 5-point model yields 5

    def encode(self, pixels: RgbImage, landmarks: Landmarks5) -> Encoding:
        # num_jitters=1 and the default padding: what face_recognition does (reference data).
        descriptor = self._encoder.compute_face_descriptor(pixels, self._shape(landmarks), 1)
        return np.asarray(descriptor, dtype=np.float64)

    def aligned_chip(self, pixels: RgbImage, landmarks: Landmarks5, size: int) -> RgbImage:
        chip = self._dlib.get_face_chip(pixels, self._shape(landmarks), size=size, padding=0.0)
        return np.asarray(chip, dtype=np.uint8)

    def _rect(self, box: Box) -> Any:
        return self._dlib.rectangle(box.left, box.top, box.right, box.bottom)

    def _shape(self, landmarks: Landmarks5) -> Any:
        xs = [x for x, _ in landmarks.points]
        ys = [y for _, y in landmarks.points]
        box = Box(round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
        points = [self._dlib.point(round(x), round(y)) for x, y in landmarks.points]
        return self._dlib.full_object_detection(self._rect(box), points)


@functools.cache
def _model_files() -> tuple[str, str]:
    """The shape predictor and encoder files (imported once per process, under the cache)."""
    with warnings.catch_warnings():
        # face_recognition_models 0.3.0 imports pkg_resources, which warns it is deprecated;
        # this runs once per process (cached), before any request thread uses warnings.
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        import face_recognition_models as models

    return (
        models.pose_predictor_five_point_model_location(),
        models.face_recognition_model_location(),
    )


_per_thread = threading.local()
_files_lock = threading.Lock()


def default_face_model() -> DlibFaceModel:
    """This thread's dlib model (~30 MB, ~0.5 s to load): built on first use, then reused.

    One per thread, not per process: dlib's detector and networks keep scratch buffers and
    release the GIL, so two threads running one model corrupt the heap (two embedded worker
    threads aborted with glibc's "free(): corrupted unsorted chunks" in bench/e2e, both inside
    the HOG detector). Worker processes (solo/prefork pools) have one thread, hence one model.
    """
    model: DlibFaceModel | None = getattr(_per_thread, "model", None)
    if model is None:
        with _files_lock:
            files = _model_files()
        model = _per_thread.model = DlibFaceModel(*files)
    return model


def _midpoint(a: Point, b: Point) -> Point:
    return (a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0
