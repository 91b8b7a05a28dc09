"""OCR-B rendering at a fixed pitch, and the band segmentation on a clean render."""

from __future__ import annotations

import numpy as np

from services.identity.core.ocr.grid import cut_lines
from services.identity.core.ocr.render import LineStyle, render_block, render_line
from services.identity.core.ocr.segment import CELL_SHAPE, prepare_band

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def test_lines_of_equal_length_render_equally_wide_whatever_the_characters() -> None:
    style = LineStyle(cap_height=20)
    widths = {render_line(line, style).shape[1] for line in (*TD3, "<" * 44, "I" * 44)}
    assert len(widths) == 1


def test_a_clean_render_is_cut_into_one_cell_per_character() -> None:
    ink = render_block(TD3, LineStyle(cap_height=16))
    page = np.pad(255 - ink, 30, constant_values=255).astype(np.uint8)

    band = prepare_band(page)

    assert band is not None
    assert len(band.rows) == 2
    lines = cut_lines(band, band.rows, 44)
    assert lines is not None
    assert [cells.shape for cells in lines] == [(44, *CELL_SHAPE)] * 2
    assert cut_lines(band, band.rows, 36) is None  # the wrong length does not fit the pitch
