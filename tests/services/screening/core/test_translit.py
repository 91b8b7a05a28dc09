"""Romanisation per script, and the script detection it relies on."""

from __future__ import annotations

import pytest

from services.screening.core.translit import romanise, word_script


@pytest.mark.parametrize(
    ("word", "script", "expected"),
    [
        ("Путин", "Cyrl", ("putin",)),
        ("Βλαντίμιρ", "Grek", ("vlandimir",)),
        ("Πούτιν", "Grek", ("putin",)),
        ("السيسي", "Arab", ("al", "sysy")),
        ("محمد", "Arab", ("mhmd",)),
        ("پوتین", "Arab", ("pwtyn",)),
        ("علي", "Arab", ("aly",)),  # a word-initial ain is a vowel in Latin: Ali
        ("العراق", "Arab", ("al", "araq")),
        ("سعيد", "Arab", ("syd",)),  # a medial ain is not written
        ("ולדימיר", "Hebr", ("wldymyr",)),
        ("Պուտին", "Armn", ("putin",)),
        ("김정은", "Hang", ("kim", "jong", "un")),
        ("习近平", "Hani", ("xi", "jin", "ping")),
        ("Vučić", "Latn", ("vucic",)),
    ],
)
def test_romanise(word: str, script: str, expected: tuple[str, ...]) -> None:
    assert word_script(word) == script
    assert romanise(word, script) == expected


def test_georgian_falls_back_to_anyascii() -> None:
    assert romanise("პუტინი", word_script("პუტინი")) == ("putini",)
