"""The fixed-pitch grid of one MRZ line, and the character cells cut on it.

A glyph of OCR-B sits centred in its pitch cell and is about 0.68 pitch wide, so the ink extent
of a line of `n` characters is about (n - 1 + 0.68) pitches. That gives a first grid; the centres of
the glyphs that stand alone then refine it by weighted least squares (centre = a + p·k + q·k²),
with the two ends of the line as extra observations because a name line can end in twenty
touching fillers that give no centre at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from services.identity.core.ocr.render import GrayImage
from services.identity.core.ocr.segment import (
    CAP_PX,
    CELL_SHAPE,
    Component,
    FloatArray,
    PreparedBand,
    components,
)

_HALF_GLYPH: Final = 0.34  # half the ink width of a typical OCR-B glyph, in pitches
_END_WEIGHT: Final = 3.0  # weight of the line-end observations against one glyph centre
# Cells are cut from the pitch, not the glyph height: the pitch is fitted over the whole line
# (robust), and digits are taller than letters in OCR-B, so a height would differ per line.
_CELL_HEIGHT_PITCHES: Final = 1.3


@dataclass(frozen=True, slots=True)
class Grid:
    """Centre of cell k: a + p·k + q·k²; vertical centre at x: b + s·x; cap height `cap`."""

    a: float
    p: float
    q: float
    b: float
    s: float
    cap: float
    residual: float

    def centre(self, k: int) -> tuple[float, float]:
        x = self.a + self.p * k + self.q * k * k
        return x, self.b + self.s * x

    def pitch_at(self, k: int) -> float:
        return self.p + 2 * self.q * k


def fit_grid(binary_strip: GrayImage, n: int) -> Grid | None:
    """The grid of an `n`-character line, or None when the strip does not look like one."""
    found = [c for c in components(binary_strip) if c.height >= CAP_PX * 0.45]
    if len(found) < max(4, n // 6):
        return None
    left, right = min(c.left for c in found), max(c.right for c in found)
    pitch = (right - left) / (n - 1 + 2 * _HALF_GLYPH)
    if pitch < CAP_PX * 0.55 or pitch > CAP_PX * 1.6:
        return None
    singles = [c for c in found if c.width <= 1.15 * pitch]
    pitch = _local_pitch(singles, pitch, left + 0.4 * (right - left))
    coefficients = np.array([left + _HALF_GLYPH * pitch, pitch, 0.0])
    ends = (left + _HALF_GLYPH * pitch, right - _HALF_GLYPH * pitch)
    residual = 1.0
    # Left to right: perspective changes the pitch along the line, so a grid fitted to one end
    # is extended step by step rather than guessed for the whole line at once.
    for share, use_end in _STAGES:
        reach = left + share * (right - left)
        stage = [c for c in singles if c.x <= reach]
        coefficients, residual = _refine(
            coefficients, stage, (ends[0], ends[1] if use_end else None), n
        )
    b, s, cap = _baseline(found)
    a, p, q = (float(v) for v in coefficients)
    return Grid(a, p, q, b, s, cap, residual)


_STAGES: Final = tuple((share, share >= 1.0) for share in (0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.0))


def _local_pitch(singles: list[Component], guess: float, reach: float) -> float:
    """Median spacing of neighbouring single glyphs at the start of the line."""
    xs = np.array([c.x for c in singles if c.x <= reach])
    steps = np.diff(xs)
    steps = steps[(steps > 0.7 * guess) & (steps < 1.3 * guess)]
    return float(np.median(steps)) if steps.size >= 3 else guess


def _refine(
    coefficients: npt.NDArray[np.float64],
    singles: list[Component],
    ends: tuple[float, float | None],
    n: int,
) -> tuple[npt.NDArray[np.float64], float]:
    """One least-squares step: assign each single glyph to its nearest cell, refit."""
    ks = np.arange(n, dtype=np.float64)
    predicted = coefficients[0] + coefficients[1] * ks + coefficients[2] * ks**2
    rows: list[tuple[float, float, float]] = [(0.0, ends[0], _END_WEIGHT)]
    if ends[1] is not None:
        rows.append((n - 1.0, ends[1], _END_WEIGHT))
    for glyph in singles:
        k = int(np.argmin(np.abs(predicted - glyph.x)))
        if abs(glyph.x - predicted[k]) < 0.35 * coefficients[1]:
            rows.append((float(k), glyph.x, 1.0))
    index = np.array([r[0] for r in rows])
    if len(rows) < 3 or np.ptp(index) < 2:
        return coefficients, 1.0
    target = np.array([r[1] for r in rows])
    weight = np.sqrt(np.array([r[2] for r in rows]))
    quadratic = len(rows) >= 10 and np.ptp(index) >= 10
    design = np.stack([np.ones_like(index), index, index**2 if quadratic else 0 * index], axis=1)
    solution, *_ = np.linalg.lstsq(design * weight[:, None], target * weight, rcond=None)
    if not quadratic:
        solution[2] = 0.0
    glyphs = weight == 1.0
    errors = (target - design @ solution)[glyphs] / solution[1]
    rms = float(np.sqrt(np.mean(np.square(errors)))) if errors.size else 1.0
    return solution, rms


def _baseline(found: list[Component]) -> tuple[float, float, float]:
    """Vertical centre line (b + s·x) and cap height from the full-height glyphs."""
    heights = np.array([c.height for c in found], dtype=np.float64)
    cap = float(np.median(heights[heights >= 0.8 * np.percentile(heights, 75)]))
    tall = [c for c in found if c.height >= 0.85 * cap]
    xs = np.array([c.x for c in tall])
    ys = np.array([c.y for c in tall])
    if len(tall) >= 4 and np.ptp(xs) > 0:
        slope, intercept = np.polyfit(xs, ys, 1)
        return float(intercept), float(slope), cap
    return float(np.median(ys)), 0.0, cap


def cut_cells(ink_strip: GrayImage, grid: Grid, n: int) -> FloatArray:
    """`n` cells resampled to CELL_SHAPE, ink scaled to [0, 1] by the line's strongest ink."""
    rows, cols = CELL_SHAPE
    height = _CELL_HEIGHT_PITCHES * grid.p
    cells = np.empty((n, rows, cols), np.float32)
    source = ink_strip.astype(np.float32)
    for k in range(n):
        x, y = grid.centre(k)
        width = grid.pitch_at(k)
        patch = cv2.getRectSubPix(source, (max(2, round(width)), max(2, round(height))), (x, y))
        cells[k] = cv2.resize(patch, (cols, rows), interpolation=cv2.INTER_AREA)
    strongest = float(np.percentile(cells, 99))
    return np.asarray(np.clip(cells / max(strongest, 1.0), 0.0, 1.0), np.float32)


def cut_lines(
    band: PreparedBand, rows: Sequence[tuple[int, int]], length: int
) -> list[FloatArray] | None:
    """Cells of each of `rows` read as lines of `length` characters; None if a line does not
    fit the pitch."""
    lines = []
    for row in rows:
        ink, binary = band.strip(row)
        grid = fit_grid(binary, length)
        if grid is None or grid.residual > _MAX_RESIDUAL:
            return None
        lines.append(cut_cells(ink, grid, length))
    return lines


_MAX_RESIDUAL: Final = 0.13  # rms distance of glyph centres from the grid, in pitches (a wrong
# character count leaves about 0.2; the right one under tilt, blur and perspective under 0.05)
