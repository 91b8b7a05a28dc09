"""The document engine: each check passes on a good document and fails on its own defect.

The reader is injected (`KnownReader`): these tests are about the checks, not the OCR; the
end-to-end tests with the OCR on the shared images live in test_documents_images.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from bench.identity.document_images import (
    KnownReader,
    SyntheticDocument,
    cropped_below,
    downscaled,
    draw_document,
    td3_lines,
    with_blur,
    with_glare,
)
from services.identity.core.document_quality import measure_band
from services.identity.core.documents import (
    ApplicantData,
    DocumentPolicy,
    DocumentReport,
    analyse_document,
)
from services.identity.core.face_model import DlibFaceModel
from services.identity.core.faces import DOCUMENT_POLICY, FaceAnalysis, analyse_face
from services.identity.core.images import RgbImage
from services.identity.core.mrz import check_digit
from services.identity.core.verdict import Check, CheckStatus, Decision, decide
from tests.services.identity.conftest import FaceImageLoader
from tests.services.identity.core.test_mrz_parser import CZE, TD1, TD3

VALID_ON = date(2010, 6, 1)  # the ICAO specimen TD3 expires on 2012-04-15
ANNA = ApplicantData("Anna Maria", "Eriksson", date(1974, 8, 12), "L898902C3")
SPECIMENS_OK = DocumentPolicy(accept_specimens=True)


def analyse(
    doc: SyntheticDocument,
    applicant: ApplicantData | None = ANNA,
    policy: DocumentPolicy = SPECIMENS_OK,
    today: date = VALID_ON,
) -> DocumentReport:
    return analyse_document(doc.pixels, applicant, policy, today, reader=KnownReader(doc.reading))


def by_name(report: DocumentReport) -> dict[str, Check]:
    return {c.name: c for c in report.checks}


def status(report: DocumentReport, name: str) -> tuple[CheckStatus, str]:
    check = by_name(report)[name]
    return check.status, check.reason_code


@pytest.fixture(scope="module")
def passport() -> SyntheticDocument:
    return draw_document(TD3)


def test_a_good_document_passes_every_check(passport: SyntheticDocument) -> None:
    report = analyse(passport)
    assert [c.name for c in report.checks if c.status is not CheckStatus.PASS] == []
    assert [c.name for c in report.checks] == [
        "mrz_present", "mrz_check_digits", "mrz_read_certainty", "mrz_fields", "document_type",
        "issuing_state", "document_expiry", "minimum_age", "applicant_name", "applicant_birth_date",
        "applicant_document_number", "image_resolution", "image_blur", "image_glare",
        "document_cropping",
    ]  # fmt: skip
    assert report.mrz is not None
    assert report.mrz.document_number == "L898902C3"
    assert decide(report.checks) is Decision.APPROVED
    assert set(report.timings_ms) == {"mrz_read", "total"}


def test_no_mrz_asks_for_a_retry(passport: SyntheticDocument) -> None:
    report = analyse_document(
        passport.pixels, ANNA, SPECIMENS_OK, VALID_ON, reader=KnownReader(None)
    )
    assert [(c.name, c.reason_code) for c in report.checks] == [("mrz_present", "MRZ_NOT_FOUND")]
    assert report.mrz is None
    assert decide(report.checks) is Decision.RETRY


def test_unparseable_lines_are_no_mrz(passport: SyntheticDocument) -> None:
    garbled = replace(passport.reading, lines=("P<UTO", "L898"))
    report = analyse_document(
        passport.pixels, ANNA, SPECIMENS_OK, VALID_ON, reader=KnownReader(garbled)
    )
    assert status(report, "mrz_present") == (CheckStatus.FAIL, "MRZ_NOT_FOUND")


def _with_lines(doc: SyntheticDocument, *lines: str) -> SyntheticDocument:
    return SyntheticDocument(doc.pixels, replace(doc.reading, lines=tuple(lines)))


def test_a_wrong_check_digit_declines(passport: SyntheticDocument) -> None:
    forged = _with_lines(passport, TD3[0], TD3[1].replace("L898902C3", "L898902C4"))
    report = analyse(forged, applicant=None)
    check = by_name(report)["mrz_check_digits"]
    assert (check.status, check.reason_code) == (CheckStatus.FAIL, "MRZ_CHECK_DIGIT_INVALID")
    assert "document_number expects 7, reads '6'" in check.detail
    assert decide(report.checks) is Decision.DECLINED


def test_malformed_fields_fail_mrz_fields(passport: SyntheticDocument) -> None:
    bad_sex = TD3[1][:20] + "Q" + TD3[1][21:]
    assert status(analyse(_with_lines(passport, TD3[0], bad_sex)), "mrz_fields") == (
        CheckStatus.FAIL, "MRZ_SEX_INVALID",
    )  # fmt: skip
    stateless = TD3[1][:10] + "ZZZ" + TD3[1][13:]
    stateless = stateless[:43] + str(
        check_digit(stateless[0:10] + stateless[13:20] + stateless[21:43])
    )
    assert status(analyse(_with_lines(passport, TD3[0], stateless)), "mrz_fields") == (
        CheckStatus.FAIL, "MRZ_COUNTRY_UNKNOWN",
    )  # fmt: skip


def test_document_type_follows_the_policy(passport: SyntheticDocument) -> None:
    ids_only = replace(SPECIMENS_OK, allowed_document_codes=frozenset({"I"}))
    assert status(analyse(passport, policy=ids_only), "document_type") == (
        CheckStatus.FAIL, "DOCUMENT_TYPE_NOT_ACCEPTED",
    )  # fmt: skip
    odd = _with_lines(passport, "Q" + TD3[0][1:], TD3[1])
    assert status(analyse(odd), "document_type") == (CheckStatus.FAIL, "MRZ_DOCUMENT_CODE_INVALID")


def test_issuing_state_unknown_refused_or_specimen(passport: SyntheticDocument) -> None:
    unknown = _with_lines(passport, TD3[0][:2] + "ZZZ" + TD3[0][5:], TD3[1])
    assert status(analyse(unknown), "issuing_state") == (CheckStatus.FAIL, "ISSUING_STATE_INVALID")
    assert status(analyse(passport, policy=DocumentPolicy()), "issuing_state") == (
        CheckStatus.FAIL, "ISSUING_STATE_NOT_ACCEPTED",
    )  # fmt: skip
    refused = replace(SPECIMENS_OK, refused_issuing_states=frozenset({"UTO"}))
    assert (
        status(analyse(passport, policy=refused), "issuing_state")[1]
        == "ISSUING_STATE_NOT_ACCEPTED"
    )


def test_expiry_with_grace(passport: SyntheticDocument) -> None:
    after = date(2012, 4, 20)
    assert status(analyse(passport, today=after), "document_expiry") == (
        CheckStatus.FAIL, "DOCUMENT_EXPIRED",
    )  # fmt: skip
    graceful = replace(SPECIMENS_OK, expiry_grace_days=10)
    assert (
        status(analyse(passport, policy=graceful, today=after), "document_expiry")[0]
        is CheckStatus.PASS
    )
    assert decide(analyse(passport, today=after).checks) is Decision.DECLINED


def test_underage(passport: SyntheticDocument) -> None:
    strict = replace(SPECIMENS_OK, minimum_age_years=40)
    assert status(analyse(passport, policy=strict), "minimum_age") == (CheckStatus.FAIL, "UNDERAGE")


def test_czech_specimen_century_goes_to_a_person_not_to_underage() -> None:
    doc = draw_document(CZE)
    typed_1911 = ApplicantData("Vzor", "Specimen", date(1911, 1, 1), "99003853")
    report = analyse(doc, typed_1911, today=date(2011, 6, 1))
    assert status(report, "minimum_age") == (CheckStatus.UNKNOWN, "BIRTH_CENTURY_AMBIGUOUS")
    assert status(report, "applicant_birth_date")[0] is CheckStatus.PASS
    assert decide(report.checks) is Decision.REVIEW
    # Typing the young reading is the applicant's own word: underage.
    typed_2011 = replace(typed_1911, birth_date=date(2011, 1, 1))
    assert status(analyse(doc, typed_2011, today=date(2011, 6, 1)), "minimum_age")[1] == "UNDERAGE"


def test_applicant_name_fuzzy_across_diacritics_and_transliteration(
    passport: SyntheticDocument,
) -> None:
    for given, surname in (
        ("Anna María", "Eriksson"),
        ("ANNA MARIA", "ERIKSON"),
        ("Maria Anna", "Eriksson"),
    ):
        typed = replace(ANNA, given_names=given, surname=surname)
        assert status(analyse(passport, typed), "applicant_name")[0] is CheckStatus.PASS, given
    other = replace(ANNA, given_names="Hubert", surname="Blaine")
    assert status(analyse(passport, other), "applicant_name") == (CheckStatus.FAIL, "NAME_MISMATCH")
    assert decide(analyse(passport, other).checks) is Decision.REVIEW


def test_german_digraph_transliteration() -> None:
    line1 = "P<D<<MUELLER<<JOERG<<<<<<<<<<<<<<<<<<<<<<<<<"
    doc = draw_document((line1, TD3[1]))
    typed = ApplicantData("Jörg", "Müller", None, None)
    report = analyse(doc, typed)
    assert by_name(report)["applicant_name"].detail.startswith("similarity 100")


def test_applicant_birth_date_and_number_are_exact(passport: SyntheticDocument) -> None:
    typed = replace(ANNA, birth_date=date(1974, 8, 13), document_number="L898902C4")
    report = analyse(passport, typed)
    assert status(report, "applicant_birth_date") == (CheckStatus.FAIL, "BIRTH_DATE_MISMATCH")
    assert status(report, "applicant_document_number") == (
        CheckStatus.FAIL,
        "DOCUMENT_NUMBER_MISMATCH",
    )
    spaced = replace(ANNA, document_number="l898 902-c3")
    assert status(analyse(passport, spaced), "applicant_document_number")[0] is CheckStatus.PASS


def test_missing_applicant_data_is_unknown(passport: SyntheticDocument) -> None:
    report = analyse(passport, applicant=None)
    for name in ("applicant_name", "applicant_birth_date", "applicant_document_number"):
        assert status(report, name) == (CheckStatus.UNKNOWN, "APPLICANT_DATA_MISSING")
    assert decide(report.checks) is Decision.REVIEW


def test_long_td1_number_and_td1_layout() -> None:
    report = analyse(draw_document(TD1), replace(ANNA, document_number="D23145890"))
    assert status(report, "applicant_document_number")[0] is CheckStatus.PASS
    assert status(report, "mrz_check_digits")[0] is CheckStatus.PASS


def test_blur_asks_for_a_retry(passport: SyntheticDocument) -> None:
    char_height = 22
    report = analyse(with_blur(passport, 0.12 * char_height))
    assert status(report, "image_blur") == (CheckStatus.FAIL, "IMAGE_BLURRY")
    assert decide(report.checks) is Decision.RETRY
    smeared = analyse(with_blur(passport, 0.4 * char_height))
    assert status(smeared, "image_blur") == (CheckStatus.FAIL, "IMAGE_BLURRY")
    assert status(smeared, "image_resolution") == (CheckStatus.UNKNOWN, "RESOLUTION_TOO_LOW")


def test_slight_blur_passes(passport: SyntheticDocument) -> None:
    assert status(analyse(with_blur(passport, 0.04 * 22)), "image_blur")[0] is CheckStatus.PASS


def test_glare_on_the_mrz(passport: SyntheticDocument) -> None:
    x, y, w, h = passport.reading.band
    report = analyse(with_glare(passport, (x + w // 8, y, w // 4, h)))
    assert status(report, "image_glare") == (CheckStatus.FAIL, "GLARE_ON_MRZ")


def test_white_paper_is_not_glare() -> None:
    doc = draw_document(TD3)
    white = doc.pixels.copy()
    white[(white == (226, 222, 212)).all(axis=2)] = 255
    report = analyse(SyntheticDocument(white, doc.reading))
    assert status(report, "image_glare")[0] is CheckStatus.PASS


def test_mrz_cut_at_the_bottom_is_cropped(passport: SyntheticDocument) -> None:
    report = analyse(cropped_below(passport, 2))
    assert status(report, "document_cropping") == (CheckStatus.FAIL, "DOCUMENT_CROPPED")


def test_only_the_mrz_in_the_photo_is_cropped(passport: SyntheticDocument) -> None:
    x, y, w, h = passport.reading.band
    top = y  # the photo starts where the MRZ band does
    pixels = passport.pixels[top:].copy()
    reading = replace(passport.reading, band=(x, y - top, w, h))
    report = analyse(SyntheticDocument(pixels, reading))
    assert status(report, "document_cropping") == (CheckStatus.FAIL, "DOCUMENT_CROPPED")


def test_low_resolution(passport: SyntheticDocument) -> None:
    report = analyse(downscaled(passport, 0.3))
    assert status(report, "image_resolution") == (CheckStatus.FAIL, "RESOLUTION_TOO_LOW")


def test_a_band_without_text_is_unknown_resolution(passport: SyntheticDocument) -> None:
    empty = replace(passport.reading, band=(passport.pixels.shape[1] - 40, 5, 30, 30))
    report = analyse(SyntheticDocument(passport.pixels, empty))
    assert status(report, "image_resolution") == (CheckStatus.UNKNOWN, "RESOLUTION_TOO_LOW")
    assert decide(report.checks) is Decision.RETRY


PortraitFinder = Callable[[RgbImage], FaceAnalysis]


def _portraits(face_model: DlibFaceModel) -> PortraitFinder:
    return lambda pixels: analyse_face(pixels, DOCUMENT_POLICY, face_model)


def _with_portraits(doc: SyntheticDocument, portraits: PortraitFinder) -> DocumentReport:
    reader = KnownReader(doc.reading)
    return analyse_document(doc.pixels, ANNA, SPECIMENS_OK, VALID_ON, reader, portraits)


def test_portrait_present_or_missing(
    face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    found = _with_portraits(
        draw_document(TD3, face_images("obama_small.jpg")), _portraits(face_model)
    )
    assert status(found, "portrait_present")[0] is CheckStatus.PASS
    assert found.portrait is not None
    assert found.portrait.face is not None
    assert "portrait" in found.timings_ms
    missing = _with_portraits(draw_document(TD3), _portraits(face_model))
    assert status(missing, "portrait_present") == (CheckStatus.FAIL, "PORTRAIT_MISSING")
    assert decide(missing.checks) is Decision.RETRY


def test_glare_on_the_portrait(face_model: DlibFaceModel, face_images: FaceImageLoader) -> None:
    doc = draw_document(TD3, face_images("obama_small.jpg"))
    portrait = _portraits(face_model)(doc.pixels)
    assert portrait.face is not None
    box = portrait.face.detection.box
    glary = with_glare(doc, (box.left, box.top + box.height // 2, box.width, box.height // 2))
    report = _with_portraits(glary, lambda _: portrait)  # the same face, now under a highlight
    assert status(report, "image_glare") == (CheckStatus.FAIL, "GLARE_ON_PORTRAIT")


def test_the_reader_runs_once_per_document(passport: SyntheticDocument) -> None:
    reader = KnownReader(passport.reading)
    analyse_document(passport.pixels, ANNA, SPECIMENS_OK, VALID_ON, reader=reader)
    assert reader.calls == 1


def test_a_child_with_a_long_valid_passport_is_underage_not_ambiguous() -> None:
    # Born 2012, passport issued 2020 and valid to 2030: a 112-year-old is possible, not plausible.
    doc = draw_document(td3_lines("KID", "ALEX", "C1234567", "120301", "M", "300101"))
    report = analyse(doc, None, today=date(2026, 11, 29))
    assert status(report, "minimum_age") == (CheckStatus.FAIL, "UNDERAGE")
    assert decide(report.checks) is Decision.DECLINED


def test_typing_the_older_reading_of_an_unambiguous_date_is_a_mismatch() -> None:
    doc = draw_document(td3_lines("KID", "ALEX", "C1234567", "120301", "M", "300101"))
    typed = ApplicantData("Alex", "Kid", date(1912, 3, 1), "C1234567")
    report = analyse(doc, typed, today=date(2026, 11, 29))
    assert status(report, "applicant_birth_date") == (CheckStatus.FAIL, "BIRTH_DATE_MISMATCH")
    assert status(report, "minimum_age") == (CheckStatus.FAIL, "UNDERAGE")


def test_a_wrong_check_digit_on_an_unsure_read_asks_for_a_retry(
    passport: SyntheticDocument,
) -> None:
    misread = SyntheticDocument(
        passport.pixels,
        replace(
            passport.reading,
            lines=(TD3[0], TD3[1].replace("L898902C3", "L898902C4")),
            confidence=0.8,
        ),
    )
    report = analyse(misread, applicant=None)
    assert status(report, "mrz_check_digits") == (CheckStatus.FAIL, "MRZ_UNREADABLE")
    assert decide(report.checks) is Decision.RETRY
    bad_sex = replace(misread.reading, lines=(TD3[0], TD3[1][:20] + "Q" + TD3[1][21:]))
    assert (
        status(analyse(SyntheticDocument(passport.pixels, bad_sex)), "mrz_fields")[1]
        == "MRZ_UNREADABLE"
    )


def test_mrz_cut_at_the_side_is_cropped(passport: SyntheticDocument) -> None:
    x, _, width, _ = measure_band(passport.pixels, passport.reading.band).text_box
    assert status(analyse(passport), "document_cropping")[0] is CheckStatus.PASS
    keep = x + width + 10  # less than one character of margin on the right
    cut = SyntheticDocument(np.ascontiguousarray(passport.pixels[:, :keep]), passport.reading)
    assert status(analyse(cut), "document_cropping") == (CheckStatus.FAIL, "DOCUMENT_CROPPED")


def test_check_sentences_carry_no_personal_data() -> None:
    doc = draw_document(CZE)
    typed = ApplicantData("Vzor", "Specimen", date(1911, 1, 2), "99003854")
    report = analyse(doc, typed, today=date(2011, 6, 1))
    sentences = " ".join(c.detail for c in report.checks)
    for personal in ("SPECIMEN", "VZOR", "1911", "2011", "110101", "99003853", "99003854"):
        assert personal not in sentences.upper()


def test_an_unsure_document_number_that_differs_goes_to_review_not_decline(
    passport: SyntheticDocument,
) -> None:
    # The LUX case: every check digit holds, but S could as well be 8 (equal modulo 10).
    unsure = SyntheticDocument(
        passport.pixels, replace(passport.reading, unsure_fields=("document_number",))
    )
    typed = replace(ANNA, document_number="L898902C3".replace("8", "S", 1))
    report = analyse(unsure, typed)
    assert status(report, "mrz_check_digits") == (CheckStatus.PASS, "OK")
    assert status(report, "mrz_read_certainty") == (CheckStatus.UNKNOWN, "MRZ_LOW_CONFIDENCE")
    assert status(report, "applicant_document_number") == (
        CheckStatus.UNKNOWN,
        "MRZ_LOW_CONFIDENCE",
    )
    assert decide(report.checks) is Decision.REVIEW
    # The same read, sure of itself, is a mismatch that declines.
    assert decide(analyse(passport, typed).checks) is Decision.DECLINED


def test_a_typed_number_equal_to_the_unsure_read_confirms_it(passport: SyntheticDocument) -> None:
    unsure = SyntheticDocument(
        passport.pixels, replace(passport.reading, unsure_fields=("document_number",))
    )
    report = analyse(unsure, ANNA)
    assert status(report, "mrz_read_certainty") == (CheckStatus.PASS, "OK")
    assert decide(report.checks) is Decision.APPROVED
    assert status(analyse(unsure, None), "mrz_read_certainty")[1] == "MRZ_LOW_CONFIDENCE"


def test_an_unsure_expiry_date_does_not_decline_as_expired(passport: SyntheticDocument) -> None:
    unsure = SyntheticDocument(
        passport.pixels, replace(passport.reading, unsure_fields=("expiry_date",))
    )
    later = date(2013, 1, 1)  # the specimen expired on 2012-04-15
    assert status(analyse(passport, today=later), "document_expiry")[1] == "DOCUMENT_EXPIRED"
    report = analyse(unsure, today=later)
    assert status(report, "document_expiry") == (CheckStatus.UNKNOWN, "MRZ_LOW_CONFIDENCE")
    assert decide(report.checks) is Decision.REVIEW
