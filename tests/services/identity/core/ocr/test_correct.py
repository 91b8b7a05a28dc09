"""Check-digit-guided decoding on hand-built probabilities (no image involved)."""

from __future__ import annotations

import numpy as np

from services.identity.core.mrz import LAYOUTS, MrzFormat
from services.identity.core.ocr.correct import MAX_COST, decode
from services.identity.core.ocr.render import ALPHABET
from services.identity.core.ocr.segment import FloatArray

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def confident(lines: tuple[str, ...], certainty: float = 0.97) -> list[FloatArray]:
    """Probabilities that put `certainty` on the true character, the rest spread evenly."""
    rest = (1.0 - certainty) / (len(ALPHABET) - 1)
    arrays = []
    for line in lines:
        probs = np.full((len(line), len(ALPHABET)), rest, np.float32)
        probs[np.arange(len(line)), [ALPHABET.index(c) for c in line]] = certainty
        arrays.append(probs)
    return arrays


def confuse(probs: list[FloatArray], line: int, column: int, wrong: str, share: float) -> None:
    """Make `wrong` the top class at one position, leaving the truth a close second."""
    row = probs[line][column]
    truth = int(row.argmax())
    rest = float(row.min())
    row[ALPHABET.index(wrong)] = share
    row[truth] = 1.0 - share - rest * (len(ALPHABET) - 2)


def test_clean_probabilities_decode_to_the_truth() -> None:
    decoded = decode(confident(TD3), LAYOUTS[MrzFormat.TD3])
    assert decoded.lines == TD3
    assert decoded.checks_passed == decoded.checks_total == 5


def test_an_o_read_for_a_zero_in_the_document_number_is_repaired_by_its_check_digit() -> None:
    probs = confident(TD3)
    confuse(
        probs, 1, 5, "O", 0.6
    )  # L8989[0]2C3: letters are allowed here, so only the check can tell

    decoded = decode(probs, LAYOUTS[MrzFormat.TD3])

    assert decoded.lines == TD3
    assert decoded.checks_passed == 5


def test_a_letter_in_a_date_is_forced_to_a_digit() -> None:
    probs = confident(TD3)
    confuse(probs, 1, 14, "I", 0.8)  # birth date 7[4]0812: only digits may stand there

    decoded = decode(probs, LAYOUTS[MrzFormat.TD3])

    assert decoded.lines[1][14] == "4"


def test_a_costly_change_is_not_made_to_satisfy_a_check_digit() -> None:
    lines = list(TD3)
    lines[1] = lines[1][:2] + "7" + lines[1][3:]  # document number L8[7]8902C3: check now fails
    probs = confident(tuple(lines), certainty=0.999999)

    decoded = decode(probs, LAYOUTS[MrzFormat.TD3])

    assert -np.log((1 - 0.999999) / (len(ALPHABET) - 1)) > MAX_COST
    assert decoded.lines[1][2] == "7"
    assert decoded.checks_passed < decoded.checks_total


def test_an_unknown_country_code_becomes_the_likeliest_known_one() -> None:
    probs = confident(TD3)
    confuse(probs, 0, 4, "D", 0.6)  # issuing state UT[O] read as UTD, which is no country

    decoded = decode(probs, LAYOUTS[MrzFormat.TD3])

    assert decoded.lines[0][2:5] == "UTO"


def test_letters_after_the_trailing_fillers_of_the_names_are_fillers() -> None:
    probs = confident(TD3)
    for column in range(30, 34):
        confuse(probs, 0, column, "C", 0.6)  # ...MARIA<<<<<CCCC<<<: no third name group exists

    decoded = decode(probs, LAYOUTS[MrzFormat.TD3])

    assert decoded.lines == TD3


def test_a_well_read_name_with_several_words_is_kept() -> None:
    lines = ("P<UTOVAN<DER<BERG<<ANNA<MARIA<<<<<<<<<<<<<<<", TD3[1])
    decoded = decode(confident(lines), LAYOUTS[MrzFormat.TD3])
    assert decoded.lines[0] == lines[0]
