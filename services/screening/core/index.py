"""Stage 1: the candidate index. Finds the few list names worth scoring, without a full scan.

Tuned for recall: every word of every list name is indexed under several keys (the romanised
word, its phonetic key, its consonant skeleton), plus adjacent words written together
("JanDaniel"). A query word collects the names behind each of its keys with a strength (exact
1.0, typo and sound 0.8, skeleton 0.7) times its rarity weight; typos are found by probing the
vocabulary with the query word's one-edit spellings, so no deletion index is stored. The names
with the most weighted agreement are over-fetched for stage 2. The index is immutable once
built and safe to share between threads.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from services.screening.core.names import (
    PreparedName,
    Word,
    WordStats,
    prepare_name,
    romanised_words,
)
from services.screening.core.scoring import PreparedParty
from services.screening.core.text import clean_text, has_letter
from services.screening.core.translit import LOSSY_SCRIPTS
from services.screening.core.vocab import WordKind
from watchlists.model import Party, Schema

_SEARCHED = (WordKind.NAME, WordKind.PATRONYMIC)
_EXACT, _TYPO, _SOUND, _SKELETON = 1.0, 0.8, 0.8, 0.7
# A list name must account for this share of the query name's word weight to be scored: below
# it, the query words it lacks cost more than any name score above the default cutoff allows.
MIN_RECALL_SHARE = 0.4
Postings = dict[str, "array[int]"]


def name_schema(schema: Schema) -> Schema:
    """How names of a schema are prepared: people as people, everything else as organisations."""
    return Schema.PERSON if schema is Schema.PERSON else Schema.ORGANIZATION


def prepare_party(
    party: Party, stats: WordStats, interned: dict[Word, Word] | None = None
) -> PreparedParty:
    """Prepare every usable name of a list entry (unusable ones are skipped, never fatal).

    With `interned`, equal words share one object: less memory, and per-query comparison
    memos (keyed by object id) hit across entries.
    """
    names = []
    for name in party.names:
        text = clean_text(name.full)
        if not has_letter(text):
            continue
        prepared = prepare_name(text, name_schema(party.schema), stats, name.quality)
        if interned is not None:
            words = tuple(interned.setdefault(w, w) for w in prepared.words)
            prepared = dataclasses.replace(prepared, words=words)
        names.append(prepared)
    return PreparedParty(party, tuple(names))


def corpus_stats(parties: Sequence[Party]) -> WordStats:
    """Word rarity over every name of the given parties."""

    def word_lists() -> Iterator[list[str]]:
        for party in parties:
            for name in party.names:
                yield [t[0] for t in romanised_words(clean_text(name.full), party.schema)]

    return WordStats.from_word_lists(word_lists())


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`.

    Generated at query time and looked up in the vocabulary (a few hundred dict probes), which
    finds every one-typo spelling without storing a deletion index at build time.
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    edits |= {a + c + b for a, b in splits for c in _ALPHABET}
    edits.discard(word)
    return edits


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

    def add(self, name_id: int, name: PreparedName) -> None:
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
        interned: dict[Word, Word] = {}
        self.parties = tuple(prepare_party(p, self.stats, interned) for p in parties)
        self._name_party = array("i")
        self._name_slot = array("i")
        builder = _Builder()
        for party_index, prepared in enumerate(self.parties):
            for slot, name in enumerate(prepared.names):
                builder.add(len(self._name_party), name)
                self._name_party.append(party_index)
                self._name_slot.append(slot)
        self._exact = _freeze(builder.exact)
        self._sound = _freeze(builder.sound)
        self._skeleton = _freeze(builder.skeleton)
        self._lossy_skeleton = _freeze(builder.lossy_skeleton)

    def __len__(self) -> int:
        return len(self.parties)

    @property
    def name_count(self) -> int:
        return len(self._name_party)

    def _word_hits(
        self, word_text: str, phonetic: str, loose: str, lossy: bool
    ) -> dict[int, float]:
        hits: dict[int, float] = {}
        lookups: list[tuple[array[int] | None, float]] = [(self._exact.get(word_text), _EXACT)]
        # Four-letter words have dozens of one-edit neighbours that are other real names.
        if len(word_text) >= 5:
            exact = self._exact
            lookups.extend((exact.get(e), _TYPO) for e in one_edit_away(word_text) if e in exact)
        if len(phonetic) > 1:
            lookups.append((self._sound.get(phonetic), _SOUND))
        # Skeletons of two letters or fewer (Ali -> "l") would fetch half the index.
        if len(loose) > 2:
            table = self._skeleton if lossy else self._lossy_skeleton
            lookups.append((table.get(loose), _SKELETON))
        for ids, strength in lookups:
            if ids is None:
                continue
            for name_id in ids:
                if hits.get(name_id, 0.0) < strength:
                    hits[name_id] = strength
        return hits

    def candidates(
        self, query: PreparedParty, limit: int, keep: Callable[[Party], bool] | None = None
    ) -> list[Candidate]:
        """The `limit` best list names for the query, grouped by party, best first."""
        totals: dict[int, float] = {}
        for name in query.names:
            searched = sum(w.weight for w in name.words if w.kind in _SEARCHED)
            for name_id, score in self._name_hits(name).items():
                share = min(score / searched, 1.0) if searched else 0.0
                if share >= MIN_RECALL_SHARE and totals.get(name_id, 0.0) < share:
                    totals[name_id] = share
        ranked = heapq.nlargest(
            limit,
            (
                item
                for item in totals.items()
                if keep is None or keep(self.parties[self._name_party[item[0]]].party)
            ),
            key=lambda item: item[1],
        )
        return self._group(ranked)

    def _name_hits(self, name: PreparedName) -> dict[int, float]:
        totals: dict[int, float] = {}
        words = [w for w in name.words if w.kind in _SEARCHED]
        for word in words:
            lossy = word.script in LOSSY_SCRIPTS
            for name_id, strength in self._word_hits(
                word.text, word.phonetic, word.loose, lossy
            ).items():
                totals[name_id] = totals.get(name_id, 0.0) + strength * word.weight
        for first, second in itertools.pairwise(words):
            for name_id in self._exact.get(first.text + second.text, ()):
                totals[name_id] = totals.get(name_id, 0.0) + first.weight + second.weight
        return totals

    def _group(self, ranked: list[tuple[int, float]]) -> list[Candidate]:
        grouped: dict[int, tuple[list[int], float]] = {}
        for name_id, score in ranked:
            party = self._name_party[name_id]
            grouped.setdefault(party, ([], score))[0].append(self._name_slot[name_id])
        return [Candidate(p, tuple(slots), best) for p, (slots, best) in grouped.items()]
