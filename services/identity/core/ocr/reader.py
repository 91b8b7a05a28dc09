"""read_mrz: find the MRZ in a document image and read it.

Locate candidate bands (band.py), cut each upright (and turned 180°), split its lines and cells
(segment.py, grid.py), classify every cell (glyphs.py) and decode under each plausible layout
with check-digit-guided correction (correct.py). The first reading whose check digits all hold
wins; otherwise the best-scoring plausible one is returned, and None when nothing looks like an
MRZ. Reading is a search over a handful of hypotheses, each cheap (a few hundred cells through a
small perceptron), so trying them beats guessing the layout up front.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np

from services.identity.core.images import RgbImage
from services.identity.core.mrz import LAYOUTS, MrzFormat
from services.identity.core.ocr.band import Band, crop_band, find_bands
from services.identity.core.ocr.certainty import field_margins, unsure_fields
from services.identity.core.ocr.correct import Decoded, decode
from services.identity.core.ocr.glyphs import GlyphModel, default_model
from services.identity.core.ocr.grid import cut_lines
from services.identity.core.ocr.render import ALPHABET, GrayImage
from services.identity.core.ocr.segment import PreparedBand, prepare_band

# Layout hypotheses by line shape; a visa is told from a TD by its document code after reading.
_SHAPES: Final = (
    (3, 30, MrzFormat.TD1, MrzFormat.TD1),
    (2, 44, MrzFormat.TD3, MrzFormat.MRV_A),
    (2, 36, MrzFormat.TD2, MrzFormat.MRV_B),
)
MIN_CHECK_SHARE: Final = 0.5
"""Below this share of valid check digits a reading is taken for text that is not an MRZ
(random text passes a check one time in ten)."""
MIN_CONFIDENCE: Final = 0.75
"""Below this mean probability of the chosen characters the cells were not OCR-B glyphs."""


@dataclass(frozen=True, slots=True)
class MrzReading:
    """What was read: the MRZ lines, the mean probability of the characters chosen (how sure
    the OCR is of what it printed, whatever the check digits say: a confidently read failing
    check digit is a finding, a doubtful one a misread), the check digits that hold, the band's
    (x, y, w, h) in image pixels and the time each stage took."""

    lines: tuple[str, ...]
    confidence: float
    band: tuple[int, int, int, int]
    timings_ms: Mapping[str, float]
    checks_passed: int = 0
    checks_total: int = 0
    field_margins: Mapping[str, float] = field(default_factory=dict)
    """Per field, the nats the likeliest other reading that passes the same checks gives up
    (certainty.py); small means another reading was nearly as likely."""
    unsure_fields: tuple[str, ...] = ()
    """The fields a check digit covers whose margin is below `certainty.UNSURE_BELOW`: a
    valid check digit there does not prove the read."""

    @property
    def checks_valid(self) -> bool:
        return self.checks_passed == self.checks_total


@dataclass(slots=True)
class _Clock:
    started: float = field(default_factory=time.perf_counter)
    spent: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.spent[stage] = self.spent.get(stage, 0.0) + (now - since) * 1000.0
        return now

    def timings(self) -> dict[str, float]:
        return {**self.spent, "total": (time.perf_counter() - self.started) * 1000.0}


@dataclass(frozen=True, slots=True)
class _Candidate:
    decoded: Decoded
    band: Band

    @property
    def share(self) -> float:
        return self.decoded.checks_passed / max(self.decoded.checks_total, 1)

    @property
    def score(self) -> float:
        # Confidence first: an upside-down or mis-cut band yields flat probabilities, and with
        # flat probabilities the correction can satisfy most check digits with cheap changes.
        return self.decoded.confidence * (0.5 + 0.5 * self.share)

    @property
    def plausible(self) -> bool:
        return self.share >= MIN_CHECK_SHARE and self.decoded.confidence >= MIN_CONFIDENCE


def read_mrz(pixels: RgbImage, model: GlyphModel | None = None) -> MrzReading | None:
    """The MRZ of a document photo or scan, or None if the image shows none."""
    clock = _Clock()
    glyphs = model or default_model()
    gray = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), np.uint8)
    bands = find_bands(gray)
    clock.add("locate", clock.started)
    best: _Candidate | None = None
    for band in bands:
        for turn in (False, True):
            for candidate in _read_band(gray, band, turn, glyphs, clock):
                if best is None or candidate.score > best.score:
                    best = candidate
            if best is not None and best.share == 1.0 and best.plausible:
                return _reading(best, clock)
    if best is None or not best.plausible:
        return None
    return _reading(best, clock)


def _read_band(
    gray: GrayImage, band: Band, turn: bool, glyphs: GlyphModel, clock: _Clock
) -> Iterator[_Candidate]:
    mark = time.perf_counter()
    prepared = prepare_band(crop_band(gray, band, turn))
    mark = clock.add("segment", mark)
    if prepared is None:
        return
    for line_count, length, usual, visa in _SHAPES:
        if len(prepared.rows) < line_count:
            continue
        decoded = _read_shape(prepared, line_count, length, (usual, visa), glyphs, clock)
        if decoded is not None:
            yield _Candidate(decoded, band)


def _read_shape(
    prepared: PreparedBand,
    line_count: int,
    length: int,
    formats: tuple[MrzFormat, MrzFormat],
    glyphs: GlyphModel,
    clock: _Clock,
) -> Decoded | None:
    mark = time.perf_counter()
    lines = cut_lines(prepared, prepared.rows[-line_count:], length)
    mark = clock.add("segment", mark)
    if lines is None:
        return None
    probabilities = glyphs.probabilities(np.concatenate(lines))
    mark = clock.add("classify", mark)
    per_line = [probabilities[i * length : (i + 1) * length] for i in range(line_count)]
    decoded = decode(per_line, LAYOUTS[_format(per_line[0][0], formats)])
    clock.add("correct", mark)
    return decoded


def _format(first_cell: np.ndarray, formats: tuple[MrzFormat, MrzFormat]) -> MrzFormat:
    """Visa only when the first cell clearly reads V; else the passport or card of that shape.
    Not by which decodes with more valid check digits: a visa has fewer to satisfy (no
    composite), and a damaged passport read as a "valid visa" is worse than a passport read
    with one failing check digit."""
    usual, visa = formats
    return visa if float(first_cell[ALPHABET.index("V")]) >= 0.5 else usual


def _reading(candidate: _Candidate, clock: _Clock) -> MrzReading:
    decoded = candidate.decoded
    mark = time.perf_counter()
    margins = field_margins(decoded.probabilities, decoded.lines, decoded.layout)
    clock.add("certainty", mark)
    return MrzReading(
        lines=decoded.lines,
        confidence=round(decoded.confidence, 4),
        band=candidate.band.box(),
        timings_ms=clock.timings(),
        checks_passed=decoded.checks_passed,
        checks_total=decoded.checks_total,
        field_margins=margins,
        unsure_fields=unsure_fields(margins, decoded.layout),
    )
