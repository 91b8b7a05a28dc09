"""Yaw and eye openness on real photos."""

from __future__ import annotations

from bench.identity.sequences import close_eyes, mirrored
from services.identity.core.face_model import DlibFaceModel, Landmarks5
from services.identity.core.faces import SELFIE_POLICY, detect_faces
from services.identity.core.images import RgbImage
from services.identity.core.liveness.signals import estimate_yaw, eye_openness
from tests.services.identity.conftest import FaceImageLoader


def _landmarks(pixels: RgbImage, model: DlibFaceModel) -> Landmarks5:
    return model.landmarks(pixels, detect_faces(pixels, SELFIE_POLICY.stages, model)[0].box)


def test_turned_head_has_a_signed_yaw(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    turned = face_images("obama1.jpg")  # nose towards the image's right: his own left

    yaw = estimate_yaw(_landmarks(turned, face_model))
    mirror_yaw = estimate_yaw(_landmarks(mirrored(turned), face_model))

    assert yaw > 18.0
    assert mirror_yaw < -18.0
    assert abs(yaw + mirror_yaw) < 5.0


def test_frontal_face_has_small_yaw(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    assert abs(estimate_yaw(_landmarks(face_images("obama-480p.jpg"), face_model))) < 10.0


def test_closing_the_eyes_drops_openness(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    open_eyes = face_images("obama-480p.jpg")
    shut = close_eyes(open_eyes, face_model)

    before = eye_openness(open_eyes, _landmarks(open_eyes, face_model))
    after = eye_openness(shut, _landmarks(shut, face_model))

    assert before > 0.0
    assert after < 0.6 * before
