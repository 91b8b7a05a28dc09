"""Field margins on hand-built probabilities: the next reading that passes the same checks."""

from __future__ import annotations

import math

import pytest

from services.identity.core.mrz import LAYOUTS, MrzFormat
from services.identity.core.ocr.certainty import UNSURE_BELOW, field_margins, unsure_fields
from services.identity.core.ocr.correct import decode
from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray
from tests.services.identity.core.ocr.test_correct import TD3, confident, confuse

LAYOUT = LAYOUTS[MrzFormat.TD3]


def margins_of(probs: list[FloatArray]) -> tuple[tuple[str, ...], dict[str, float]]:
    decoded = decode(probs, LAYOUT)
    margins = field_margins(decoded.probabilities, decoded.lines, LAYOUT)
    return decoded.lines, margins


def test_a_clean_read_has_no_unsure_field() -> None:
    lines, margins = margins_of(confident(TD3))
    assert lines == TD3
    assert unsure_fields(margins, LAYOUT) == ()
    assert min(margins.values()) > UNSURE_BELOW


def test_s_for_8_in_the_document_number_passes_every_check_and_is_unsure() -> None:
    # L[8]98902C3: S (28) and 8 weigh the same modulo 10, so the check digits cannot tell.
    probs = confident(TD3)
    confuse(probs, 1, 1, "S", 0.6)
    lines, margins = margins_of(probs)
    assert lines[1].startswith("LS98902C3")  # the check digits are no help: S stays
    assert unsure_fields(margins, LAYOUT) == ("document_number",)
    s, eight = probs[1][1][ALPHABET.index("S")], probs[1][1][ALPHABET.index("8")]
    assert margins["document_number"] == pytest.approx(math.log(s / eight), abs=1e-3)


def test_two_substitutions_that_cancel_out_modulo_10_are_found() -> None:
    # L8 -> OB: +3 x 7 and +3 x 3 make 30, nothing to the document number's check digit, and
    # nothing to the composite (same weights there); no single substitution does this.
    probs = confident(TD3)
    for column, char in ((0, "O"), (1, "B")):
        row = probs[1][column]
        row[ALPHABET.index(char)] = 0.2
        row[row.argmax()] -= 0.2
    lines, margins = margins_of(probs)
    assert lines == TD3
    expected = 2 * math.log((0.97 - 0.2) / 0.2)
    assert margins["document_number"] == pytest.approx(expected, abs=1e-3)
    assert margins["birth_date"] > UNSURE_BELOW


def test_a_close_runner_up_the_check_digit_refuses_is_no_doubt() -> None:
    # 7[4]0812 with 9 a close second: 9 fails the birth date's check digit, the read is sure.
    probs = confident(TD3)
    confuse(probs, 1, 14, "9", 0.45)  # the truth (4) keeps 0.52
    lines, margins = margins_of(probs)
    assert lines == TD3
    assert "birth_date" not in unsure_fields(margins, LAYOUT)


def test_a_digit_read_in_a_name_is_forced_to_its_letter() -> None:
    # ERIK[S]SON read as a confident 8: names hold letters only.
    probs = confident(TD3)
    confuse(probs, 0, 9, "8", 0.9)
    lines, _ = margins_of(probs)
    assert lines == TD3


def test_only_check_covered_fields_are_reported_unsure() -> None:
    probs = confident(TD3)
    confuse(probs, 1, 11, "V", 0.5)  # nationality U[T]O... no check digit covers it
    _, margins = margins_of(probs)
    assert margins["nationality"] < UNSURE_BELOW
    assert "nationality" not in unsure_fields(margins, LAYOUT)


def test_a_field_the_correction_forced_against_the_classifier_counts_for_less() -> None:
    # L8989[0]2C3 read as a confident O (0.9 against 0.07): the check digit forces the 0 back,
    # overriding the classifier by 2.5 nats. The next valid reading (O there and one more
    # change) costs about 4.4 nats; less the override, the field is left with about 1.9.
    probs = confident(TD3)
    confuse(probs, 1, 5, "O", 0.9)
    lines, margins = margins_of(probs)
    assert lines == TD3
    row = probs[1][5]
    overridden = math.log(row[ALPHABET.index("O")] / row[ALPHABET.index("0")])
    assert overridden == pytest.approx(2.54, abs=0.05)
    assert margins["document_number"] == pytest.approx(4.44 - overridden, abs=0.05)
