"""End to end on the shared document photos: the real OCR, the parser and every check.

Skips when this build has no OCR (services.identity.core.ocr) or ../shared/data is absent.
`today` is pinned to a day the ICAO-style specimens were valid, so expiry does not hide the rest.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from services.identity.core.documents import (
    OCR_MODULE,
    DocumentPolicy,
    DocumentReport,
    analyse_document,
    default_reader,
)
from services.identity.core.face_model import DlibFaceModel
from services.identity.core.faces import DOCUMENT_POLICY, analyse_face
from services.identity.core.images import decode_image
from services.identity.core.verdict import CheckStatus
from tests.services.identity.core.test_mrz_parser import GOLDENS

pytest.importorskip(OCR_MODULE, reason="this build has no MRZ reader (area/mrz-ocr)")

VALID_ON = date(2010, 6, 1)
# The OCR as merged (area/mrz-ocr 2c8fe4b, "first model") misreads one name-line letter on
# these two; its branch works on it. Remove them from here when it reads them.
KNOWN_NAME_LINE_MISREADS = frozenset(
    {"icao_style/fastmrz_mrvb.jpg", "icao_style/fastmrz_passport_uk.jpg"}
)
SPECIMENS_OK = DocumentPolicy(accept_specimens=True)


def _rows() -> list[dict[str, str]]:
    with GOLDENS.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _analyse(path: Path, face_model: DlibFaceModel | None = None) -> DocumentReport:
    pixels = decode_image(path.read_bytes(), field="document").pixels
    portraits = None
    if face_model is not None:
        portraits = lambda image: analyse_face(image, DOCUMENT_POLICY, face_model)  # noqa: E731
    return analyse_document(pixels, None, SPECIMENS_OK, VALID_ON, default_reader(), portraits)


def _strict(row: dict[str, str]) -> bool:
    """The ICAO-style images must read exactly (issue 4's target); the national specimens are
    harder photos (angled, glare) where the reader may fail, but must never be wrong."""
    return row["file"].startswith(("icao_style/", "negatives/"))


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_shared_document_reads_and_checks(row: dict[str, str], shared_data: Path) -> None:
    report = _analyse(shared_data / "documents" / row["file"])
    statuses = {c.name: (c.status, c.reason_code) for c in report.checks}
    if row["mrz_type"] == "NONE":
        assert statuses == {"mrz_present": (CheckStatus.FAIL, "MRZ_NOT_FOUND")}
        return
    if not _strict(row) and (report.mrz is None or not report.mrz.valid):
        pytest.skip(f"the reader could not read {row['file']} (allowed for national specimens)")
    expected = tuple(row[k] for k in ("line1", "line2", "line3") if row[k])
    assert report.mrz is not None
    if row["file"] in KNOWN_NAME_LINE_MISREADS:
        # No check digit covers the name line: the rest must still be right, and the misread
        # must not pass unnoticed where it can be noticed (UTD is no country: mrz_fields fails).
        assert report.mrz.lines[1:] == expected[1:]
        assert all(c.ok for c in report.mrz.checks)
        return
    assert report.mrz.lines == expected
    assert report.mrz.valid
    for name in ("mrz_present", "mrz_check_digits", "mrz_fields", "issuing_state"):
        assert statuses[name] == (CheckStatus.PASS, "OK"), name
    for name in ("image_resolution", "image_blur", "image_glare", "document_cropping"):
        assert statuses[name] == (CheckStatus.PASS, "OK"), (name, report.checks)


def test_specimen_passport_fields_and_portrait(
    shared_data: Path, face_model: DlibFaceModel
) -> None:
    path = shared_data / "documents" / "icao_style" / "passporteye_passport-td3.png"
    report = _analyse(path, face_model)
    assert report.mrz is not None
    assert (report.mrz.surname, report.mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (report.mrz.document_number, report.mrz.birth_date) == ("L898902C3", date(1974, 8, 12))
    assert [c.status for c in report.checks if c.name == "portrait_present"] == [CheckStatus.PASS]


def test_czech_specimen_is_not_taken_for_a_child(shared_data: Path) -> None:
    report = _analyse(
        shared_data / "documents" / "national_specimens" / "passporteye_100_pass-cze.jpg"
    )
    assert report.mrz is not None
    assert report.mrz.birth.candidates == (date(1911, 1, 1),)  # 2011 is after VALID_ON
    today = date(2026, 11, 29)
    pixels = decode_image(
        (
            shared_data / "documents" / "national_specimens" / "passporteye_100_pass-cze.jpg"
        ).read_bytes()
    ).pixels
    later = analyse_document(pixels, None, SPECIMENS_OK, today, default_reader())
    age = next(c for c in later.checks if c.name == "minimum_age")
    assert (age.status, age.reason_code) == (CheckStatus.UNKNOWN, "BIRTH_CENTURY_AMBIGUOUS")
