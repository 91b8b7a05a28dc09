"""Script detection and transliteration of one word to lower-case ASCII Latin.

Lists and applicants write the same person in many scripts. Every word is brought to Latin so
that one comparison works for all of them, while the word's original script is kept: two words
in the same non-Latin script are compared in that script (a different Han character is a
different name even when the pinyin is close), and words from scripts whose romanisation is
lossy (abjads without vowels, Hangul, Han) are compared with looser phonetic keys.

Scripts with a dedicated table here are the ones where the generic `anyascii` output is wrong
for names: Arabic/Persian/Urdu (article split, letter normalisation), Hebrew (vav and yod as
consonants or vowels), Greek (the digraphs foreign names are spelled with), Armenian ("ու"),
Hangul (decomposed syllable by syllable) and Han (pinyin through `pypinyin`, one syllable per
character). Everything else goes through `anyascii`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii
from pypinyin import Style, lazy_pinyin

from services.screening.core.text import fold_latin

# (first code point, last code point, ISO 15924 code), sorted by start.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0700, 0x074F, "Syrc"),
    (0x0750, 0x077F, "Arab"),
    (0x0780, 0x07BF, "Thaa"),
    (0x0900, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x1000, 0x109F, "Mymr"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x1200, 0x139F, "Ethi"),
    (0x1780, 0x17FF, "Khmr"),
    (0x1C80, 0x1C8F, "Cyrl"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"),
    (0x2DE0, 0x2DFF, "Cyrl"),
    (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hang"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xA640, 0xA69F, "Cyrl"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFB1D, 0xFB4F, "Hebr"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x20000, 0x2FA1F, "Hani"),
)
_RANGE_STARTS = [start for start, _, _ in _SCRIPT_RANGES]

# Scripts whose romanisation drops or guesses vowels, or maps several sounds to one letter:
# words from them are compared on consonant skeletons ("loose" keys) as well.
LOSSY_SCRIPTS = frozenset(
    {"Arab", "Hebr", "Syrc", "Thaa", "Thai", "Laoo", "Khmr", "Mymr", "Hang", "Hani", "Kana"}
)
# Scripts where one character is one syllable: a different character is a different name.
SYLLABIC_SCRIPTS = frozenset({"Hani", "Hang", "Kana"})


def char_script(char: str) -> str:
    """ISO 15924 code of one character ("Zyyy" for digits, punctuation and unknown blocks)."""
    point = ord(char)
    if point < 0x41 or (0x5B <= point <= 0x60) or (0x7B <= point <= 0xBF):
        return "Zyyy"
    at = bisect.bisect_right(_RANGE_STARTS, point) - 1
    if at >= 0:
        start, end, code = _SCRIPT_RANGES[at]
        if start <= point <= end:
            return code
    return "Zyyy"


def word_script(word: str) -> str:
    """The script of most letters in a word; "Latn" for words without letters."""
    counts: dict[str, int] = {}
    for char in word:
        code = char_script(char)
        if code != "Zyyy":
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "Latn"
    return max(counts.items(), key=lambda item: item[1])[0]


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of already-Latin text (diacritics folded)."""
    return _NON_ALNUM.sub("", anyascii(fold_latin(text)).lower())


# --- Arabic, Persian, Urdu ---------------------------------------------------------------
_ARABIC = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ٱ": "a",
    "ء": "",
    "ؤ": "",
    "ئ": "",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "و": "w",
    "ي": "y",
    "ى": "a",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ک": "k",
    "ی": "y",
    "ٹ": "t",
    "ڈ": "d",
    "ڑ": "r",
    "ں": "n",
    "ھ": "h",
    "ے": "e",
    "ۂ": "h",
    "ۃ": "a",
    "ە": "e",
    "ۆ": "o",
    "ێ": "e",
    "ڤ": "v",
    "ڨ": "g",
    "\u064e": "a",
    "\u064f": "u",
    "\u0650": "i",
    "\u0651": "",
    "\u0652": "",
    "ـ": "",
}
# Letter forms that spell the same name differently across Arabic, Persian and Urdu usage.
_ARABIC_SAME = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۃ": "ه", "ى": "ي", "ی": "ي",
     "ک": "ك", "ے": "ي", "ھ": "ه", "ۂ": "ه"}
)  # fmt: skip
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")

# --- Hebrew ------------------------------------------------------------------------------
_HEBREW = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "kh",
    "ט": "t", "י": "y", "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    "ן": "n", "ס": "s", "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
    "ר": "r", "ש": "sh", "ת": "t",
}  # fmt: skip

