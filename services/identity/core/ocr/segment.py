"""From an upright crop of the MRZ band to one normalised image per character cell.

The band is first rescaled so that a capital is `CAP_PX` pixels high, so every kernel below has
one size whatever the photo's resolution. Lines come from the row profile of the ink; within a
line the characters are cut on a fixed-pitch grid fitted to the centres of the glyphs that stand
alone (OCR-B is printed at 10 characters per inch, and runs of `<` fillers touch each other, so
connected components alone cannot count characters). The fit is quadratic in the character
index, which absorbs the pitch change of a mild perspective; the line's slant is fitted too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.ocr.render import GrayImage

FloatArray = npt.NDArray[np.float32]

CAP_PX: Final = 28
"""Cap height the band is rescaled to before segmentation."""
CELL_SHAPE: Final = (24, 20)
"""Rows, columns of a normalised character cell."""
_MARGIN: Final = 10  # rows kept above and below a line's ink


@dataclass(frozen=True, slots=True)
class Component:
    x: float
    y: float
    left: int
    right: int
    height: int
    width: int


def estimate_cap_height(gray: GrayImage) -> float | None:
    """Median height of the glyph-sized blobs of an Otsu binarisation, or None if none."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT].astype(np.float64)
    widths = stats[1:count, cv2.CC_STAT_WIDTH].astype(np.float64)
    keep = (heights >= 5) & (heights <= gray.shape[0] * 0.6) & (widths <= heights * 1.6)
    if keep.sum() < 8:
        return None
    heights = heights[keep]
    tall = heights[heights >= 0.6 * np.percentile(heights, 90)]
    return float(np.median(tall))


def normalise_scale(gray: GrayImage) -> tuple[GrayImage, float] | None:
    """The band resized so capitals are CAP_PX high, with the factor applied."""
    cap = estimate_cap_height(gray)
    if cap is None:
        return None
    factor = CAP_PX / cap
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(gray, size, interpolation=interpolation), np.uint8), factor


def ink_map(gray: GrayImage) -> GrayImage:
    """Darkness above the local background: a closing wider than any stroke erases the text,
    what remains is the paper (guilloche, colour, glare), which is subtracted."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (CAP_PX // 2 + 1, CAP_PX // 2 + 1))
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    return np.asarray(cv2.subtract(background, gray), np.uint8)


def binarise(ink: GrayImage) -> GrayImage:
    level, _ = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    _, binary = cv2.threshold(ink, max(level, 24.0), 255, cv2.THRESH_BINARY)
    return np.asarray(binary, np.uint8)


def find_lines(binary: GrayImage) -> list[tuple[int, int]]:
    """Row ranges of text lines wider than half the widest one, top to bottom."""
    profile = (binary > 0).sum(axis=1).astype(np.float64)
    if profile.max() <= 0:
        return []
    rows = profile > 0.2 * np.percentile(profile[profile > 0], 90)
    runs = _runs(rows, min_gap=3)
    runs = [(a, b) for a, b in runs if b - a >= CAP_PX * 0.5 and b - a <= CAP_PX * 2.2]
    if not runs:
        return []
    extents = [_extent(binary[a:b]) for a, b in runs]
    widest = max(e[1] - e[0] for e in extents)
    return [r for r, e in zip(runs, extents, strict=True) if e[1] - e[0] >= 0.5 * widest]


def _runs(mask: npt.NDArray[np.bool_], min_gap: int) -> list[tuple[int, int]]:
    """Maximal [start, end) runs of True, closing gaps shorter than `min_gap`."""
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < min_gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _extent(strip: GrayImage) -> tuple[int, int]:
    columns = np.flatnonzero((strip > 0).sum(axis=0) >= 2)
    if columns.size == 0:
        return (0, 0)
    return int(columns[0]), int(columns[-1]) + 1


def components(strip: GrayImage) -> list[Component]:
    """Glyph-sized connected components of a binarised line strip (specks dropped)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(strip, connectivity=8)
    found = []
    for index in range(1, count):
        left, top, width, height, area = (int(v) for v in stats[index])
        if height < CAP_PX * 0.3 or height > CAP_PX * 1.7 or area < CAP_PX:
            continue  # specks, and rules or card edges crossing the line
        x = left + width / 2
        found.append(Component(x, top + height / 2, left, left + width, height, width))
    return _drop_strays(sorted(found, key=lambda c: c.left))


def _drop_strays(found: list[Component]) -> list[Component]:
    """Drop blobs at either end that are far from the rest or too small to be a glyph (a stamp,
    the edge of a photo, dirt beside the MRZ): between the inks of two MRZ glyphs there is at
    most about half a pitch, since every position, fillers included, is printed."""
    if not found:
        return found
    groups: list[list[Component]] = [[found[0]]]
    for blob in found[1:]:
        reach = max(b.right for b in groups[-1])
        if blob.left - reach > 1.6 * CAP_PX:
            groups.append([blob])
        else:
            groups[-1].append(blob)
    found = max(groups, key=lambda g: sum(b.width for b in g))
    while len(found) > 2 and _stray(found[0], found[1].left - found[0].right):
        found = found[1:]
    while len(found) > 2 and _stray(found[-1], found[-1].left - found[-2].right):
        found = found[:-1]
    return found


def _stray(blob: Component, gap: int) -> bool:
    return gap > 1.6 * CAP_PX or (blob.height < 0.45 * CAP_PX and gap > 0.8 * CAP_PX)


@dataclass(frozen=True, slots=True)
class PreparedBand:
    """A band at the normalised scale: its ink map, binarisation and text-line rows."""

    ink: GrayImage
    binary: GrayImage
    rows: tuple[tuple[int, int], ...]

    def strip(self, row: tuple[int, int]) -> tuple[GrayImage, GrayImage]:
        """Ink and binary strips of one line, with a margin above and below."""
        top, bottom = max(0, row[0] - _MARGIN), min(self.ink.shape[0], row[1] + _MARGIN)
        return self.ink[top:bottom], self.binary[top:bottom]


def prepare_band(gray: GrayImage) -> PreparedBand | None:
    """Scale-normalise an upright band crop and find its text lines; None if it has none."""
    scaled = normalise_scale(gray)
    if scaled is None:
        return None
    ink = ink_map(scaled[0])
    binary = binarise(ink)
    rows = find_lines(binary)
    return PreparedBand(ink, binary, tuple(rows)) if rows else None
