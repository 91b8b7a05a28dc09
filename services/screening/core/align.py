"""Aligning the words of two names and scoring the alignment (see `compare` for the rules)."""

from __future__ import annotations

from dataclasses import dataclass

from services.screening.core.compare import (
    DEFAULT_NAME_WEIGHTS,
    NameWeights,
    Relation,
    word_similarity,
)
from services.screening.core.compare_text import budget_similarity
from services.screening.core.names import PreparedName, Word
from services.screening.core.phonetic import loose_key
from services.screening.core.translit import LOSSY_SCRIPTS
from services.screening.core.variants import variant_groups
from services.screening.core.vocab import WordKind

_MIN_PAIR = 0.6
_MAX_JOIN = 3


@dataclass(frozen=True, slots=True)
class WordPair:
    """Query word(s) paired with entry word(s); several words on a side when written joined."""

    query: tuple[Word, ...]
    entry: tuple[Word, ...]
    similarity: float
    relation: Relation

    @property
    def weight(self) -> float:
        return (sum(w.weight for w in self.query) + sum(w.weight for w in self.entry)) / 2


@dataclass(frozen=True, slots=True)
class NameAlignment:
    """The outcome of comparing two names: pairs, leftovers and the score."""

    query: PreparedName
    entry: PreparedName
    pairs: tuple[WordPair, ...]
    query_left: tuple[Word, ...]
    entry_left: tuple[Word, ...]
    score: float


# Per-query memo of word comparisons, keyed by the ids of the two (interned) words.
SimilarityCache = dict[tuple[int, int], tuple[float, Relation] | None]


def _similarity(a: Word, b: Word, cache: SimilarityCache | None) -> tuple[float, Relation] | None:
    if cache is None:
        return word_similarity(a, b)
    key = (id(a), id(b))
    if key not in cache:
        cache[key] = word_similarity(a, b)
    return cache[key]


def _pair_candidates(
    query: PreparedName, entry: PreparedName, cache: SimilarityCache | None
) -> list[tuple[float, int, int, Relation]]:
    # "Salman bin Muhammad" is not "Muhammad bin Salman": when both names spell out a nasab,
    # a word must keep its role (the person's own name vs the father's) to pair fully.
    roles_matter = any(w.father for w in query.words) and any(w.father for w in entry.words)
    found = []
    for i, a in enumerate(query.words):
        for j, b in enumerate(entry.words):
            result = _similarity(a, b, cache)
            if result is None:
                continue
            score = result[0] * (0.5 if roles_matter and a.father != b.father else 1.0)
            if score >= _MIN_PAIR:
                found.append((score, i, j, result[1]))
    # Best first; among equals prefer pairs at the same position (keeps repeated words in order).
    found.sort(key=lambda item: (-item[0], abs(item[1] - item[2])))
    return found


def _joined_text(words: list[Word]) -> tuple[str, bool]:
    return "".join(w.text for w in words), any(w.script in LOSSY_SCRIPTS for w in words)


def _join_similarity(single: Word, run: list[Word]) -> float:
    text, lossy = _joined_text(run)
    if single.text == text:
        return 1.0
    if single.variants & variant_groups(text):
        return 0.92
    score = budget_similarity(single.text, text)
    if lossy or single.script in LOSSY_SCRIPTS:
        a, b = loose_key(single.text), loose_key(text)
        score = max(score, 0.85 if a == b and len(a) > 2 else 0.0)
    return score


def _may_start(single: Word, first: Word) -> bool:
    """Cheap filter: a joined spelling starts like its first word (or its skeleton does)."""
    if single.text[0] == first.text[0] or single.variants:
        return True
    lossy = single.script in LOSSY_SCRIPTS or first.script in LOSSY_SCRIPTS
    return lossy and single.loose[:1] == first.loose[:1]


