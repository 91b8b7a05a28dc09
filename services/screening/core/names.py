"""Turning one name into the words the matcher compares.

`prepare_name` is the single place where a name is cut into words, each word romanised,
classified (name, particle, legal form, number, initial, patronymic), given its phonetic keys
and a weight from its rarity. List entries are prepared once when the index is built; a query
is prepared once per request. Everything after this works on `PreparedName`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from services.screening.core.compare_text import budget_similarity
from services.screening.core.japanese import japanese_reading
from services.screening.core.phonetic import loose_key, phonetic_key, spelling_key
from services.screening.core.text import name_forms
from services.screening.core.translit import SYLLABIC_SCRIPTS, native_key, romanise, word_script
from services.screening.core.variants import variant_groups
from services.screening.core.vocab import (
    AMBIGUOUS_LEGAL_FORMS,
    LEGAL_PHRASES,
    LONGEST_LEGAL_PHRASE,
    NASAB_PARTICLES,
    ORG_CONTRACTIONS,
    ORG_STOPWORDS,
    PERSON_PARTICLES,
    TITLES,
    WordKind,
    is_patronymic,
    number_value,
    roman_value,
)
from watchlists.model import NameQuality, Schema

# Fixed weights of words whose kind, not rarity, says how much they identify someone.
_KIND_WEIGHTS = {
    WordKind.PARTICLE: 0.1,
    WordKind.LEGAL_FORM: 0.2,
    WordKind.NUMBER: 0.3,
    WordKind.INITIAL: 0.3,
}


class WordStats:
    """How rare each romanised word is among the names of the indexed lists (IDF).

    A hit on a rare surname is strong evidence; a hit on "Mohammed" alone is weak. Without
    statistics (an empty corpus) every name word weighs 1.0.
    """

    __slots__ = ("_counts", "_log_total", "_total")

    def __init__(self, counts: dict[str, int], total_names: int) -> None:
        self._counts = counts
        self._total = total_names
        self._log_total = math.log(total_names + 1) if total_names else 0.0

    @classmethod
    def empty(cls) -> WordStats:
        return cls({}, 0)

    @classmethod
    def from_word_lists(cls, names: Iterable[Iterable[str]]) -> WordStats:
        """Document frequencies from the romanised words of each name."""
        counts: dict[str, int] = {}
        total = 0
        for words in names:
            total += 1
            for word in set(words):
                counts[word] = counts.get(word, 0) + 1
        return cls(counts, total)

    def weight(self, word: str) -> float:
        """0.25 (in most names) .. 1.0 (unseen): 0.25 + 0.75 * idf / max idf."""
        if not self._total:
            return 1.0
        idf = math.log((self._total + 1) / (self._counts.get(word, 0) + 1))
        return 0.25 + 0.75 * idf / self._log_total

    def frequency(self, word: str) -> int:
        return self._counts.get(word, 0)

    @property
    def total_names(self) -> int:
        return self._total


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a prepared name with everything a comparison needs precomputed."""

    text: str  # romanised, lower-case ASCII
    native: str  # comparison key in the original script; "" for Latin
    script: str  # ISO 15924 code of the original
    kind: WordKind
    weight: float
    spelled: str  # spelling variants folded (translit conventions)
    phonetic: str  # first sound + consonant skeleton
    loose: str  # consonant skeleton with voicing merged
    variants: frozenset[int]
    # Follows "bin"/"ibn"/"ben"/"ould": the father's name in an Arabic nasab, not the person's.
    father: bool = False


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name as the matcher sees it."""

    original: str
    words: tuple[Word, ...]
    quality: NameQuality
    comma_form: bool  # written "SURNAME, Given"
    han: bool = False  # has words written in Han characters
    reading: bool = False  # the Japanese reading of a kanji name (see `prepare_forms`)

    def stands_in_for(self, other: PreparedName) -> bool:
        """False when a reading would face kanji: two names in kanji are compared as written
        (高石 and 高市 read Takaishi and Takaichi, one letter apart, yet differ)."""
        if self.reading:
            return not (other.han or other.reading)
        return not (other.reading and self.han)

    @property
    def distinctive(self) -> bool:
        """False when nothing but titles, particles, legal forms or numbers is left."""
        return any(w.kind in (WordKind.NAME, WordKind.PATRONYMIC) for w in self.words)


_LONGEST_SYLLABLE_NAME = 4
_ASCII_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_APOSTROPHES = re.compile(r"['’ʻʼ`´‘]")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)
_INITIALISM = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b\.?)?")


def split_words(text: str) -> list[str]:
    """Cut cleaned text at spaces, punctuation and symbols; apostrophes join ("O'Brien")."""
    text = _APOSTROPHES.sub("", _POSSESSIVE.sub("", text.replace("&", " and ")))
    if text.isascii():
        return [w for w in _ASCII_SPLIT.split(text) if w]
    chars = [" " if unicodedata.category(c)[0] in "PZS" else c for c in text]
    return "".join(chars).split()


def _join_initialisms(text: str) -> str:
    """ "L.X.C. Aviation" -> "LXC Aviation": organisations write acronyms with dots."""
    return _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)


# A legal form written onto the name ("SiemensAG", "MusterGmbH", "AcmeLLC"). Short forms are
# also word endings ("Verlag", "Enterprise"), so they are cut only where the case changes
# from a lower-case name to the form's usual spelling.
_CAMEL_LEGAL_FORM = re.compile(
    r"(?<=[a-z]{3})(?:AG|SA|SE|NV|BV|AB|AS|KG|GmbH|GMBH|LLC|Ltd|LTD|Inc|INC|PLC|Plc|JSC|PJSC)\b"
)
# Forms no word ends with: cut from a name's last word whatever its case ("SIEMENSGMBH").
_GLUED_LEGAL_SUFFIXES = ("gmbh", "llc", "ltd", "plc", "pjsc", "ojsc", "cjsc", "jsc")
_SHORTEST_GLUED_STEM = 4


def _split_camel_legal_form(text: str) -> str:
    return _CAMEL_LEGAL_FORM.sub(lambda m: " " + m.group(0), text)


def _unglue_legal_suffix(words: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """ "acmeltd" -> "acme" "ltd" when it is the name's last word (a legal form closes an
    organisation's name, in lists and queries alike)."""
    if not words or words[-1][2] != "Latn":
        return words
    last = words[-1][0]
    for suffix in _GLUED_LEGAL_SUFFIXES:
        stem = last[: -len(suffix)]
        if last.endswith(suffix) and len(stem) >= _SHORTEST_GLUED_STEM and stem.isalpha():
            return [*words[:-1], (stem, "", "Latn"), (suffix, "", "Latn")]
    return words


