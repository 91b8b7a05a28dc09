"""Fixtures of the identity tests: the real dlib face model and the face images."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services.identity.core.face_model import DlibFaceModel, default_face_model
from services.identity.core.images import RgbImage, decode_image

FaceImageLoader = Callable[[str], RgbImage]


@pytest.fixture(scope="session")
def face_model() -> DlibFaceModel:
    """The production dlib model, loaded once for the whole session (~0.5 s)."""
    return default_face_model()


@pytest.fixture(scope="session")
def face_images(fixtures_dir: Path) -> FaceImageLoader:
    """Decode a file of tests/fixtures/identity/faces through the production decoder."""

    def load(name: str) -> RgbImage:
        data = (fixtures_dir / "identity" / "faces" / name).read_bytes()
        return decode_image(data, field=name).pixels

    return load