def _find_join(single: Word, others: list[Word | None]) -> tuple[int, int, float] | None:
    """A run of 2-3 unpaired words on the other side that spells `single` joined."""
    # Patronymics are split too ("Plat Ono Vich" for "Platonovich").
    if single.kind not in (WordKind.NAME, WordKind.PATRONYMIC) or len(single.text) < 4:
        return None
    slack = 3 if single.script in LOSSY_SCRIPTS else 2
    for start in range(len(others) - 1):
        first = others[start]
        if first is None or not _may_start(single, first):
            continue
        length = 0
        for size in range(1, _MAX_JOIN + 1):
            other = others[start + size - 1] if start + size - 1 < len(others) else None
            if other is None:
                break
            length += len(other.text)
            if size == 1:
                continue
            if length > len(single.text) + slack:
                break
            if length >= len(single.text) - slack:
                words = [w for w in others[start : start + size] if w is not None]
                score = _join_similarity(single, words)
                if score >= 0.8:
                    return start, size, score
    return None


def align_names(
    query: PreparedName,
    entry: PreparedName,
    weights: NameWeights = DEFAULT_NAME_WEIGHTS,
    cache: SimilarityCache | None = None,
) -> NameAlignment:
    """Pair the words of two names and score the result in [0, 1].

    `cache` (optional, one per query) memoises word comparisons across the candidates of a
    query; it relies on list words being interned by the index.
    """
    q_free: list[Word | None] = list(query.words)
    e_free: list[Word | None] = list(entry.words)
    pairs: list[WordPair] = []
    for score, i, j, relation in _pair_candidates(query, entry, cache):
        qa, eb = q_free[i], e_free[j]
        if qa is not None and eb is not None:
            pairs.append(WordPair((qa,), (eb,), score, relation))
            q_free[i] = e_free[j] = None
    if any(q_free) and any(e_free):
        _pair_joined(q_free, e_free, pairs, query_is_single=True)
        _pair_joined(e_free, q_free, pairs, query_is_single=False)
    if any(q_free) and any(e_free):
        _pair_acronym(q_free, e_free, pairs, weights, query_is_single=True)
        _pair_acronym(e_free, q_free, pairs, weights, query_is_single=False)
    _unpair_doubtful_initials(pairs, q_free, e_free)
    q_left = tuple(w for w in q_free if w is not None)
    e_left = tuple(w for w in e_free if w is not None)
    score = alignment_score(pairs, q_left, e_left, weights)
    return NameAlignment(query, entry, tuple(pairs), q_left, e_left, score)


def _unpair_doubtful_initials(
    pairs: list[WordPair], q_free: list[Word | None], e_free: list[Word | None]
) -> None:
    """An initial only stands for a full name when its side has no other name left over:
    in "Vanessa Johnson" / "Timothy V. Johnson", Vanessa faces Timothy, not the V."""
    for pair in list(pairs):
        if pair.relation is not Relation.INITIAL or len(pair.query) + len(pair.entry) != 2:
            continue
        q_word, e_word = pair.query[0], pair.entry[0]
        initial_side = q_free if q_word.kind is WordKind.INITIAL else e_free
        if any(w is not None and w.kind is WordKind.NAME for w in initial_side):
            pairs.remove(pair)
            q_free.append(q_word)
            e_free.append(e_word)


def _pair_joined(
    singles: list[Word | None],
    others: list[Word | None],
    pairs: list[WordPair],
    *,
    query_is_single: bool,
) -> None:
    for i, single in enumerate(singles):
        if single is None:
            continue
        found = _find_join(single, others)
        if found is None:
            continue
        start, size, score = found
        run = tuple(w for w in others[start : start + size] if w is not None)
        pair = (
            WordPair((single,), run, score, Relation.JOINED)
            if query_is_single
            else WordPair(run, (single,), score, Relation.JOINED)
        )
        pairs.append(pair)
        singles[i] = None
        for k in range(start, start + size):
            others[k] = None


