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
    ApplicantData,
    DocumentPolicy,
    DocumentReport,
    analyse_document,
    default_reader,
)
from services.identity.core.face_model import DlibFaceModel
from services.identity.core.faces import DOCUMENT_POLICY, analyse_face
from services.identity.core.images import decode_image
from services.identity.core.verdict import CheckStatus, Decision, decide
from tests.services.identity.core.test_mrz_parser import GOLDENS

pytest.importorskip(OCR_MODULE, reason="this build has no MRZ reader (area/mrz-ocr)")

VALID_ON = date(2010, 6, 1)
SPECIMENS_OK = DocumentPolicy(accept_specimens=True)
# How exactly the OCR reads each image is the OCR's own test (ocr/test_reader.py); here, the
# engine must get every check right on what was read exactly, and enough must be read.
AT_LEAST_READ_EXACTLY = 13  # of the 14 images with an MRZ (13 at the merge of 800e052)


def _rows() -> list[dict[str, str]]:
    with GOLDENS.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _expected(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[k] for k in ("line1", "line2", "line3") if row[k])


def _analyse(path: Path, face_model: DlibFaceModel | None = None) -> DocumentReport:
    pixels = decode_image(path.read_bytes(), field="document").pixels
    portraits = None
    if face_model is not None:
        portraits = lambda image: analyse_face(image, DOCUMENT_POLICY, face_model)  # noqa: E731
    return analyse_document(pixels, None, SPECIMENS_OK, VALID_ON, default_reader(), portraits)


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_shared_document_checks_on_what_was_read(row: dict[str, str], shared_data: Path) -> None:
    report = _analyse(shared_data / "documents" / row["file"])
    statuses = {c.name: (c.status, c.reason_code) for c in report.checks}
    if row["mrz_type"] == "NONE":
        assert statuses == {"mrz_present": (CheckStatus.FAIL, "MRZ_NOT_FOUND")}
        return
    if report.mrz is None or report.mrz.lines != _expected(row):
        pytest.skip(f"the OCR misreads {row['file']} (reading accuracy: ocr/test_reader.py)")
    assert report.mrz.valid
    for name in ("mrz_present", "mrz_check_digits", "mrz_fields", "issuing_state"):
        assert statuses[name] == (CheckStatus.PASS, "OK"), name
    for name in ("image_resolution", "image_blur", "image_glare", "document_cropping"):
        assert statuses[name] == (CheckStatus.PASS, "OK"), (name, report.checks)


def test_enough_shared_documents_are_read_exactly(shared_data: Path) -> None:
    rows = [r for r in _rows() if r["mrz_type"] != "NONE"]
    exact = 0
    for row in rows:
        report = _analyse(shared_data / "documents" / row["file"])
        exact += report.mrz is not None and report.mrz.lines == _expected(row)
    assert exact >= AT_LEAST_READ_EXACTLY


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


def test_a_misread_that_passes_every_check_digit_goes_to_a_person(shared_data: Path) -> None:
    # The angled, glary LUX photo: the OCR's reading of the document number can satisfy every
    # check digit and still be wrong (S and 8 weigh the same modulo 10). With the holder's own
    # data typed in, that must not decline the genuine document, nor approve a wrong number.
    row = next(r for r in _rows() if r["file"].endswith("pass-lux.jpg"))
    path = shared_data / "documents" / row["file"]
    pixels = decode_image(path.read_bytes(), field="document").pixels
    holder = ApplicantData("Ketty", "Maus", date(1978, 6, 20), "S998527")
    report = analyse_document(pixels, holder, SPECIMENS_OK, VALID_ON, default_reader())
    assert report.mrz is not None
    if report.mrz.lines == _expected(row) or not report.mrz.valid:
        pytest.skip("the OCR no longer misreads the LUX photo with valid check digits")
    statuses = {c.name: (c.status, c.reason_code) for c in report.checks}
    assert statuses["mrz_read_certainty"] == (CheckStatus.UNKNOWN, "MRZ_LOW_CONFIDENCE")
    assert statuses["applicant_document_number"] == (CheckStatus.UNKNOWN, "MRZ_LOW_CONFIDENCE")
    assert decide(report.checks) is Decision.REVIEW
