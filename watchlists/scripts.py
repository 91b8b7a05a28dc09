"""Writing-system detection by Unicode ranges, answering ISO 15924 codes.

Lists carry names in their original script (UN `NAME_ORIGINAL_SCRIPT`, OFSI "Name Non-Latin
Script", EU cells that mix "Кирсанова" into Latin text). The matcher needs to know the script
to choose a transliteration, so every `Name` gets one. A table of ranges is enough: names do
not need the full Unicode script property, and no dependency is worth it for this.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from functools import cache

# (first code point, last code point, ISO 15924 code), sorted by first code point.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0700, 0x074F, "Syrc"),
    (0x0750, 0x077F, "Arab"),
    (0x0780, 0x07BF, "Thaa"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "Mymr"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x1200, 0x139F, "Ethi"),
    (0x1780, 0x17FF, "Khmr"),
    (0x1800, 0x18AF, "Mong"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"),
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hang"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xA960, 0xA97F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFB1D, 0xFB4F, "Hebr"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x20000, 0x2FA1F, "Hani"),
)
_STARTS = [first for first, _, _ in _RANGES]


@cache
def char_script(char: str) -> str | None:
    """ISO 15924 code of one character, or None for digits, punctuation and unknown blocks."""
    point = ord(char)
    index = bisect_right(_STARTS, point) - 1
    if index < 0:
        return None
    first, last, code = _RANGES[index]
    return code if first <= point <= last else None


def scripts_in(text: str) -> Counter[str]:
    """How many letters of each script a text holds."""
    return Counter(code for code in map(char_script, text) if code is not None)


def detect_script(text: str) -> str | None:
    """The dominant script of a name, or None when it has no letters.

    Japanese mixes kanji with kana: any kana makes the name "Jpan". Korean may mix hanja with
    hangul: any hangul makes it "Kore". Otherwise the script with most letters wins, so a
    Cyrillic name with a Latin initial is still "Cyrl".
    """
    if text.isascii():  # the common case, answered without counting
        return "Latn" if any(c.isalpha() for c in text) else None
    counts = scripts_in(text)
    if not counts:
        return None
    if counts.keys() & {"Hira", "Kana"}:
        return "Jpan"
    if "Hang" in counts and "Hani" in counts:
        return "Kore"
    return counts.most_common(1)[0][0]
