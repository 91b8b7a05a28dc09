"""Where the MRZ might be: wide blocks of dense, fine, horizontal text.

Classic morphology on a copy scaled to a fixed width: a black-hat brings out dark strokes on
lighter paper whatever its colour; the horizontal gradient keeps vertical strokes (text), and
closings merge characters into lines and lines into blocks. What remains are rotated
rectangles; the reader tries them best first and lets the check digits decide, so this step
favours recall (a page scan can have several wide blocks: VIZ text, a booklet's other page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np

from services.identity.core.ocr.render import GrayImage

WORK_WIDTH: Final = 800
_MAX_TILT_DEG: Final = 30.0


@dataclass(frozen=True, slots=True)
class Band:
    """A candidate MRZ block in full-resolution pixels: centre, size (long side first), tilt."""

    cx: float
    cy: float
    width: float
    height: float
    angle: float
    score: float

    def box(self) -> tuple[int, int, int, int]:
        """Axis-aligned (x, y, w, h) around the rotated rectangle."""
        points = cv2.boxPoints(((self.cx, self.cy), (self.width, self.height), self.angle))
        x, y, w, h = cv2.boundingRect(points.astype(np.float32))
        return int(x), int(y), int(w), int(h)


def find_bands(gray: GrayImage, limit: int = 4) -> list[Band]:
    """Up to `limit` candidate blocks, most MRZ-like (wide, low on the page) first."""
    scale = WORK_WIDTH / gray.shape[1]
    size = (WORK_WIDTH, max(1, round(gray.shape[0] * scale)))
    small = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), np.uint8)
    mask = _text_blocks(small)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lines = [b for c in contours if (b := _as_band(c, small.shape, scale)) is not None]
    bands = _group_lines(sorted(lines, key=lambda b: b.cy)) + lines
    return sorted(bands, key=lambda b: -b.score)[:limit]


def _group_lines(lines: list[Band]) -> list[Band]:
    """Blocks of 2 or 3 consecutive lines alike in tilt, width and position: an MRZ's lines
    are printed on one grid, so they agree closely where VIZ text rarely does."""
    groups: list[list[Band]] = []
    for line in lines:
        if groups and _continues(groups[-1][-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks = []
    for group in groups:
        for size in (2, 3):
            if len(group) >= size:
                blocks.append(_union(group[-size:]))
    return blocks


def _continues(upper: Band, lower: Band) -> bool:
    return (
        abs(upper.angle - lower.angle) < 2.0
        and abs(upper.width - lower.width) < 0.12 * upper.width
        and abs(upper.cx - lower.cx) < 0.08 * upper.width
        and lower.cy - upper.cy < 4.5 * max(upper.height, lower.height)
    )


def _union(group: list[Band]) -> Band:
    points = np.concatenate(
        [cv2.boxPoints(((b.cx, b.cy), (b.width, b.height), b.angle)) for b in group]
    ).astype(np.float32)
    (cx, cy), (w, h), angle = cv2.minAreaRect(points)
    if w < h:
        w, h, angle = h, w, angle - 90.0
    angle = (angle + 90.0) % 180.0 - 90.0
    # Three lines beat two when both fit: a TD1 read as two lines would fail its checks anyway.
    return Band(cx, cy, w, h, angle, max(b.score for b in group) + 1.0 + 0.01 * len(group))


def _text_blocks(small: GrayImage) -> GrayImage:
    blurred = cv2.GaussianBlur(small, (3, 3), 0)
    rect = cv2.getStructuringElement(cv2.MORPH_RECT, (13, 5))
    blackhat = cv2.morphologyEx(blurred, cv2.MORPH_BLACKHAT, rect)
    gradient = np.abs(cv2.Sobel(blackhat, cv2.CV_32F, 1, 0, ksize=-1))
    gradient = (255 * gradient / max(float(gradient.max()), 1.0)).astype(np.uint8)
    gradient = cv2.morphologyEx(gradient, cv2.MORPH_CLOSE, rect)
    _, mask = cv2.threshold(gradient, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 3))
    )
    return np.asarray(cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=2), np.uint8)


def _as_band(contour: np.ndarray, shape: tuple[int, ...], scale: float) -> Band | None:
    (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
    if w < h:
        w, h, angle = h, w, angle - 90.0
    angle = (angle + 90.0) % 180.0 - 90.0
    if abs(angle) > _MAX_TILT_DEG or h < 6 or w < 0.25 * shape[1] or w < 4 * h:
        return None
    fill = cv2.contourArea(contour) / max(w * h, 1.0)
    score = w / shape[1] + 0.5 * cy / shape[0] + 0.5 * fill
    return Band(cx / scale, cy / scale, w / scale, h / scale, angle, score)


def crop_band(gray: GrayImage, band: Band, turn: bool = False) -> GrayImage:
    """The band rotated upright (and by 180° when `turn`), with margins for the lines' ends."""
    width = round(band.width * 1.08 + 0.5 * band.height)
    height = round(band.height * 1.5 + 16)
    rotation = cv2.getRotationMatrix2D(
        (band.cx, band.cy), band.angle + (180.0 if turn else 0.0), 1.0
    )
    rotation[0, 2] += width / 2 - band.cx
    rotation[1, 2] += height / 2 - band.cy
    crop = cv2.warpAffine(
        gray, rotation, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(crop, np.uint8)
