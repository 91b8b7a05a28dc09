"""Synthetic liveness sessions built from still photos of one person.

Turns come from real photos with a turned head (and their mirror images, which turn the
other way); a blink is the frontal photo with the eyes painted shut (inpainted skin and a lash
line). Honest limits: real blinks and real head motion are richer than this; these sessions
test the sequence logic and the signals' direction, not their robustness in the wild.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from services.identity.core.face_model import FaceModel, Landmarks5
from services.identity.core.faces import SELFIE_POLICY, detect_faces
from services.identity.core.images import RgbImage
from services.identity.core.liveness.active import LivenessFrame
from services.identity.core.liveness.challenge import Action


def mirrored(pixels: RgbImage) -> RgbImage:
    """The photo flipped left-right: a head turned one way now turns the other way."""
    return np.ascontiguousarray(pixels[:, ::-1])


def close_eyes(pixels: RgbImage, model: FaceModel) -> RgbImage:
    """The photo with both eyes painted shut (skin inpainted over the eye, a lash line)."""
    landmarks = _landmarks(pixels, model)
    eyes = (landmarks.image_right_eye, landmarks.image_left_eye)
    mask = np.zeros(pixels.shape[:2], dtype=np.uint8)
    for outer, inner in eyes:
        centre, axes, angle = _eye_ellipse(outer, inner, height=0.3)
        cv2.ellipse(mask, centre, axes, angle, 0, 360, 255, -1)
    closed = np.asarray(cv2.inpaint(pixels, mask, 5, cv2.INPAINT_TELEA), dtype=np.uint8)
    for outer, inner in eyes:
        centre, axes, angle = _eye_ellipse(outer, inner, height=0.12)
        thickness = max(1, round(math.dist(outer, inner) * 0.05))
        cv2.ellipse(closed, centre, axes, angle, 0, 180, (45, 35, 35), thickness)
    return np.ascontiguousarray(closed)


def session_frames(
    actions: tuple[Action, ...],
    frontal: RgbImage,
    turned_left: RgbImage,
    model: FaceModel,
    frame_gap_ms: int = 200,
) -> list[LivenessFrame]:
    """Frames that perform `actions` in order, each separated by a frontal frame.

    `turned_left` must show the head turned to the subject's left (nose to the image's right
    in an unmirrored photo); its mirror image provides the right turn.
    """
    pose = {
        Action.TURN_LEFT: [turned_left],
        Action.TURN_RIGHT: [mirrored(turned_left)],
        Action.BLINK: [close_eyes(frontal, model)],
    }
    images = [frontal, frontal]
    for action in actions:
        images.extend([*pose[action], frontal])
    return [LivenessFrame(i * frame_gap_ms, image) for i, image in enumerate(images)]


def _landmarks(pixels: RgbImage, model: FaceModel) -> Landmarks5:
    faces = detect_faces(pixels, SELFIE_POLICY.stages, model)
    if not faces:
        raise ValueError("no face to close the eyes of")
    return model.landmarks(pixels, faces[0].box)


def _eye_ellipse(
    outer: tuple[float, float], inner: tuple[float, float], height: float
) -> tuple[tuple[int, int], tuple[int, int], float]:
    width = math.dist(outer, inner)
    centre = (round((outer[0] + inner[0]) / 2), round((outer[1] + inner[1]) / 2))
    angle = math.degrees(math.atan2(inner[1] - outer[1], inner[0] - outer[0]))
    return centre, (round(0.7 * width), max(1, round(height * width))), angle
