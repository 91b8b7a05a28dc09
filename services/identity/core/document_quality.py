"""Is the document photo good enough to trust what was read from it?

Measured where it matters, on the MRZ band the reader found (and the portrait the face
detector found), never on the whole photo, whose background says nothing about the document:
- resolution: the height of the MRZ characters in pixels (rows of ink in the band);
- blur: the spread (standard deviation) of the Laplacian around the print, on the band
  rescaled to a fixed character height, over the ink-paper contrast, so neither the photo's
  scale nor its lighting changes the score (a Gaussian blur of 5 % of the character height
  scores ~0.16 on every shared specimen, 8 % ~0.11, 12 % ~0.07);
- glare: blobs of saturated pixels brighter than the paper around them, as a fraction of the
  band (or portrait) area: a white print is not glare, a specular highlight is;
- cropping: the MRZ too close to an edge of the photo, or too little photo above it for the
  rest of the document (the MRZ is the bottom of every ICAO document).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.images import RgbImage

GrayImage = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]  # x, y, width, height in image pixels

NORMAL_CHAR_HEIGHT = 24  # px: the blur score is measured at this character height


@dataclass(frozen=True, slots=True)
class QualityPolicy:
    """Thresholds of the image-quality checks (calibration: docs/identity/documents.md)."""

    min_char_height_px: float = 9.0
    min_sharpness: float = 0.09
    max_glare_fraction: float = 0.02
    min_edge_margin_chars: float = 1.0
    min_space_above_mrz: float = 1.5  # document height above the band, in band heights


@dataclass(frozen=True, slots=True)
class BandMeasures:
    """What was measured on the MRZ band."""

    char_height_px: float | None
    sharpness: float
    glare_fraction: float
    text_box: Box


def gray(pixels: RgbImage) -> GrayImage:
    return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def crop(image: npt.NDArray[np.uint8], box: Box) -> npt.NDArray[np.uint8]:
    x, y, w, h = box
    height, width = image.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    return image[y0 : min(height, y + h), x0 : min(width, x + w)]


def measure_band(pixels: RgbImage, band: Box) -> BandMeasures:
    region = crop(pixels, band)
    if region.size == 0:
        return BandMeasures(None, 0.0, 0.0, band)
    grey = gray(region)
    ink = _ink_mask(grey)
    char_height = _char_height(ink)
    return BandMeasures(
        char_height_px=char_height,
        sharpness=_sharpness(grey, char_height),
        glare_fraction=glare_fraction(region),
        text_box=_text_box(ink, band),
    )


def _ink_mask(grey: GrayImage) -> npt.NDArray[np.bool_]:
    """Dark print: Otsu's threshold on the band (ink and paper are its two modes)."""
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(binary > 0)


def _char_height(ink: npt.NDArray[np.bool_]) -> float | None:
    """The height of the MRZ's capitals and digits: the upper quartile of the heights of the
    character-shaped ink blobs (the quartile skips the lower `<` fillers). Blobs rather than
    text rows, so a tilted photo measures the same."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    widths, heights = stats[1:count, cv2.CC_STAT_WIDTH], stats[1:count, cv2.CC_STAT_HEIGHT]
    shaped = heights[(heights >= 3) & (widths <= 1.5 * heights) & (widths * 6 >= heights)]
    if len(shaped) < 10:  # too few to be a line of text
        return None
    return float(np.percentile(shaped, 75))


def _text_box(ink: npt.NDArray[np.bool_], band: Box) -> Box:
    """The ink's bounding box in image coordinates (the band itself when it holds none)."""
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return band
    x, y = max(0, band[0]), max(0, band[1])
    return (
        x + int(xs.min()),
        y + int(ys.min()),
        int(xs.max() - xs.min()) + 1,
        int(ys.max() - ys.min()) + 1,
    )


def _sharpness(grey: GrayImage, char_height: float | None) -> float:
    """Laplacian variance around the print only (a band is mostly paper, or background when
    the photo is tilted), over the squared ink-paper contrast there."""
    if char_height is None or char_height <= 0:
        return 0.0
    scale = NORMAL_CHAR_HEIGHT / char_height
    size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = np.asarray(cv2.resize(grey, size, interpolation=method), dtype=np.uint8)
    near_ink = cv2.dilate(_ink_mask(resized).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if near_ink.sum() < 50:
        return 0.0
    values = resized.astype(np.float64)
    low, high = np.percentile(values[near_ink], (5, 95))
    contrast = float(high - low)
    if contrast < 10.0:  # no print to speak of
        return 0.0
    laplacian = cv2.Laplacian(values, cv2.CV_64F)
    return float(laplacian[near_ink].std()) / contrast


def glare_fraction(region: RgbImage) -> float:
    """Share of the region covered by specular blobs: saturated in every channel, clearly
    brighter than the paper (the region's 60th percentile), and larger than speckle."""
    if region.size == 0:
        return 0.0
    darkest_channel = region.min(axis=2)
    paper = float(np.percentile(darkest_channel, 60))
    bright = (darkest_channel >= 245) & (darkest_channel.astype(np.float64) >= paper + 20)
    count, _, stats, _ = cv2.connectedComponentsWithStats(bright.astype(np.uint8), connectivity=8)
    min_blob = max(4, region.shape[0] * region.shape[1] // 2000)
    blobs = stats[1:count, cv2.CC_STAT_AREA]
    return float(blobs[blobs >= min_blob].sum()) / float(region.shape[0] * region.shape[1])


def edge_margin_chars(shape: tuple[int, ...], text: Box, char_height: float) -> float:
    """The smallest distance from the MRZ text to the left, right or bottom photo edge, in
    character heights."""
    height, width = shape[:2]
    x, y, w, h = text
    margins = (x, width - (x + w), height - (y + h))
    return min(margins) / char_height


def space_above(text: Box) -> float:
    """How much photo lies above the MRZ, in MRZ heights."""
    return text[1] / max(1, text[3])
