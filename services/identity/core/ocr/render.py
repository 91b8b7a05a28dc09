"""OCR-B text rendered at a fixed pitch, from the vendored public-domain font.

The glyph classifier is trained on these renders and the synthetic documents print their MRZ
with them, so both sides of the benchmark share one definition of what OCR-B looks like. Each
glyph is rasterised once at a large size and cached; a line is composed by placing glyphs on
an exact pitch (ICAO 9303-3: 10 characters per inch), then resized, which is both faster and
more faithful to a fixed-pitch printer than letting the font's kerning place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

FONT_PATH: Final = Path(__file__).parent / "data" / "OCRB.otf"
ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

GrayImage = npt.NDArray[np.uint8]

# Master raster: em of 200 px; OCR-B's advance is 0.723 em and its cap height about 0.71 em.
_MASTER_EM: Final = 200
_MASTER_TOP: Final = 30  # rows above the cap line in a master cell
_MASTER_HEIGHT: Final = 200


@dataclass(frozen=True, slots=True)
class LineStyle:
    """How one MRZ line is printed: cap height in pixels, pitch as a multiple of it, ink weight.

    `weight` thickens (> 0) or thins (< 0) strokes by that many master pixels, to imitate
    printers that bleed or starve.
    """

    cap_height: float = 24.0
    pitch_ratio: float = 1.02
    weight: int = 0
    stretch: float = 1.0
    """Horizontal scale of the whole line: printers and OCR-B cuts differ in glyph width."""
    plain_i: bool = False
    """Print `I` as a bare stem: OCR-B's `I` has serifs, but some MRZ fonts in the wild (the
    ICAO specimen renders among them) drop them."""


@cache
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), _MASTER_EM)


@cache
def master_glyph(char: str, weight: int = 0, stem_only: bool = False) -> GrayImage:
    """The glyph as ink (255) on 0, in a master cell one advance wide (`stem_only`: just the
    columns inked over most of the height, i.e. an `I` without its serifs)."""
    font = _font()
    width = round(font.getlength(char))
    image = Image.new("L", (width, _MASTER_HEIGHT), 0)
    ImageDraw.Draw(image).text((0, _MASTER_TOP - _cap_top()), char, font=font, fill=255)
    glyph = np.asarray(image, dtype=np.uint8).copy()
    if stem_only:
        inked = (glyph > 127).sum(axis=0)
        glyph[:, inked < 0.6 * inked.max()] = 0
    if weight:
        kernel = np.ones((abs(weight) * 2 + 1, abs(weight) * 2 + 1), np.uint8)
        op = cv2.dilate if weight > 0 else cv2.erode
        glyph = np.asarray(op(glyph, kernel), np.uint8)
    return glyph


@cache
def _cap_top() -> int:
    """Row at which capitals start when drawing at y = 0 (the font's ascent above caps)."""
    image = Image.new("L", (_MASTER_EM, _MASTER_EM * 2), 0)
    ImageDraw.Draw(image).text((0, 0), "H", font=_font(), fill=255)
    rows = np.nonzero(np.asarray(image).max(axis=1) > 127)[0]
    return int(rows[0])


@cache
def _cap_height() -> int:
    rows = np.nonzero(master_glyph("H").max(axis=1) > 127)[0]
    return int(rows[-1] - rows[0] + 1)


def render_line(text: str, style: LineStyle) -> GrayImage:
    """`text` as ink (255) on 0, one cap height plus half of it above and below."""
    cells = [master_glyph(c, style.weight, style.plain_i and c == "I") for c in text]
    advance = cells[0].shape[1]
    cap = _cap_height()
    pitch = style.pitch_ratio * cap
    width = round(pitch * len(text) + advance)
    master = np.zeros((_MASTER_HEIGHT, width), np.uint8)
    for index, glyph in enumerate(cells):
        # Centre each glyph in its pitch cell, as fixed-pitch MRZ printers do.
        x = round(index * pitch + (pitch - glyph.shape[1]) / 2 + advance / 2)
        region = master[:, x : x + glyph.shape[1]]
        np.maximum(region, glyph[:, : region.shape[1]], out=region)
    top, bottom = _MASTER_TOP - cap // 2, _MASTER_TOP + cap + cap // 2
    master = master[max(top, 0) : bottom]
    scale = style.cap_height / cap
    size = (
        max(1, round(master.shape[1] * scale * style.stretch)),
        max(1, round(master.shape[0] * scale)),
    )
    return np.asarray(cv2.resize(master, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def render_block(
    lines: list[str] | tuple[str, ...], style: LineStyle, spacing: float = 1.9
) -> GrayImage:
    """Several lines stacked with `spacing` cap heights from baseline to baseline (ink on 0)."""
    rendered = [render_line(line, style) for line in lines]
    step = round(spacing * style.cap_height)
    line_height = rendered[0].shape[0]
    width = max(r.shape[1] for r in rendered)
    block = np.zeros((step * (len(lines) - 1) + line_height, width), np.uint8)
    for index, line in enumerate(rendered):
        region = block[index * step : index * step + line_height, : line.shape[1]]
        np.maximum(region, line[: region.shape[0]], out=region)
    return block