@lru_cache(maxsize=262_144)
def romanised_words(text: str, schema: Schema) -> tuple[tuple[str, str, str], ...]:
    """(romanised, native key, script) for each word of a name, in order (cached: the index
    romanises every list name twice, once for word statistics and once to prepare it)."""
    if schema is not Schema.PERSON:
        text = _split_camel_legal_form(_join_initialisms(text))
    out: list[tuple[str, str, str]] = []
    for raw in split_words(text):
        script = "Latn" if raw.isascii() else word_script(raw)
        parts = romanise(raw, script)
        if script == "Latn":
            out.extend((p, "", script) for p in parts)
        elif script in SYLLABIC_SCRIPTS and len(parts) == len(raw) > _LONGEST_SYLLABLE_NAME:
            # Korean and Chinese personal names have 2-4 syllables; a longer run spells a
            # foreign name sound by sound ("블라디미르" = Vladimir) and is one word.
            out.append(("".join(parts), native_key(raw, script), script))
        elif script in SYLLABIC_SCRIPTS and len(parts) == len(raw):
            out.extend((p, native_key(c, script), script) for p, c in zip(parts, raw, strict=True))
        elif len(parts) == 2 and parts[0] == "al" and script == "Arab":
            out.append(("al", "ال", script))
            out.append((parts[1], native_key(raw[2:], script), script))
        else:
            native = native_key(raw, script)
            out.extend((p, native, script) for p in parts)
    if schema is not Schema.PERSON:
        out = _unglue_legal_suffix(out)
    return tuple(out)


