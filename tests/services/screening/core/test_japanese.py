"""Japanese readings of kanji names (Janome's bundled IPADIC, no download)."""

from __future__ import annotations

import pytest

from services.screening.core.japanese import japanese_reading
from services.screening.core.names import WordStats, prepare_forms
from services.screening.core.screen import compare_parties
from watchlists.model import Name, Party, Schema


@pytest.mark.parametrize(
    ("kanji", "reading"),
    [
        ("山田太郎", "Yamada Taro"),  # タロウ: the long vowel is dropped, as on a passport
        ("田中 花子", "Tanaka Hanako"),
        ("小泉純一郎", "Koizumi Junichiro"),
        ("林修", "Hayashi Osamu"),  # a one-character surname with a Japanese reading
    ],
)
def test_a_japanese_name_in_kanji_gets_its_passport_reading(kanji: str, reading: str) -> None:
    assert japanese_reading(kanji) == reading


@pytest.mark.parametrize(
    "text",
    [
        "习近平",  # Chinese: not a Japanese personal name in the dictionary
        "李明",  # a Chinese surname read in Japanese ("Ri") is left to pinyin
        "株式会社東芝",  # an organisation
        "Yamada Taro",  # no kanji at all
        "山田",  # a surname alone is not a reading worth adding
    ],
)
def test_no_reading_unless_the_whole_text_is_a_japanese_personal_name(text: str) -> None:
    assert japanese_reading(text) is None


def test_the_reading_is_an_extra_form_shown_beside_the_kanji() -> None:
    forms = prepare_forms("山田太郎", Schema.PERSON, WordStats.empty())
    assert [f.original for f in forms] == ["山田太郎", "山田太郎 (Yamada Taro)"]
    assert [w.text for w in forms[1].words] == ["yamada", "taro"]
    # Organisations never get a personal-name reading.
    assert len(prepare_forms("山田太郎", Schema.ORGANIZATION, WordStats.empty())) == 1


def test_a_kanji_name_matches_its_latin_spelling_both_ways() -> None:
    stats = WordStats.empty()
    kanji = Party("k", Schema.PERSON, (Name("田中花子"),))
    latin = Party("l", Schema.PERSON, (Name("TANAKA Hanako"),))
    assert compare_parties(kanji, latin, stats).score >= 0.95
    assert compare_parties(latin, kanji, stats).score >= 0.95


def test_two_kanji_names_are_compared_as_written_not_by_reading() -> None:
    # 高石 (Takaishi) and 高市 (Takaichi) are one letter apart when read, different in kanji.
    stats = WordStats.empty()
    a = Party("a", Schema.PERSON, (Name("高石早苗"),))
    b = Party("b", Schema.PERSON, (Name("高市早苗"),))
    assert compare_parties(a, b, stats).score < 0.8
    assert compare_parties(a, a, stats).score == 1.0
