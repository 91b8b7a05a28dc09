from __future__ import annotations

import pytest

from watchlists.scripts import char_script, detect_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("PRIGOZHIN, Yevgeniy", "Latn"),
        ("María José Fernández", "Latn"),
        ("Евгений Пригожин", "Cyrl"),
        ("Евгений V. Пригожин", "Cyrl"),
        ("صدام حسين التكريتي", "Arab"),
        ("خلیل احمد حقانی", "Arab"),
        ("Αλέξης Τσίπρας", "Grek"),
        ("אברהם", "Hebr"),
        ("习近平", "Hani"),
        ("김정은", "Hang"),
        ("金正恩 김정은", "Kore"),
        ("安倍 晋三 あべ しんぞう", "Jpan"),
        ("ქართული", "Geor"),
        ("Աշոտ", "Armn"),
        ("สมชาย", "Thai"),
        ("मोदी", "Deva"),
    ],
)
def test_dominant_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_no_letters_no_script() -> None:
    assert detect_script("12-34 / ()") is None
    assert char_script("7") is None
    assert char_script("\U0001f600") is None
