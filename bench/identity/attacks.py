"""Synthetic presentation attacks: a bona fide photo re-photographed off a screen or a print.

These are simulations, not real attacks: they model the physics the passive heuristics look
for (a screen's sub-pixel grid aliasing into moire, a print's halftone dots and reduced
gamut, a glossy surface's glare) and nothing else. Real attacks vary far more; figures on these
sets say the heuristics react to the modelled artefacts, not that they stop attackers.
Also used by the tests (tests/services/identity/core/liveness).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from services.identity.core.images import RgbImage


@dataclass(frozen=True, slots=True)
class Recapture:
    """How the attacker's camera sees the medium: scale of the medium's pixels/dots on the
    sensor, tilt in degrees, defocus blur (sigma in sensor pixels) and JPEG quality."""

    scale: float = 0.45
    tilt_deg: float = 3.0
    blur_sigma: float = 0.6
    jpeg_quality: int = 85


def screen_replay(pixels: RgbImage, rng: np.random.Generator, capture: Recapture) -> RgbImage:
    """The photo shown on an LCD (RGB stripe sub-pixels with a dark grid) and re-photographed."""
    height, width = pixels.shape[:2]
    screen = np.zeros((height * 3, width * 3, 3), dtype=np.float32)
    for channel in range(3):  # each pixel: three vertical stripes R, G, B; last row dark
        screen[:-1:3, channel::3, channel] = pixels[..., channel]
        screen[1::3, channel::3, channel] = pixels[..., channel]
    screen *= 1.35  # stripes cover a third of the area: keep the brightness
    glare = _glare(screen.shape[:2], rng)
    return _photograph(np.clip(screen + glare, 0, 255), rng, capture)


def print_attack(pixels: RgbImage, rng: np.random.Generator, capture: Recapture) -> RgbImage:
    """The photo printed with an amplitude-modulated halftone (CMY dot screens at the classic
    angles) on matte paper, then re-photographed under soft light."""
    height, width = pixels.shape[:2]
    ink = 1.0 - pixels.astype(np.float32) / 255.0  # CMY coverage
    up = cv2.resize(ink, (width * 3, height * 3), interpolation=cv2.INTER_LINEAR)
    printed = np.empty_like(up)
    for channel, angle in enumerate((15.0, 75.0, 0.0)):
        printed[..., channel] = _halftone(up[..., channel], angle, period=4.0)
    paper = 235.0 + rng.normal(0.0, 4.0, size=up.shape[:2]).astype(np.float32)[..., None]
    rgb = paper * (1.0 - 0.85 * printed)  # inks never reach full density
    return _photograph(np.clip(rgb, 0, 255), rng, capture)


def _halftone(coverage: np.ndarray, angle_deg: float, period: float) -> np.ndarray:
    height, width = coverage.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    theta = np.deg2rad(angle_deg)
    u = xs * np.cos(theta) + ys * np.sin(theta)
    v = -xs * np.sin(theta) + ys * np.cos(theta)
    # Distance to the nearest dot centre, normalised to 0..1; a dot covers `coverage`.
    du = (u / period) % 1.0 - 0.5
    dv = (v / period) % 1.0 - 0.5
    radius = np.sqrt(du * du + dv * dv) / 0.7071
    return np.asarray(radius < np.sqrt(np.clip(coverage, 0, 1)), dtype=np.float32)


def _glare(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A soft specular reflection of a window or lamp on the glass."""
    height, width = shape
    glare = np.zeros((height, width), dtype=np.float32)
    centre = (int(rng.uniform(0.2, 0.8) * width), int(rng.uniform(0.1, 0.5) * height))
    axes = (int(width * rng.uniform(0.04, 0.1)), int(height * rng.uniform(0.02, 0.05)))
    cv2.ellipse(glare, centre, axes, float(rng.uniform(0, 180)), 0, 360, 255.0, -1)
    soft = np.asarray(cv2.GaussianBlur(glare, (0, 0), max(2.0, axes[1] / 3.0)), np.float32)
    return np.asarray(soft[..., None] * rng.uniform(0.5, 1.0), dtype=np.float32)


def _photograph(medium: np.ndarray, rng: np.random.Generator, capture: Recapture) -> RgbImage:
    """Tilt, resample (this is where the moire appears), defocus, add noise, JPEG."""
    height, width = medium.shape[:2]
    size = (max(8, round(width * capture.scale)), max(8, round(height * capture.scale)))
    rotation = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), capture.tilt_deg, 1.0)
    tilted = cv2.warpAffine(medium, rotation, (width, height), borderMode=cv2.BORDER_REFLECT)
    # INTER_LINEAR (no pre-filter) aliases the grid like a real sensor's sampling does.
    sensed = np.asarray(cv2.resize(tilted, size, interpolation=cv2.INTER_LINEAR), np.float32)
    if capture.blur_sigma > 0:
        sensed = np.asarray(cv2.GaussianBlur(sensed, (0, 0), capture.blur_sigma), np.float32)
    sensed = sensed + rng.normal(0.0, 2.0, size=sensed.shape).astype(np.float32)
    image = np.clip(sensed, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(
        ".jpg", image[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, capture.jpeg_quality]
    )
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 array
        raise RuntimeError("JPEG encoding failed")
    decoded = np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), dtype=np.uint8)
    return np.ascontiguousarray(decoded[..., ::-1])
