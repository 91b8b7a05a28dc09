"""Synthetic document photos for the document-check tests, and a reader that knows their MRZ.

The tests of the checks must not depend on the OCR: `KnownReader` returns the lines the image
was drawn with and the band they were drawn in, as the OCR would. The drawing is deliberately
plain (a pale card, a portrait, the MRZ in a Hershey font) so each quality defect can be added
on its own: blur, a glare blob, a crop, a downscale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np

from services.identity.core.images import RgbImage
from services.identity.core.mrz import check_digit

PAPER = (226, 222, 212)
INK = (20, 20, 28)


@dataclass(frozen=True, slots=True)
class Reading:
    lines: tuple[str, ...]
    confidence: float
    band: tuple[int, int, int, int]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    unsure_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SyntheticDocument:
    pixels: RgbImage
    reading: Reading


class KnownReader:
    """Returns a fixed reading (or None: no MRZ found) and counts its calls."""

    def __init__(self, reading: Reading | None) -> None:
        self.reading = reading
        self.calls = 0

    def __call__(self, pixels: RgbImage) -> Reading | None:
        self.calls += 1
        return self.reading


def draw_document(
    lines: tuple[str, ...], portrait: RgbImage | None = None, char_height: int = 22
) -> SyntheticDocument:
    """A card the size of a passport page (ICAO ratio 125 x 88) around the MRZ."""
    scale = cv2.getFontScaleFromHeight(cv2.FONT_HERSHEY_SIMPLEX, char_height, 2)
    (char_w, _), _ = cv2.getTextSize("W", cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    width = int(max(len(x) for x in lines) * char_w * 1.15) + 4 * char_height
    height = int(width * 88 / 125)
    card = np.full((height, width, 3), PAPER, np.uint8)
    pitch = int(char_height * 1.9)
    top = height - 2 * char_height - pitch * len(lines)
    for i, line in enumerate(lines):
        baseline = top + (i + 1) * pitch
        cv2.putText(card, line, (2 * char_height, baseline), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, INK, 2, cv2.LINE_AA)  # fmt: skip
    if portrait is not None:
        _paste_portrait(card, portrait, top)
    band = (
        char_height,
        top - char_height // 2,
        width - 2 * char_height,
        pitch * len(lines) + char_height,
    )
    return SyntheticDocument(card, Reading(lines, 0.99, band))


def _paste_portrait(card: RgbImage, portrait: RgbImage, mrz_top: int) -> None:
    height = int(mrz_top * 0.8)
    width = int(height * 0.78)
    resized = cv2.resize(portrait, (width, height), interpolation=cv2.INTER_AREA)
    y, x = int(mrz_top * 0.1), int(card.shape[1] * 0.05)
    card[y : y + height, x : x + width] = resized


def with_blur(doc: SyntheticDocument, sigma: float) -> SyntheticDocument:
    blurred = cv2.GaussianBlur(doc.pixels, (0, 0), sigma)
    return SyntheticDocument(np.ascontiguousarray(blurred), doc.reading)


def with_glare(doc: SyntheticDocument, box: tuple[int, int, int, int]) -> SyntheticDocument:
    """A specular highlight: a saturated white ellipse filling `box`."""
    pixels = doc.pixels.copy()
    x, y, w, h = box
    cv2.ellipse(pixels, (x + w // 2, y + h // 2), (w // 2, h // 2), 0, 0, 360, (255, 255, 255), -1)
    return SyntheticDocument(pixels, doc.reading)


def cropped_below(doc: SyntheticDocument, keep_below_band: int) -> SyntheticDocument:
    """Cut the photo `keep_below_band` pixels under the MRZ band's last text row."""
    _, y, _, h = doc.reading.band
    bottom = y + h - h // (2 * len(doc.reading.lines)) + keep_below_band
    return SyntheticDocument(np.ascontiguousarray(doc.pixels[:bottom]), doc.reading)


def downscaled(doc: SyntheticDocument, factor: float) -> SyntheticDocument:
    pixels = doc.pixels
    size = (round(pixels.shape[1] * factor), round(pixels.shape[0] * factor))
    small = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    x, y, w, h = doc.reading.band
    band = (round(x * factor), round(y * factor), round(w * factor), round(h * factor))
    return SyntheticDocument(np.ascontiguousarray(small), Reading(doc.reading.lines, 0.99, band))


def td3_lines(
    surname: str, given_names: str, number: str, birth: str, sex: str, expiry: str
) -> tuple[str, str]:
    """A valid passport MRZ (issuer and nationality UTO) with every check digit computed."""
    name = f"{surname}<<{given_names.replace(' ', '<')}"
    line1 = f"P<UTO{name}".ljust(44, "<")[:44]
    number = number.ljust(9, "<")
    body = f"{number}{check_digit(number)}UTO{birth}{check_digit(birth)}{sex}"
    body += f"{expiry}{check_digit(expiry)}" + "<" * 14 + "0"
    line2 = body + str(check_digit(body[0:10] + body[13:20] + body[21:43]))
    return line1, line2
