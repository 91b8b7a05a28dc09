"""Comparing two prepared names: word similarity, alignment, and one explained name score.

Word similarity takes the best of several pieces of evidence (same word, known variant, same
spelling after folding transliteration conventions, a typo within a length-aware budget, the
same sound, the same consonant skeleton for words romanised from vowel-less scripts). Words
written in the same non-Latin script are compared in that script.

Alignment pairs words greedily, best pairs first, regardless of order (lists write
"SURNAME, Given", applicants write "Given Surname", Chinese and Hungarian names put the family
name first), then joins words that one side wrote apart ("Jan Daniel" / "JanDaniel").

The name score is the weighted share of agreement. Words left over on one side only (a
missing middle name or patronymic) cost a little; words left over on both sides are a conflict
(two different given names) and cost more than their weight: "Sergey Prigozhin" is not
"Yevgeny Prigozhin" even though the rarer surname agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.screening.core.compare_text import budget_similarity
from services.screening.core.names import Word
from services.screening.core.translit import LOSSY_SCRIPTS, SYLLABIC_SCRIPTS
from services.screening.core.vocab import WordKind
from watchlists.model import Schema


class Relation(StrEnum):
    """Why two words were paired; shown to officers in explanations."""

    EXACT = "same word"
    VARIANT = "known name variant"
    SPELLING = "transliteration spelling"
    TYPO = "spelling difference"
    PHONETIC = "sounds alike"
    SKELETON = "same consonants across scripts"
    INITIAL = "initial"
    JOINED = "written joined"
    ACRONYM = "initials of the words"


@dataclass(frozen=True, slots=True)
class NameWeights:
    """How leftover words cost. Tuned on a training split of the name benchmark."""

    conflict: float = 1.5  # words on both sides that do not pair: different names
    query_extra: float = 0.5  # query words the entry lacks
    entry_extra: float = 0.35  # entry words the query lacks (middle names, patronymics)
    min_evidence: float = 0.85  # weighted agreement needed before a score counts in full
    # Organisations abbreviate to any initials ("PLA"); people's initials written together
    # ("JC Juncker") are consonants, and a short word with a vowel is a name ("Al", "Ed").
    acronym_vowels: bool = False
    lone_query_discount: float = 0.5  # entry_extra scale when the query is a single word


# People: a missing middle name or patronymic is ordinary. Organisations: an extra word is
# usually a qualifier naming a different entity ("Banco Santander Chile").
PERSON_NAME_WEIGHTS = NameWeights(conflict=1.5, query_extra=0.25, entry_extra=0.2)
ORGANIZATION_NAME_WEIGHTS = NameWeights(
    conflict=1.5, query_extra=0.6, entry_extra=0.6, acronym_vowels=True
)
DEFAULT_NAME_WEIGHTS = PERSON_NAME_WEIGHTS


def name_weights_for(schema: Schema) -> NameWeights:
    """Leftover costs for names of this schema."""
    return PERSON_NAME_WEIGHTS if schema is Schema.PERSON else ORGANIZATION_NAME_WEIGHTS


_SOFT_KINDS = (WordKind.PARTICLE, WordKind.LEGAL_FORM)
_SUBSTANTIVE = (WordKind.NAME, WordKind.PATRONYMIC)


def _same_script(a: Word, b: Word) -> tuple[float, Relation] | None:
    if a.native == b.native:
        return 1.0, Relation.EXACT
    if a.script in SYLLABIC_SCRIPTS:
        return None  # one character is one syllable: a different one is a different name
    similarity = budget_similarity(a.native, b.native)
    return (similarity, Relation.TYPO) if similarity else None


def _soft_similarity(a: Word, b: Word) -> tuple[float, Relation] | None:
    if a.kind is not b.kind:
        return None
    if a.text == b.text or a.variants & b.variants:
        return 1.0, Relation.EXACT
    return None


def _initial_similarity(a: Word, b: Word) -> tuple[float, Relation] | None:
    if a.kind is WordKind.INITIAL and b.kind is WordKind.INITIAL:
        return (0.9, Relation.INITIAL) if a.text == b.text else None
    initial, full = (a, b) if a.kind is WordKind.INITIAL else (b, a)
    return (0.75, Relation.INITIAL) if full.text.startswith(initial.text) else None


_SOUND_BY_LENGTH = {2: 0.65, 3: 0.8}
# A Han character read in pinyin stands for dozens of characters with that reading: a Latin
# word equal to the reading is good, not certain, evidence.
_READING_CAP = 0.85
_READING_SCRIPTS = frozenset({"Hani", "Kana"})


def word_similarity(a: Word, b: Word) -> tuple[float, Relation] | None:
    """Best evidence that two words are the same name word, or None."""
    found = _word_similarity(a, b)
    if found is not None and (a.script in _READING_SCRIPTS) != (b.script in _READING_SCRIPTS):
        return min(found[0], _READING_CAP), found[1]
    return found


def _word_similarity(a: Word, b: Word) -> tuple[float, Relation] | None:
    if a.kind in _SOFT_KINDS or b.kind in _SOFT_KINDS:
        return _soft_similarity(a, b)
    if a.kind is WordKind.NUMBER or b.kind is WordKind.NUMBER:
        return (1.0, Relation.EXACT) if a.text == b.text else None
    if a.kind is WordKind.INITIAL or b.kind is WordKind.INITIAL:
        return _initial_similarity(a, b)
    if a.native and a.script == b.script:
        return _same_script(a, b)
    if a.text == b.text:
        return 1.0, Relation.EXACT
    return _spelling_similarity(a, b)


def _spelling_similarity(a: Word, b: Word) -> tuple[float, Relation] | None:
    best = (0.0, Relation.TYPO)
    if a.variants & b.variants:
        best = (0.92, Relation.VARIANT)
    elif a.spelled == b.spelled:
        best = (0.92, Relation.SPELLING)
    typo = budget_similarity(a.text, b.text)
    if typo > best[0]:
        best = (typo, Relation.TYPO)
    # A typo on top of folded spellings is only trusted on longer words that start alike.
    if len(a.spelled) >= 5 and a.spelled[0] == b.spelled[0]:
        spelling = 0.95 * budget_similarity(a.spelled, b.spelled)
        if spelling > best[0]:
            best = (spelling, Relation.SPELLING)
    # Same sound only counts for words of about the same length ("Potanin" is not "Putin"),
    # and less for short skeletons ("Lisa" and "Luis" share "ls").
    same_sound = a.phonetic == b.phonetic and len(a.phonetic) > 1
    if same_sound and _same_rhythm(a.spelled, b.spelled):
        sound = _SOUND_BY_LENGTH.get(len(a.phonetic), 0.85)
        if sound > best[0]:
            best = (sound, Relation.PHONETIC)
    if best[0] < 0.85 and (a.script in LOSSY_SCRIPTS or b.script in LOSSY_SCRIPTS):
        skeleton = _skeleton_similarity(a.loose, b.loose)
        if skeleton > best[0]:
            best = (skeleton, Relation.SKELETON)
    return best if best[0] else None


_VOWEL_RUNS = re.compile(r"[aeiou]+")


def _same_rhythm(a: str, b: str) -> bool:
    """About the same length and the same number of syllables: vowels vary between
    transliterations, syllables do not ("Maroghashvili" is not "Margoshvili")."""
    if abs(len(a) - len(b)) > 1:
        return False
    return len(_VOWEL_RUNS.findall(a)) == len(_VOWEL_RUNS.findall(b))


def _skeleton_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 0.85 if len(a) > 1 else 0.7
    return 0.85 * budget_similarity(a, b)