def _classify_person(words: list[str]) -> list[WordKind | None]:
    kinds: list[WordKind | None] = []
    for word in words:
        if word in TITLES:
            kinds.append(None)
        elif word.isdigit():
            kinds.append(WordKind.NUMBER)
        elif len(word) == 1:
            kinds.append(WordKind.INITIAL)
        elif word in PERSON_PARTICLES:
            kinds.append(WordKind.PARTICLE)
        elif is_patronymic(word):
            kinds.append(WordKind.PATRONYMIC)
        else:
            kinds.append(WordKind.NAME)
    # A name that is only particles ("Ben Ali" is two name words) keeps them as names.
    if WordKind.NAME not in kinds:
        kinds = [WordKind.NAME if k is WordKind.PARTICLE else k for k in kinds]
    return kinds


_LONG_LEGAL_WORDS = tuple(
    (spelling, canonical)
    for spelling, canonical in ((p[0], c) for p, c in LEGAL_PHRASES.items() if len(p) == 1)
    if len(spelling) >= 8
)


def _fuzzy_legal_word(word: str) -> str | None:
    """ "Aktiengeselschaft" is still a legal form: long forms tolerate a typo."""
    if len(word) < 8:
        return None
    for spelling, canonical in _LONG_LEGAL_WORDS:
        if budget_similarity(word, spelling):
            return canonical
    return None


def _masked_phrases() -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """Legal phrases of several words with one long word masked: (masked phrase) -> [(the
    masked word, canonical class)], to find a phrase with one misspelt or cut-off word."""
    table: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for phrase, canonical in LEGAL_PHRASES.items():
        for position, word in enumerate(phrase):
            if len(phrase) > 1 and len(word) >= 5:
                masked = (*phrase[:position], "*", *phrase[position + 1 :])
                table.setdefault(masked, []).append((word, canonical))
    return table


_MASKED_LEGAL_PHRASES = _masked_phrases()


def _near_legal_word(word: str, spelling: str, *, last: bool) -> bool:
    # Lists cut long names at a field length: the name's last word may be a stub ("COMPAN").
    if last and len(word) >= 4 and spelling.startswith(word):
        return True
    return budget_similarity(word, spelling) > 0


def _near_legal_phrase(words: list[str], at: int, size: int) -> str | None:
    """ "Joynt Stock Company", "Joint Stock Compan": a phrase with one word off."""
    window = words[at : at + size]
    for position in range(size):
        masked = (*window[:position], "*", *window[position + 1 :])
        last = at + position == len(words) - 1
        for spelling, canonical in _MASKED_LEGAL_PHRASES.get(masked, ()):
            if _near_legal_word(window[position], spelling, last=last):
                return canonical
    return None


def _legal_form_at(words: list[str], at: int) -> tuple[str, int] | None:
    for size in range(min(LONGEST_LEGAL_PHRASE, len(words) - at), 0, -1):
        canonical = LEGAL_PHRASES.get(tuple(words[at : at + size]))
        if canonical is None:
            # The longest phrase wins, even with one word off ("Joint Stock Compan").
            near = _near_legal_phrase(words, at, size) if size > 1 else None
            if near is not None:
                return near, size
            continue
        at_edge = at == 0 or at + size == len(words)
        if size == 1 and words[at] in AMBIGUOUS_LEGAL_FORMS and not at_edge:
            continue
        return canonical, size
    fuzzy = _fuzzy_legal_word(words[at])
    return (fuzzy, 1) if fuzzy is not None else None


def _contraction_at(words: list[str], at: int) -> tuple[str, int] | None:
    for size in (4, 3, 2, 1):
        short = ORG_CONTRACTIONS.get(tuple(words[at : at + size]))
        if short is not None:
            return short, size
    return None


def _classify_org(words: list[str]) -> list[tuple[int, str, WordKind]]:
    """(source index, text, kind) of organisation words: legal forms folded to their class,
    numbers to digits, stopwords dropped. A source index of -1 marks a folded phrase."""
    out: list[tuple[int, str, WordKind]] = []
    at = 0
    while at < len(words):
        word = words[at]
        legal = _legal_form_at(words, at)
        number = number_value(words, at) if legal is None else None
        contraction = _contraction_at(words, at) if legal is None else None
        if legal is not None:
            out.append((-1, legal[0], WordKind.LEGAL_FORM))
            at += legal[1]
        elif number is not None:
            out.append((-1, str(number[0]), WordKind.NUMBER))
            at += number[1]
        elif contraction is not None:
            out.append((-1, contraction[0], WordKind.NAME))
            at += contraction[1]
        else:
            roman = roman_value(word) if at > 0 else None
            if roman is not None:
                out.append((-1, str(roman), WordKind.NUMBER))
            elif word not in ORG_STOPWORDS:
                out.append((at, word, WordKind.NAME))
            at += 1
    return out


