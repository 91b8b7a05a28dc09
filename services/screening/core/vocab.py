"""Word lists that tell what a name word is: title, particle, legal form, number, patronymic.

The lists are data, kept small and documented; each entry is a romanised lower-case word as
`translit.romanise` produces it. What a word is decides how much it counts: titles count not at
all, particles and legal forms barely, patronymics are forgiven when missing on one side.
"""

from __future__ import annotations

import re
from enum import IntEnum


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class WordKind(IntEnum):
    """The role of one word in a name; decides its weight in the comparison."""

    NAME = 0
    PARTICLE = 1  # al, bin, van, de: connectors that carry almost no identity
    LEGAL_FORM = 2  # LLC, OAO, GmbH: normalised to a class and down-weighted
    NUMBER = 3  # digits, spelled-out and (for organisations) Roman numerals
    INITIAL = 4  # a single letter standing for a given name
    PATRONYMIC = 5  # Vladimirovich, Ogly: often missing on one side, never a conflict alone
    STOPWORD = 6  # the, of, and: dropped from organisation names


# Words that are not part of who someone is. Dropped from person names.
TITLES = _words(
    "mr mrs ms miss mx dr prof professor sir dame lord lady sheikh shaikh sheik shaykh shaik "
    "mullah mulla maulvi maulana mawlawi moulvi president presidente prasident praesident "
    "predsjednik presedintele presiden prezident prezydent elnok general gen colonel col "
    "major maj captain capt lieutenant lt admiral commander brigadier sergeant hon "
    "honourable honorable excellency hrh ayatollah hojatoleslam monsieur madame mme herr frau "
    "senor senora sr sra signor signora"
)
# Connectors inside person names (Arabic nasab, Dutch/German/Romance particles).
PERSON_PARTICLES = _words(
    "al el ul ur bin ben ibn bint binti bte ould van von der den de da di du del della dos das "
    "la le zu y e abd"
)
# "Son of" / "daughter of": the next word is the father's name (nasab).
NASAB_PARTICLES = _words("bin ben ibn bint binti bte ould")
# Function words dropped from organisation names.
ORG_STOPWORDS = _words("the of and for de du des la le les del di da y et und a an in on at")

# Legal forms: canonical class -> spellings (single words or phrases of romanised words).
# Classes group forms that mean the same legal vehicle, so "OAO" ~ "JSC" ~ "Joint Stock Company".
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "llc": ("llc", "ooo", "tov", "too", "limited liability company", "sp z o o", "sp z oo", "spzoo",
            "sro", "kft", "mchj", "l l c", "limited liability partnership"),
    "jsc": ("jsc", "ojsc", "cjsc", "pjsc", "oao", "zao", "pao", "ao", "nao", "pat", "prat",
            "joint stock company", "open joint stock company", "closed joint stock company",
            "public joint stock company", "joint stock", "aktsionernoe obshchestvo"),
    "ltd": ("ltd", "limited", "pte", "pvt", "pty", "private limited", "company limited",
            "bhd", "sdn bhd", "berhad"),
    "inc": ("inc", "incorporated"),
    "corp": ("corp", "corporation"),
    "co": ("co", "company", "cie", "compagnie", "companies"),
    "plc": ("plc", "public limited company"),
    "gmbh": ("gmbh", "gesellschaft mit beschrankter haftung", "gesmbh"),
    "ag": ("ag", "aktiengesellschaft", "se"),
    "sa": ("sa", "societe anonyme", "sociedad anonima", "spa", "sae", "sal", "sa de cv",
           "s a", "sab de cv", "ad", "ead", "nv"),
    "sarl": ("sarl", "srl", "sas", "sasu", "eurl", "s de rl", "societatea cu raspundere limitata",
             "societe a responsabilite limitee", "sociedad de responsabilidad limitada"),
    "ano": ("ano", "autonomous non profit organization", "autonomous non profit organisation"),
    "bv": ("bv",),
    "ab": ("ab", "as", "oy", "oyj", "asa", "aps"),
    "kk": ("kk", "kabushiki kaisha", "godo kaisha", "yugen kaisha"),
    "pt": ("pt", "tbk", "cv"),
    "lp": ("lp", "llp", "kg", "kommanditgesellschaft"),
    "fze": ("fze", "fzco", "fzc", "fzllc"),
}  # fmt: skip
# Place names organisations abbreviate: folded to the short form so both spellings agree.
ORG_CONTRACTIONS: dict[tuple[str, ...], str] = {
    ("united", "states"): "us", ("united", "states", "of", "america"): "us", ("usa",): "us",
    ("united", "kingdom"): "uk", ("united", "arab", "emirates"): "uae",
    ("intl",): "international", ("natl",): "national", ("int", "l"): "international",
}  # fmt: skip
# Short forms that are also ordinary words or name parts: only a legal form at a name's edge.
AMBIGUOUS_LEGAL_FORMS = _words("co as ab sa ag ao ad se pt cv kg sal pat nv spa sas kk")


def _phrase_table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for canonical, spellings in LEGAL_FORMS.items():
        for spelling in spellings:
            table[tuple(spelling.split())] = canonical
    return table


LEGAL_PHRASES = _phrase_table()
LONGEST_LEGAL_PHRASE = max(len(p) for p in LEGAL_PHRASES)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "first": 1, "second": 2, "third": 3,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}

# Russian/Ukrainian/Belarusian/Serbian patronymics and Turkic "son of"/"daughter of" words.
_PATRONYMIC = re.compile(
    r"(ovich|evich|ovych|evych|ovitch|evitch|ovitsj|ovics|owitsch|owicz|ovna|evna|ivna|"
    r"ichna|avich|ovici|ovic)$|^(ogly|oglu|ogli|uly|kyzy|qizi|kizi)$"
)


_TURKIC_PATRONYMICS = frozenset({"ogly", "oglu", "ogli", "uly", "kyzy", "qizi", "kizi"})


def is_patronymic(word: str) -> bool:
    """True for Slavic patronymics (Vladimirovich, Viktorovna) and Turkic ogly/kyzy."""
    if word in _TURKIC_PATRONYMICS:
        return True
    return len(word) > 5 and _PATRONYMIC.search(word) is not None


def number_value(words: list[str], at: int) -> tuple[int, int] | None:
    """The number spelled at `words[at]` and how many words it used ("forty", "four" -> 44, 2)."""
    word = words[at]
    if word.isdigit():
        return int(word), 1
    ordinal = _ORDINAL.match(word)
    if ordinal is not None:
        return int(ordinal.group(1)), 1
    if word in _UNITS:
        return _UNITS[word], 1
    if word in _TENS:
        nxt = words[at + 1] if at + 1 < len(words) else ""
        if nxt in _UNITS and _UNITS[nxt] < 10:
            return _TENS[word] + _UNITS[nxt], 2
        if len(nxt) == 1 and nxt in "123456789":  # "Forty 4": words and digits mixed
            return _TENS[word] + int(nxt), 2
        return _TENS[word], 1
    return None


def roman_value(word: str) -> int | None:
    """Value of a Roman numeral up to 39 ("viii" -> 8); None for anything else."""
    if not word or _ROMAN.match(word) is None:
        return None
    total, previous = 0, 0
    for char in reversed(word):
        value = _ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total
