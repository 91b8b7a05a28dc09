"""Synthetic printed MRZ text: paper, ink and the capture defects of phone photos and scans.

Used to train the glyph classifier, by the synthetic specimen documents, and by the benchmark.
Everything is drawn from a `numpy.random.Generator`, so a seed gives the same image anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.images import RgbImage
from services.identity.core.ocr.render import ALPHABET, GrayImage

Rng = np.random.Generator
FloatImage = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Distortion:
    """Upper bounds of the capture defects; each image draws its own values below them."""

    rotation_deg: float = 5.0
    perspective: float = 0.03  # corner displacement, as a fraction of the image size
    blur_sigma: float = 1.2
    noise_sigma: float = 8.0
    jpeg_quality_min: int = 35
    shear: float = 0.0  # horizontal shear, as a photo taken from the side slants the glyphs


def random_text(rng: Rng, length: int) -> str:
    """MRZ-like text: random characters with runs of fillers, as in names and optional data."""
    chars: list[str] = []
    while len(chars) < length:
        if rng.random() < 0.2:
            chars.extend("<" * int(rng.integers(1, 8)))
        else:
            chars.append(ALPHABET[int(rng.integers(0, len(ALPHABET)))])
    return "".join(chars[:length])


def paper(rng: Rng, height: int, width: int) -> FloatImage:
    """A light security-paper background: tint, gradient, guilloche curves, fibres."""
    tint = rng.uniform(190, 250, size=3).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    gradient = (
        1.0
        - rng.uniform(0, 0.12) * (xs / max(width, 1))
        - rng.uniform(0, 0.08) * (ys / max(height, 1))
    )
    image = tint[None, None, :] * gradient[:, :, None]
    _guilloche(rng, image, tint)
    image += rng.normal(0, rng.uniform(1, 5), size=image.shape).astype(np.float32)
    return np.asarray(np.clip(image, 0, 255), np.float32)


def _guilloche(rng: Rng, image: FloatImage, tint: FloatImage) -> None:
    """Interleaved sine curves a little darker than the paper, the usual anti-copy print
    (security backgrounds are pastel so that they never compete with the MRZ's black ink)."""
    height, width = image.shape[:2]
    colour = tuple(float(v) for v in tint - rng.uniform(15, 60, size=3))
    xs = np.arange(0, width, 2, dtype=np.float32)
    period = rng.uniform(40, 160)
    amplitude = rng.uniform(4, max(5.0, height / 6))
    for offset in np.arange(-amplitude, height + amplitude, rng.uniform(6, 18)):
        phase = rng.uniform(0, 2 * np.pi)
        ys = offset + amplitude * np.sin(2 * np.pi * xs / period + phase)
        points = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(image, [points], False, colour, 1, cv2.LINE_AA)


def print_ink(background: FloatImage, ink: GrayImage, origin: tuple[int, int], rng: Rng) -> None:
    """Overprint `ink` (255 = full ink) at (x, y) in a dark colour, in place."""
    x, y = origin
    height = min(ink.shape[0], background.shape[0] - y)
    width = min(ink.shape[1], background.shape[1] - x)
    alpha = ink[:height, :width, None].astype(np.float32) / 255.0 * rng.uniform(0.7, 1.0)
    colour = rng.uniform(0, 70, size=3).astype(np.float32)
    region = background[y : y + height, x : x + width]
    region[:] = region * (1 - alpha) + colour * alpha


def distort(image: FloatImage, rng: Rng, limits: Distortion) -> RgbImage:
    """Rotate, warp, blur, add sensor noise and JPEG-compress; returns uint8 RGB."""
    image = _warp(image, rng, limits)
    sigma = rng.uniform(0, limits.blur_sigma)
    if sigma > 0.3:
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), np.float32)
    image = image + rng.normal(0, rng.uniform(0, limits.noise_sigma), size=image.shape).astype(
        np.float32
    )
    pixels = np.clip(image, 0, 255).astype(np.uint8)
    quality = int(rng.integers(limits.jpeg_quality_min, 96))
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED), np.uint8) if ok else pixels


def _warp(image: FloatImage, rng: Rng, limits: Distortion) -> FloatImage:
    height, width = image.shape[:2]
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    jitter = rng.uniform(-limits.perspective, limits.perspective, size=(4, 2)) * [width, height]
    perspective = cv2.getPerspectiveTransform(corners, (corners + jitter).astype(np.float32))
    angle = rng.uniform(-limits.rotation_deg, limits.rotation_deg)
    rotation = np.vstack([cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0), [0, 0, 1]])
    slant = rng.uniform(-limits.shear, limits.shear)
    shear = np.array([[1.0, slant, -slant * height / 2], [0, 1, 0], [0, 0, 1]])
    border = tuple(float(v) for v in np.median(image.reshape(-1, image.shape[2]), axis=0))
    warped = cv2.warpPerspective(
        image,
        rotation @ shear @ perspective,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderValue=border,
    )
    return np.asarray(warped, np.float32)
