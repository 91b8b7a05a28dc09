"""Phonetic keys fold transliteration conventions, and only those."""

from __future__ import annotations

from services.screening.core.phonetic import loose_key, phonetic_key, spelling_key


def test_arabic_given_name_spellings_share_a_key() -> None:
    keys = {phonetic_key(w) for w in ("mohammed", "muhammad", "mohamad", "muhamed")}
    assert keys == {"mhmd"}


def test_russian_given_name_spellings_share_a_key() -> None:
    assert phonetic_key("yevgeniy") == phonetic_key("evgeny") == phonetic_key("evgenii")


def test_spelling_key_keeps_vowels() -> None:
    assert spelling_key("husayn") == spelling_key("hussein") == "husin"


def test_different_names_keep_different_keys() -> None:
    assert phonetic_key("bush") != phonetic_key("habbash")


def test_loose_key_matches_vowelless_romanisations() -> None:
    assert loose_key("bwtyn") == loose_key("putin") == "bdn"
    assert loose_key("wldymyr") == loose_key("fldymyr") == loose_key("vladimir")
