"""read_mrz on the shared specimen images and on generated documents."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.identity.core.images import RgbImage
from services.identity.core.ocr import read_mrz
from services.identity.specimens import (
    PHOTO,
    DocumentKind,
    SpecimenOptions,
    random_fields,
    render_specimen,
)

pytestmark = pytest.mark.shared_data


def expected_rows(group: str) -> list[dict[str, str]]:
    fixture = Path(__file__).parents[4] / "fixtures" / "identity" / "documents" / "expected_mrz.csv"
    with fixture.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["file"].startswith(group)]


def load(shared_data: Path, name: str) -> RgbImage:
    return np.asarray(Image.open(shared_data / "documents" / name).convert("RGB"))


def lines_of(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[k] for k in ("line1", "line2", "line3") if row[k])


@pytest.mark.parametrize("row", expected_rows("icao_style"), ids=lambda r: r["file"])
def test_every_icao_style_specimen_reads_exactly(shared_data: Path, row: dict[str, str]) -> None:
    reading = read_mrz(load(shared_data, row["file"]))

    assert reading is not None
    assert reading.lines == lines_of(row)
    assert reading.checks_valid
    assert reading.confidence > 0.8


def test_a_payment_card_has_no_mrz(shared_data: Path) -> None:
    assert read_mrz(load(shared_data, "negatives/fastmrz_nomrz.jpg")) is None


def test_an_image_upside_down_still_reads(shared_data: Path) -> None:
    row = expected_rows("icao_style/passporteye_passport-td3.jpg")[0]
    upside_down = np.ascontiguousarray(load(shared_data, row["file"])[::-1, ::-1])

    reading = read_mrz(upside_down)

    assert reading is not None
    assert reading.lines == lines_of(row)


def test_the_band_and_timings_are_reported(shared_data: Path) -> None:
    pixels = load(shared_data, "icao_style/fastmrz_td3.jpg")
    reading = read_mrz(pixels)

    assert reading is not None
    x, y, w, _ = reading.band
    assert x >= 0
    assert x + w <= pixels.shape[1] + 10
    assert y > pixels.shape[0] / 2  # the MRZ is the bottom block of the page
    assert w > 0.6 * pixels.shape[1]
    assert {"locate", "segment", "classify", "total"} <= set(reading.timings_ms)


@pytest.mark.parametrize("seed", range(6))
def test_generated_documents_read_exactly(seed: int) -> None:
    kind = DocumentKind.PASSPORT if seed % 2 == 0 else DocumentKind.ID_CARD
    fields = random_fields(np.random.default_rng(seed))
    specimen = render_specimen(
        fields, None, SpecimenOptions(kind=kind, distortion=PHOTO, seed=seed)
    )

    reading = read_mrz(specimen.pixels)

    assert reading is not None
    assert reading.lines == specimen.mrz