def _make_word(
    text: str, native: str, script: str, kind: WordKind, stats: WordStats, *, father: bool = False
) -> Word:
    weight = _KIND_WEIGHTS.get(kind)
    if weight is None:
        weight = stats.weight(text)
        if kind is WordKind.PATRONYMIC:
            weight *= 0.6
    return _word(text, native, script, kind, weight, father)


@lru_cache(maxsize=400_000)
def _word(text: str, native: str, script: str, kind: WordKind, weight: float, father: bool) -> Word:
    """One shared `Word` per distinct word: equal words of different names (and of queries)
    are the same object, which saves memory and lets comparison memos key on identity."""
    return Word(
        text=text,
        native=native,
        script=script,
        kind=kind,
        weight=weight,
        spelled=spelling_key(text),
        phonetic=phonetic_key(text),
        loose=loose_key(text),
        variants=variant_groups(text),
        father=father,
    )


def _person_words(triples: tuple[tuple[str, str, str], ...], stats: WordStats) -> list[Word]:
    words: list[Word] = []
    kinds = _classify_person([_deobfuscate(t[0]) for t in triples])
    after_nasab = False
    for (roman, native, script), kind in zip(triples, kinds, strict=True):
        if kind is None:
            continue
        text = _deobfuscate(roman)
        father = after_nasab and kind is WordKind.NAME
        words.append(_make_word(text, native, script, kind, stats, father=father))
        # The father's name is the first name word after "bin"; "bin al-Din" skips "al".
        if text in NASAB_PARTICLES:
            after_nasab = True
        elif kind is not WordKind.PARTICLE:
            after_nasab = False
    return words


_LEET = str.maketrans("0134578", "oieastb")


def _deobfuscate(word: str) -> str:
    """ "Ig0r Sech1n" -> "igor sechin": digits inside a person's name word stand for letters."""
    if word.isalpha() or word.isdigit() or not any(c.isalpha() for c in word):
        return word
    return word.translate(_LEET)


def _org_words(triples: tuple[tuple[str, str, str], ...], stats: WordStats) -> list[Word]:
    words: list[Word] = []
    for index, roman, kind in _classify_org([t[0] for t in triples]):
        native, script = (triples[index][1], triples[index][2]) if index >= 0 else ("", "Latn")
        words.append(_make_word(roman, native, script, kind, stats))
    return words


def prepare_name(
    text: str,
    schema: Schema,
    stats: WordStats,
    quality: NameQuality = NameQuality.PRIMARY,
) -> PreparedName:
    """Prepare cleaned name text (see `text.validate_name`) for comparison."""
    triples = romanised_words(text, schema)
    is_person = schema is Schema.PERSON
    words = _person_words(triples, stats) if is_person else _org_words(triples, stats)
    comma = schema is Schema.PERSON and text.count(",") == 1
    han = any(w.script == "Hani" for w in words)
    return PreparedName(text, tuple(words), quality, comma, han)


def prepare_forms(
    text: str,
    schema: Schema,
    stats: WordStats,
    quality: NameQuality = NameQuality.PRIMARY,
) -> list[PreparedName]:
    """Every name one written name stands for, prepared: its slashed alternatives (see
    `text.name_forms`) and, for a person's name in kanji, its Japanese reading, shown to
    officers beside the original ("山田太郎 (Yamada Taro)")."""
    prepared: list[PreparedName] = []
    for form in name_forms(text):
        prepared.append(prepare_name(form, schema, stats, quality))
        reading = japanese_reading(form) if schema is Schema.PERSON else None
        if reading is not None:
            read = prepare_name(reading, schema, stats, quality)
            prepared.append(replace(read, original=f"{form} ({reading})", reading=True))
    return prepared
