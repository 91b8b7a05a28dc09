"""Synthetic specimen documents: MRZ strings, determinism, and a portrait the face checks accept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from services.identity.core.face_model import DlibFaceModel
from services.identity.core.faces import (
    DOCUMENT_POLICY,
    SELFIE_POLICY,
    MatchVerdict,
    analyse_face,
    compare_faces,
)
from services.identity.core.images import decode_image
from services.identity.core.mrz import parse_mrz
from services.identity.specimens import (
    PHOTO,
    VALID_FOR_YEARS,
    DocumentKind,
    HolderFields,
    SpecimenOptions,
    head_and_shoulders,
    random_fields,
    render_specimen,
    specimen_jpeg,
    td1_mrz,
    td3_mrz,
)
from tests.services.identity.conftest import FaceImageLoader

ICAO_HOLDER = HolderFields(
    surname="ERIKSSON",
    given_names="ANNA MARIA",
    document_number="L898902C3",
    birth_date=date(1974, 8, 12),
    expiry_date=date(2012, 4, 15),
    personal_number="ZE184226B",
)
TODAY = date(2026, 1, 1)


def test_the_icao_passport_specimen_is_reproduced() -> None:
    assert td3_mrz(ICAO_HOLDER) == (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    )


def test_the_icao_card_specimen_is_reproduced() -> None:
    card = HolderFields(
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="D23145890",
        birth_date=date(1974, 8, 12),
        expiry_date=date(2012, 4, 15),
    )
    assert td1_mrz(card, document_code="I") == (
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    )


@pytest.mark.parametrize("seed", range(20))
def test_random_holders_give_mrzs_whose_every_check_digit_holds(seed: int) -> None:
    fields = random_fields(np.random.default_rng(seed))
    for lines in (td3_mrz(fields), td1_mrz(fields)):
        document = parse_mrz(lines, TODAY)
        assert document.valid, (lines, document.checks, document.problems)
        assert document.surname == fields.surname


def test_a_seed_gives_the_same_image_and_another_seed_another() -> None:
    fields = random_fields(np.random.default_rng(1))
    first = render_specimen(fields, None, SpecimenOptions(distortion=PHOTO, seed=5))
    again = render_specimen(fields, None, SpecimenOptions(distortion=PHOTO, seed=5))
    other = render_specimen(fields, None, SpecimenOptions(distortion=PHOTO, seed=6))

    assert np.array_equal(first.pixels, again.pixels)
    assert not np.array_equal(first.pixels, other.pixels)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_the_portrait_is_found_and_matches_a_selfie_of_the_holder(
    kind: DocumentKind, face_model: DlibFaceModel, face_images: FaceImageLoader
) -> None:
    portrait = head_and_shoulders(face_images("obama1.jpg"))
    fields = random_fields(np.random.default_rng(3))
    document = render_specimen(
        fields, portrait, SpecimenOptions(kind=kind, distortion=PHOTO, seed=3)
    )

    on_document = analyse_face(document.pixels, DOCUMENT_POLICY, face_model)
    selfie = analyse_face(face_images("obama-480p.jpg"), SELFIE_POLICY, face_model)
    stranger = analyse_face(face_images("biden.jpg"), SELFIE_POLICY, face_model)

    assert on_document.usable, on_document.issues
    match = compare_faces(selfie, on_document)
    mismatch = compare_faces(stranger, on_document)
    assert match is not None
    assert match.verdict is MatchVerdict.MATCH
    assert mismatch is not None
    assert mismatch.verdict is MatchVerdict.MISMATCH


def test_a_specimen_jpeg_decodes_to_the_rendered_page() -> None:
    fields = replace(ICAO_HOLDER, expiry_date=VALID_FOR_YEARS)
    page = render_specimen(fields, None, SpecimenOptions()).pixels
    decoded = decode_image(specimen_jpeg(fields, None)).pixels
    assert decoded.shape == page.shape
    assert float(np.abs(decoded.astype(np.int16) - page.astype(np.int16)).mean()) < 4.0
