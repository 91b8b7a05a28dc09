"""Phonetic keys for romanised name words.

Two keys, both pure functions of a lower-case ASCII word:

- `phonetic_key` folds the spelling differences that transliteration conventions produce
  (kh/h, sh/sch/ch, zh/j, ph/f, w/v, q/k, y/i, doubled letters) and keeps the consonant
  skeleton after the first letter: "Mohammed", "Muhamad" and "Mohamad" share "mhmd",
  "Yevgeniy"/"Evgeny" share "avgn", "Jon"/"John" share "jn".
- `loose_key` goes further for words written in scripts that lose vowels or voicing when
  romanised (Arabic, Hebrew, Hangul, Han, Thai...): vowels and semivowels dropped, voiced
  and unvoiced pairs merged ("فلاديمير بوتين" -> "fldmr bdn" = "Vladimir Putin").

Keys are only ever compared with each other, never shown; explanations show the words.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Applied in order; longer spellings first so "tsch" is not eaten by "ch".
_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("tsch", "C"), ("dzh", "J"), ("sch", "S"), ("tch", "C"), ("chj", "C"),
    ("kh", "H"), ("gh", "G"), ("ph", "F"), ("th", "T"), ("dh", "D"), ("zh", "J"),
    ("dj", "J"), ("dz", "J"), ("sh", "S"), ("ch", "C"), ("cz", "C"), ("ts", "C"),
    ("tz", "C"), ("sz", "S"), ("ck", "K"), ("gu", "G"), ("qu", "K"),
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ai", "i"), ("ay", "i"), ("ei", "i"),
    ("ey", "i"), ("ie", "i"), ("ye", "i"), ("ya", "a"), ("yu", "u"), ("yo", "u"),
    ("ja", "a"), ("ju", "u"),
)  # fmt: skip
_LETTERS = str.maketrans(
    {"q": "k", "w": "v", "y": "i", "x": "K", "c": "K", "e": "i", "o": "u",
     "C": "c", "S": "s", "J": "j", "H": "h", "G": "g", "F": "f", "T": "t", "D": "d",
     "K": "k"}
)  # fmt: skip
_SOFT_C = re.compile(r"c(?=[eiy])")
_VOWELS = frozenset("aiu")
_REPEATS = re.compile(r"(.)\1+")

# Loose key: the spellings of the vowel-less scripts' consonants, voicing pairs merged.
_LOOSE_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("tsch", "s"), ("dzh", "j"), ("sch", "s"), ("tch", "s"), ("kh", "h"), ("gh", "g"),
    ("ph", "f"), ("th", "t"), ("dh", "d"), ("zh", "j"), ("dj", "j"), ("sh", "s"),
    ("ch", "s"), ("ts", "s"), ("ck", "k"),
)  # fmt: skip
_LOOSE = str.maketrans(
    {"p": "b", "t": "d", "k": "g", "q": "g", "c": "g", "x": "g", "z": "s", "v": "f"}
)
_LOOSE_DROP = re.compile(r"[aeiouwy]")


@lru_cache(maxsize=300_000)
def spelling_key(word: str) -> str:
    """The word with transliteration spelling variants folded, vowels kept ("husayn" -> "husin")."""
    text = _SOFT_C.sub("s", word)
    # Word-initial y/j before a vowel is a consonant glide (Yevgeniy, Juri): keep it as "i".
    for old, new in _SPELLINGS:
        text = text.replace(old, new)
    text = text.translate(_LETTERS)
    return _REPEATS.sub(r"\1", text)


@lru_cache(maxsize=300_000)
def phonetic_key(word: str) -> str:
    """First sound plus the consonant skeleton of the rest ("mohammed" -> "mhmd")."""
    spelled = spelling_key(word)
    if not spelled:
        return ""
    head = "a" if spelled[0] in _VOWELS else spelled[0]
    tail = "".join(c for c in spelled[1:] if c not in _VOWELS)
    return _REPEATS.sub(r"\1", head + tail)


@lru_cache(maxsize=300_000)
def loose_key(word: str) -> str:
    """Consonant skeleton with voicing merged, for words from vowel-less scripts.

    Medial w/y are dropped because Arabic and Hebrew write long vowels with waw and ya
    ("بوتين" -> "bwtyn" is "Putin"); a leading w is the consonant v ("ولاديمير").
    """
    text = _SOFT_C.sub("s", word)
    for old, new in _LOOSE_SPELLINGS:
        text = text.replace(old, new)
    if text[:1] == "w":
        text = "v" + text[1:]
    head, tail = text[:1], _LOOSE_DROP.sub("", text[1:])
    if head in "aeiouy":
        head = ""
    return _REPEATS.sub(r"\1", (head + tail).translate(_LOOSE))
