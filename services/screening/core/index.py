"""Stage 1: the candidate index. Finds the few list names worth scoring, without a full scan.

Tuned for recall: every word of every list name is indexed under several keys (the romanised
word, its phonetic key, its consonant skeleton), plus adjacent words written together
("JanDaniel"). A query word collects the names behind each of its keys with a strength
(exact 1.0, known variant 0.9, typo and sound 0.8, skeleton 0.7) times its rarity weight;
typos are found among vocabulary words sharing the query word's first or last letters and
about its length. The names
with the most weighted agreement are over-fetched for stage 2. The index is immutable once
built and safe to share between threads.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from services.screening.core.compare_text import edit_budget
from services.screening.core.names import (
    PreparedName,
    Word,
    WordStats,
    prepare_forms,
    romanised_words,
)
from services.screening.core.scoring import PreparedParty
from services.screening.core.text import clean_text, has_letter
from services.screening.core.translit import LOSSY_SCRIPTS
from services.screening.core.variants import variant_spellings
from services.screening.core.vocab import WordKind
from watchlists.model import Party, Schema

_SEARCHED = (WordKind.NAME, WordKind.PATRONYMIC)
_EXACT, _VARIANT, _TYPO, _SOUND, _SKELETON = 1.0, 0.9, 0.8, 0.8, 0.7
# A list name must account for this share of the query name's word weight to be scored: below
# it, the query words it lacks cost more than any name score above the default cutoff allows.
# 0.45: on the UN positives the same entries are found as at 0.4 while a quarter less is scored.
MIN_RECALL_SHARE = 0.45
# A query word whose keys fetch more names than this only scores names rarer words found.
_DRIVER_POSTINGS = 300
_TYPO_PROBE_BELOW = 3
_COMMON_WORDS_KEPT = 2048
_NAMES_PER_ENTRY = 2
# Per-batch memo: a query word -> its hits, and ("lookups", word) -> its posting lists.
WordHitMemo = dict[object, Any]
Postings = dict[str, "array[int]"]


def name_schema(schema: Schema) -> Schema:
    """How names of a schema are prepared: people as people, everything else as organisations."""
    return Schema.PERSON if schema is Schema.PERSON else Schema.ORGANIZATION


def prepare_party(party: Party, stats: WordStats) -> PreparedParty:
    """Prepare every usable name of a list entry (unusable ones are skipped, never fatal).
    Equal words share one object (see `names._word`)."""
    names = []
    for name in party.names:
        text = clean_text(name.full)
        if not has_letter(text):
            continue
        names.extend(prepare_forms(text, name_schema(party.schema), stats, name.quality))
    return PreparedParty(party, tuple(names))


def corpus_stats(parties: Sequence[Party]) -> WordStats:
    """Word rarity over every name of the given parties."""

    def word_lists() -> Iterator[list[str]]:
        for party in parties:
            for name in party.names:
                yield [t[0] for t in romanised_words(clean_text(name.full), party.schema)]

    return WordStats.from_word_lists(word_lists())


@dataclass(frozen=True, slots=True)
class Candidate:
    """A list entry worth scoring and which of its names stage 1 found."""

    party: int
    names: tuple[int, ...]
    recall_score: float  # weighted share of the query's words found in the name, 0..1


class _Builder:
    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = {}
        self.sound: dict[str, list[int]] = {}
        self.skeleton: dict[str, list[int]] = {}
        self.lossy_skeleton: dict[str, list[int]] = {}

    def add(self, name_id: int, name: PreparedName, *, organisation: bool) -> None:
        words = [w for w in name.words if w.kind in _SEARCHED]
        for word in words:
            _post(self.exact, word.text, name_id)
            if len(word.phonetic) > 1:
                _post(self.sound, word.phonetic, name_id)
            if len(word.loose) > 2:
                _post(self.skeleton, word.loose, name_id)
                if word.script in LOSSY_SCRIPTS:
                    _post(self.lossy_skeleton, word.loose, name_id)
        for first, second in itertools.pairwise(words):
            _post(self.exact, first.text + second.text, name_id)
        # Organisations are screened by their initials too ("PLA"); see `align._pair_acronym`.
        if organisation and 3 <= len(words) <= 5:
            _post(self.exact, "".join(w.text[0] for w in words), name_id)


def _post(table: dict[str, list[int]], key: str, name_id: int) -> None:
    ids = table.setdefault(key, [])
    if not ids or ids[-1] != name_id:
        ids.append(name_id)


def _freeze(table: dict[str, list[int]]) -> Postings:
    return {key: array("i", ids) for key, ids in table.items()}


class CandidateIndex:
    """Inverted index over the names of a list snapshot."""

    def __init__(self, parties: Sequence[Party], stats: WordStats | None = None) -> None:
        self.stats = stats if stats is not None else corpus_stats(parties)
        self.parties = tuple(prepare_party(p, self.stats) for p in parties)
        self._name_party = array("i")
        self._name_slot = array("i")
        builder = _Builder()
        for party_index, prepared in enumerate(self.parties):
            organisation = prepared.party.schema is Schema.ORGANIZATION
            for slot, name in enumerate(prepared.names):
                builder.add(len(self._name_party), name, organisation=organisation)
                self._name_party.append(party_index)
                self._name_slot.append(slot)
        self._exact = _freeze(builder.exact)
        self._sound = _freeze(builder.sound)
        self._skeleton = _freeze(builder.skeleton)
        self._lossy_skeleton = _freeze(builder.lossy_skeleton)
        self._affixes = _affix_table(self._exact)
        # Best strength per name of the words whose postings are long, built on first use and
        # kept for the index's life: the same few common words ("Mohammed") recur in every
        # batch (see `_boost`). The bench's 3,183 queries keep 605 words (about 40 MB).
        self._common_hits: dict[Word, dict[int, float]] = {}

    def __len__(self) -> int:
        return len(self.parties)

    def parties_of(self, source: str) -> list[Party]:
        """The indexed parties of one list source."""
        return [p.party for p in self.parties if p.party.source == source]

    @property
    def name_count(self) -> int:
        return len(self._name_party)

    def _lookups(self, word: Word) -> list[tuple[array[int], float]]:
        """The posting lists behind a query word's keys, with their strengths."""
        found: list[tuple[array[int] | None, float]] = [(self._exact.get(word.text), _EXACT)]
        exact_hits = len(found[0][0] or ())
        # Typos are looked for when the word itself is rare or unknown (a misspelt query);
        # four-letter words have dozens of one-edit neighbours that are other real names.
        if len(word.text) >= 5 and exact_hits < _TYPO_PROBE_BELOW:
            found.extend((self._exact.get(t), _TYPO) for t in self._typo_neighbours(word.text))
        found.extend((self._exact.get(v), _VARIANT) for v in variant_spellings(word.text))
        if len(word.phonetic) > 1:
            found.append((self._sound.get(word.phonetic), _SOUND))
        # Skeletons of two letters or fewer (Ali -> "l") would fetch half the index.
        if len(word.loose) > 2:
            lossy = word.script in LOSSY_SCRIPTS
            table = self._skeleton if lossy else self._lossy_skeleton
            found.append((table.get(word.loose), _SKELETON))
        return [(ids, strength) for ids, strength in found if ids]

    def _cached_lookups(
        self, word: Word, memo: WordHitMemo | None
    ) -> list[tuple[array[int], float]]:
        if memo is None:
            return self._lookups(word)
        key = ("lookups", word)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._lookups(word)
        return found

    def _typo_neighbours(self, word: str) -> list[str]:
        """Vocabulary words within the typo budget that share the first or last two letters
        (three for words of seven letters or more): one edit leaves one end intact."""
        choices: set[str] = set()
        for length in (len(word) - 1, len(word), len(word) + 1):
            size = _affix_size(length)
            choices.update(self._affixes.get((word[:size], length), ()))
            choices.update(self._affixes.get(("~" + word[-size:], length), ()))
        choices.discard(word)
        if not choices:
            return []
        budget = edit_budget(len(word))
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=budget, limit=None)
        return [text for text, _, _ in found]

    def _common_word_hits(
        self, word: Word, lookups: list[tuple[array[int], float]]
    ) -> dict[int, float]:
        cached = self._common_hits.get(word)
        if cached is None:
            cached = _best_strengths(lookups)
            if len(self._common_hits) < _COMMON_WORDS_KEPT:
                self._common_hits[word] = cached
        return cached

    def candidates(
        self,
        query: PreparedParty,
        limit: int,
        keep: Callable[[Party], bool] | None = None,
        memo: WordHitMemo | None = None,
    ) -> list[Candidate]:
        """The `limit` best list names for the query, grouped by party, best first.

        `memo` (one per batch of queries) keeps each query word's hits, so a bulk run pays
        once for "Mohammed" or "Smith"."""
        totals: dict[int, float] = {}
        for name in query.names:
            searched = sum(w.weight for w in name.words if w.kind in _SEARCHED)
            if not searched:
                continue
            floor = MIN_RECALL_SHARE * searched
            for name_id, score in self._name_hits(name, memo).items():
                share = min(score / searched, 1.0)
                if score >= floor and totals.get(name_id, 0.0) < share:
                    totals[name_id] = share
        items: Iterable[tuple[int, float]] = totals.items()
        if keep is not None:
            items = [i for i in items if keep(self.parties[self._name_party[i[0]]].party)]
        ranked = heapq.nlargest(limit, items, key=itemgetter(1))
        return self._group(ranked)

    def _name_hits(self, name: PreparedName, memo: WordHitMemo | None) -> dict[int, float]:
        """Weighted agreement per list name. Rare words drive: they visit their postings;
        words whose postings are huge ("Mohammed", "Ali") only add to names already found,
        unless nothing rarer was found (a query of common words only)."""
        totals: dict[int, float] = {}
        words = [w for w in name.words if w.kind in _SEARCHED]
        by_size = sorted(
            ((w, self._cached_lookups(w, memo)) for w in words),
            key=lambda item: _postings(item[1]),
        )
        for word, lookups in by_size:
            if totals and _postings(lookups) > _DRIVER_POSTINGS:
                self._boost(totals, word, lookups)
                continue
            hits = memo.get(word) if memo is not None else None
            if hits is None:
                hits = _best_strengths(lookups)
                if memo is not None:
                    memo[word] = hits
            for name_id, strength in hits.items():
                totals[name_id] = totals.get(name_id, 0.0) + strength * word.weight
        for first, second in itertools.pairwise(words):
            for name_id in self._exact.get(first.text + second.text, ()):
                totals[name_id] = totals.get(name_id, 0.0) + first.weight + second.weight
        return totals

    def _boost(
        self, totals: dict[int, float], word: Word, lookups: list[tuple[array[int], float]]
    ) -> None:
        hits = self._common_word_hits(word, lookups)
        weight = word.weight
        for name_id, total in totals.items():
            best = hits.get(name_id)
            if best is not None:
                totals[name_id] = total + best * weight

    def _group(self, ranked: list[tuple[int, float]]) -> list[Candidate]:
        grouped: dict[int, tuple[list[int], float]] = {}
        for name_id, score in ranked:
            party = self._name_party[name_id]
            slots = grouped.setdefault(party, ([], score))[0]
            # An entry's best two names carry the decision; its other aliases only cost time.
            if len(slots) < _NAMES_PER_ENTRY:
                slots.append(self._name_slot[name_id])
        return [Candidate(p, tuple(slots), best) for p, (slots, best) in grouped.items()]


def _postings(lookups: list[tuple[array[int], float]]) -> int:
    return sum(len(ids) for ids, _ in lookups)


def _affix_table(exact: Postings) -> dict[tuple[str, int], list[str]]:
    """Vocabulary words by (first letters, length) and ("~" + last letters, length)."""
    table: dict[tuple[str, int], list[str]] = {}
    for word in exact:
        if len(word) >= 4:
            size = _affix_size(len(word))
            table.setdefault((word[:size], len(word)), []).append(word)
            table.setdefault(("~" + word[-size:], len(word)), []).append(word)
    return table


def _affix_size(length: int) -> int:
    return 2 if length <= 6 else 3


def _best_strengths(lookups: list[tuple[array[int], float]]) -> dict[int, float]:
    hits: dict[int, float] = {}
    for ids, strength in lookups:
        for name_id in ids:
            if hits.get(name_id, 0.0) < strength:
                hits[name_id] = strength
    return hits
