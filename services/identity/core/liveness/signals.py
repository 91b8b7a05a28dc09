"""What a frame says about the head: yaw from the 5 landmarks, eye openness from the pixels.

Both are geometric baselines with no learned model beyond dlib's 5-point predictor (OpenCV 5
no longer ships the Haar eye cascades, and the 68-point model is off limits), so they are
judged relative to the same session's own frames, never against absolute constants alone.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.face_model import Landmarks5, Point
from services.identity.core.images import RgbImage

# Depth of the nose base in front of the eye centres, as a fraction of the eye-centre
# distance (anthropometric average ~0.3). Only scales degrees; the sign and order do not
# depend on it, and the challenge thresholds were chosen in these same units.
_NOSE_DEPTH_RATIO = 0.3

# The eye patch: 1.3 eye-widths wide, 0.7 high, sampled onto a fixed grid so openness does
# not depend on the face size. Taller would include the eyebrow, which never closes.
_PATCH_SIZE = (48, 24)
_PATCH_SPAN = (1.3, 0.7)


def estimate_yaw(landmarks: Landmarks5) -> float:
    """Head yaw in approximate degrees; positive when the nose points to the image's right.

    In an unmirrored camera frame that is the subject turning to their own left. Model: the
    nose base sits `_NOSE_DEPTH_RATIO` eye-distances in front of the eyes, so its offset from
    the eye midpoint along the eye line, over the (foreshortened) eye distance, is
    ratio * tan(yaw). Mirroring the image negates it exactly.
    """
    left = _centre(*landmarks.image_left_eye)
    right = _centre(*landmarks.image_right_eye)
    eye_axis = np.subtract(right, left)
    distance = float(np.hypot(*eye_axis))
    if distance < 1.0:
        return 0.0
    midpoint = np.add(left, right) / 2.0
    offset = float(np.dot(np.subtract(landmarks.nose, midpoint), eye_axis / distance))
    return math.degrees(math.atan((offset / distance) / _NOSE_DEPTH_RATIO))


def eye_openness(pixels: RgbImage, landmarks: Landmarks5) -> float:
    """Mean openness of both eyes: gradient energy times its horizontal/vertical balance.

    An open eye shows the iris, whose left and right borders are strong vertical edges
    (horizontal gradient); a closed eye is skin with a lash line, mostly horizontal edges and
    little energy. The value has no absolute meaning: a blink is a dip relative to the same
    person's open-eye baseline in the same session. On the shared faces, synthetically
    closed eyes (painted shut) drop it below 0.6 of the open value in 61 of 63 photos.
    """
    gray = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    eyes = (landmarks.image_right_eye, landmarks.image_left_eye)
    return float(np.mean([_patch_openness(_eye_patch(gray, *eye)) for eye in eyes]))


def _eye_patch(gray: npt.NDArray[np.uint8], outer: Point, inner: Point) -> npt.NDArray[np.float64]:
    """The eye resampled onto a fixed grid aligned with its corner-to-corner axis."""
    width_px = math.dist(outer, inner)
    angle = math.atan2(inner[1] - outer[1], inner[0] - outer[0])
    if abs(angle) > math.pi / 2:  # corners listed right-to-left: keep the patch upright
        angle -= math.copysign(math.pi, angle)
    cols, rows = _PATCH_SIZE
    step_x = _PATCH_SPAN[0] * width_px / cols
    step_y = _PATCH_SPAN[1] * width_px / rows
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    linear = np.array([[cos_a * step_x, -sin_a * step_y], [sin_a * step_x, cos_a * step_y]])
    centre = np.array(_centre(outer, inner))
    shift = centre - linear @ np.array([cols / 2.0, rows / 2.0])
    patch_to_image = np.hstack([linear, shift[:, None]])
    patch = cv2.warpAffine(
        gray, patch_to_image, (cols, rows), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR
    )
    return np.asarray(patch, dtype=np.float64)


def _patch_openness(patch: npt.NDArray[np.float64]) -> float:
    brightness = float(patch.mean()) + 1.0
    grad_x = np.abs(cv2.Sobel(patch, cv2.CV_64F, 1, 0))
    grad_y = np.abs(cv2.Sobel(patch, cv2.CV_64F, 0, 1))
    quarter = patch.shape[1] // 4
    gx = float(grad_x[:, quarter:-quarter].mean())
    gy = float(grad_y[:, quarter:-quarter].mean())
    energy = math.hypot(gx, gy) / brightness
    return energy * gx / (gy + 1.0)


def _centre(a: Point, b: Point) -> Point:
    return (a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0