_ACRONYM_SIMILARITY = 0.9
_VOWELS = frozenset("aeiouy")


def _acronym_run(
    short: Word, others: list[Word | None], weights: NameWeights
) -> tuple[int, int] | None:
    """Where the other side's unpaired name words spell `short` by their first letters."""
    text = short.text
    if short.kind is not WordKind.NAME or not 2 <= len(text) <= 5 or not text.isalpha():
        return None
    if not weights.acronym_vowels and _VOWELS & set(text):
        return None
    size = len(text)
    for start in range(len(others) - size + 1):
        run = others[start : start + size]
        if all(w is not None and w.kind is WordKind.NAME and len(w.text) > 1 for w in run) and (
            "".join(w.text[0] for w in run if w is not None) == text
        ):
            return start, size
    return None


def _pair_acronym(
    singles: list[Word | None],
    others: list[Word | None],
    pairs: list[WordPair],
    weights: NameWeights,
    *,
    query_is_single: bool,
) -> None:
    """ "PLA" / "People's Liberation Army", "JC Juncker" / "Jean-Claude Juncker"."""
    for i, single in enumerate(singles):
        if single is None or not 2 <= len(single.text) <= 5:
            continue
        found = _acronym_run(single, others, weights)
        if found is None:
            continue
        start, size = found
        run = tuple(w for w in others[start : start + size] if w is not None)
        query, entry = ((single,), run) if query_is_single else (run, (single,))
        pairs.append(WordPair(query, entry, _ACRONYM_SIMILARITY, Relation.ACRONYM))
        singles[i] = None
        others[start : start + size] = [None] * size


# An initial left over asserts a given name as much as a spelled-out one ("Hans O Friedrich"
# is not "Hans Joachim Friedrich"), though it pairs weakly when it agrees.
_LEFTOVER_INITIAL = 0.8


def _leftover(words: tuple[Word, ...]) -> float:
    return sum(
        _LEFTOVER_INITIAL if w.kind is WordKind.INITIAL else w.weight
        for w in words
        if w.kind not in (WordKind.PARTICLE, WordKind.LEGAL_FORM)
    )


def _legal_left(words: tuple[Word, ...]) -> float:
    return sum(w.weight for w in words if w.kind is WordKind.LEGAL_FORM)


def alignment_score(
    pairs: list[WordPair],
    query_left: tuple[Word, ...],
    entry_left: tuple[Word, ...],
    weights: NameWeights,
) -> float:
    """Weighted agreement over agreement plus the cost of the leftovers."""
    if not any(w.kind in (WordKind.NAME, WordKind.PATRONYMIC) for p in pairs for w in p.query):
        return 0.0
    agreed = sum(p.weight * p.similarity for p in pairs)
    paired = sum(p.weight for p in pairs)
    # Agreement on common words alone is weak evidence: a lone "Mohammed" (weight ~0.5) is
    # scaled down; one rare word (weight ~1) or two ordinary ones carry full weight.
    evidence = min(1.0, agreed / weights.min_evidence)
    q_left, e_left = _leftover(query_left), _leftover(entry_left)
    # A legal form on one side only is ordinary ("Nanshan Group" / "Nanshan Group Co Ltd");
    # two different ones are a conflict (an AG is not a GmbH).
    conflict = (q_left + e_left) / 2 if q_left and e_left else 0.0
    conflict += min(_legal_left(query_left), _legal_left(entry_left))
    # A query of one word (a brand, a surname alone) says nothing about the entry's other
    # words: they are what the query left out, not evidence against it.
    lone = len(pairs) == 1 and len(pairs[0].query) == 1 and not query_left
    entry_extra = weights.entry_extra * (weights.lone_query_discount if lone else 1.0)
    cost = (
        weights.conflict * conflict
        + weights.query_extra * max(q_left - conflict, 0.0)
        + entry_extra * max(e_left - conflict, 0.0)
    )
    return evidence * agreed / (paired + cost)