# --- Greek: digraphs that spell foreign sounds (Βλαντίμιρ = Vladimir) --------------------
_GREEK_DIGRAPHS = (
    (re.compile(r"^ντ"), "d"), (re.compile(r"^μπ"), "b"), (re.compile(r"^γκ"), "g"),
    (re.compile(r"ντ"), "nd"), (re.compile(r"μπ"), "mb"), (re.compile(r"γκ"), "ng"),
    (re.compile(r"γγ"), "ng"), (re.compile(r"ου"), "u"), (re.compile(r"αυ"), "av"),
    (re.compile(r"ευ"), "ev"), (re.compile(r"χ"), "kh"),
)  # fmt: skip


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _arabic(word: str) -> list[str]:
    bare = _ARABIC_MARKS.sub("", word)
    parts = [bare]
    # The definite article is written joined ("السيسي"); lists write it apart ("al-Sisi").
    if len(bare) > 3 and bare.startswith(("ال", "اَل")):
        parts = ["ال", bare[2:]]
    out = []
    for part in parts:
        latin = "al" if part == "ال" else "".join(_ARABIC.get(c, anyascii(c)) for c in part)
        # A word-initial ain is written as a vowel in Latin names (ʿAlī = Ali, ʿAbd = Abd).
        if part.startswith("ع") and not latin.startswith(("a", "i", "u")):
            latin = "a" + latin
        out.append(_NON_ALNUM.sub("", latin.lower()))
    return [p for p in out if p]


def _hebrew(word: str) -> list[str]:
    letters = _strip_marks(word)
    # A word-final he is a vowel letter ("משה" = Moshe), not an h.
    if len(letters) > 2 and letters.endswith("ה"):
        letters = letters[:-1]
    latin = "".join(_HEBREW.get(c, "") for c in letters)
    return [latin] if latin else []


def _greek(word: str) -> list[str]:
    text = _strip_marks(word.casefold())
    for pattern, replacement in _GREEK_DIGRAPHS:
        text = pattern.sub(replacement, text)
    return [ascii_word(anyascii(text))]


def _armenian(word: str) -> list[str]:
    return [ascii_word(anyascii(word.casefold().replace("ու", "u")))]


# --- Hangul: Revised Romanisation with ŏ/ŭ written o/u as North Korean lists do ----------
_INITIALS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch",
             "k", "t", "p", "h")  # fmt: skip
_MEDIALS = ("a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u",
            "wo", "we", "wi", "yu", "u", "ui", "i")  # fmt: skip
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")  # fmt: skip


def _hangul_syllable(char: str) -> str:
    index = ord(char) - 0xAC00
    if not 0 <= index < 11172:
        return ascii_word(anyascii(char))
    initial, rest = divmod(index, 588)
    medial, final = divmod(rest, 28)
    return _INITIALS[initial] + _MEDIALS[medial] + _FINALS[final]


def _hangul(word: str) -> list[str]:
    return [s for s in (_hangul_syllable(c) for c in word) if s]


def _han(word: str) -> list[str]:
    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    return [ascii_word(s) for s in syllables if ascii_word(s)]


def _generic(word: str) -> list[str]:
    latin = ascii_word(anyascii(word))
    return [latin] if latin else []


_TRANSLITERATORS: dict[str, Callable[[str], list[str]]] = {
    "Arab": _arabic,
    "Hebr": _hebrew,
    "Grek": _greek,
    "Armn": _armenian,
    "Hang": _hangul,
    "Hani": _han,
}


@lru_cache(maxsize=200_000)
def romanise(word: str, script: str) -> tuple[str, ...]:
    """One word in `script` as lower-case ASCII Latin parts.

    Usually one part; Han and Hangul give one part per syllable (a character is a syllable),
    Arabic splits a joined definite article ("السيسي" -> "al", "sysy").
    """
    if script == "Latn":
        latin = ascii_word(word)
        return (latin,) if latin else ()
    return tuple(_TRANSLITERATORS.get(script, _generic)(word))


@lru_cache(maxsize=200_000)
def native_key(word: str, script: str) -> str:
    """Comparison key for a word in its own script: case-folded, marks dropped, letter
    variants unified (Arabic alef/ya/ta marbuta forms), so that same-script words compare
    exactly where their spelling is the same."""
    text = _strip_marks(word.casefold())
    if script == "Arab":
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_SAME)
    return text
