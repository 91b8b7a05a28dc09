"""Cleaning and validating raw names: never a crash, always a clear field violation."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.screening.core.text import (
    MAX_NAME_CHARS,
    clean_text,
    fold_latin,
    name_forms,
    validate_name,
)


def test_control_bidi_and_zero_width_characters_are_removed() -> None:
    raw = "Vla\u200ddimir\u200b \u202ePutin\u202c\x00\n"
    assert clean_text(raw) == "Vladimir Putin"


def test_nfkc_folds_compatibility_forms() -> None:
    assert clean_text("ＰＵＴＩＮ\u00a0Vladimir") == "PUTIN Vladimir"


def test_line_breaks_separate_words() -> None:
    assert clean_text("SMITH\nJohn\tPaul") == "SMITH John Paul"


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200d", "---", "\u202e\u202c"])
def test_names_without_letters_are_a_field_violation(raw: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_name(raw, "party.names[0].full")
    assert caught.value.violations[0].field == "party.names[0].full"
    assert "no letters" in caught.value.violations[0].description


def test_a_ten_thousand_character_name_is_refused_not_matched() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_name("A" * 10_000, "party.names[1].full")
    assert caught.value.violations[0].field == "party.names[1].full"
    assert str(MAX_NAME_CHARS) in caught.value.violations[0].description


def test_mixed_scripts_are_kept() -> None:
    assert validate_name("Путин Vladimir 普京", "n") == "Путин Vladimir 普京"


def test_fold_latin_strips_diacritics_and_case() -> None:
    assert fold_latin("Vučić Ørsted Straße") == "vucic ørsted strasse"


@pytest.mark.parametrize(
    ("written", "forms"),
    [
        ("Юрий ЛЕОНОВ / Юрiй ЛЕОНОВ", ["Юрий ЛЕОНОВ", "Юрiй ЛЕОНОВ"]),
        ("Анатоль ЛАПО/ЛАППО", ["Анатоль ЛАПО", "Анатоль ЛАППО"]),
        ("Islamic Army/Base of Jihad", ["Islamic Army", "Base of Jihad"]),
        ("Bowne Denmark A/S", ["Bowne Denmark A/S"]),
        ("Acme Trading", ["Acme Trading"]),
    ],
)
def test_slashes_separate_alternative_names(written: str, forms: list[str]) -> None:
    assert name_forms(written) == forms
