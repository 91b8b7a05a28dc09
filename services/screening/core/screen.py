"""Screening use cases over the pure core: validate, prepare, fetch candidates, score.

The flow reads top to bottom like a request: validate the query party (bad names are an
`InvalidArgument` naming the field), prepare its names once, over-fetch candidates from the
index (recall), score each with every feature (precision), keep those at or above the cutoff,
and flag those at or above the threshold as matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument
from services.screening.core.align import SimilarityCache
from services.screening.core.index import CandidateIndex, WordHitMemo, name_schema
from services.screening.core.names import PreparedName, Word, WordStats, prepare_forms
from services.screening.core.scoring import (
    Match,
    PreparedParty,
    evidence_ceiling,
    score_entry,
)
from services.screening.core.text import validate_name
from watchlists.model import Party

# Chosen on the training split of the nomenklatura name benchmark (see bench/screening).
DEFAULT_THRESHOLD = 0.8
DEFAULT_CUTOFF = 0.5
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class ScreenOptions:
    """What to screen against and how strict to be.

    `threshold` decides `match`; `cutoff` decides what is returned at all (below the
    threshold: shown for context, not a match); `lists` restricts to list sources (empty: all);
    `candidates` is how many list names stage 1 hands to the scorer.
    """

    threshold: float = DEFAULT_THRESHOLD
    cutoff: float = DEFAULT_CUTOFF
    limit: int = 10
    lists: frozenset[str] = frozenset()
    candidates: int = 30

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 < self.threshold <= 2.0:
            problems.append(FieldViolation("options.threshold", "must be in (0, 2]"))
        if not 0.0 <= self.cutoff <= 2.0:
            problems.append(FieldViolation("options.cutoff", "must be in [0, 2]"))
        if not 1 <= self.limit <= MAX_LIMIT:
            problems.append(FieldViolation("options.limit", f"must be in 1..{MAX_LIMIT}"))
        if not 1 <= self.candidates <= 1000:
            problems.append(FieldViolation("options.candidates", "must be in 1..1000"))
        if problems:
            raise InvalidArgument("invalid screening options", problems)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Scored list entries for one query, best first."""

    query: Party
    matches: tuple[Match, ...]
    candidates_scored: int

    @property
    def hits(self) -> tuple[Match, ...]:
        """Only the entries flagged as matches."""
        return tuple(m for m in self.matches if m.match)


def prepare_query(party: Party, stats: WordStats) -> PreparedParty:
    """Validate and prepare a query party; raise `InvalidArgument` for unusable names.

    Names are cleaned (control, bidi and zero-width characters removed, NFKC); a name with no
    letters or over the length limit is a field violation. A party none of whose names has a
    distinctive word left (only "LLC", "Corp", titles or particles) is refused rather than
    matched against every company.
    """
    prepared: list[PreparedName] = []
    for position, name in enumerate(party.names):
        text = validate_name(name.full, f"party.names[{position}].full")
        prepared.extend(prepare_forms(text, name_schema(party.schema), stats, name.quality))
    usable = tuple(p for p in prepared if p.distinctive)
    if not usable:
        raise InvalidArgument.for_field(
            "party.names",
            "no name has a distinctive word left after removing legal forms, titles and stopwords",
            reason="NAME_NOT_DISTINCTIVE",
        )
    return PreparedParty(party, usable)


@dataclass
class BatchCache:
    """Memos shared by the queries of one batch (bulk screening): query words are interned so
    word comparisons and index lookups computed for one customer serve the next. Cleared when
    it grows past `limit` entries, so memory stays flat on long runs."""

    limit: int = 200_000
    words: dict[Word, Word] = dataclasses.field(default_factory=dict)
    similarity: SimilarityCache = dataclasses.field(default_factory=dict)
    hits: WordHitMemo = dataclasses.field(default_factory=dict)

    def intern(self, query: PreparedParty) -> PreparedParty:
        if len(self.similarity) + len(self.hits) > self.limit:
            self.words.clear()
            self.similarity.clear()
            self.hits.clear()
        names = tuple(
            dataclasses.replace(n, words=tuple(self.words.setdefault(w, w) for w in n.words))
            for n in query.names
        )
        return PreparedParty(query.party, names)


def screen_party(
    party: Party,
    index: CandidateIndex,
    options: ScreenOptions,
    batch: BatchCache | None = None,
) -> ScreeningResult:
    """Screen one party against the index (`batch`: memos shared across a bulk run)."""
    query = prepare_query(party, index.stats)
    if batch is not None:
        query = batch.intern(query)
    keep = (lambda p: p.source in options.lists) if options.lists else None
    memo = batch.hits if batch is not None else None
    candidates = index.candidates(query, options.candidates, keep, memo)
    cache: SimilarityCache = batch.similarity if batch is not None else {}
    floor = options.cutoff - evidence_ceiling(party)
    matches = []
    for candidate in candidates:
        entry = index.parties[candidate.party]
        scored = score_entry(query, entry, options.threshold, candidate.names, cache, floor)
        if scored is not None and scored.score >= options.cutoff:
            matches.append(scored)
    matches.sort(key=lambda m: (-m.score, m.entry.id))
    return ScreeningResult(party, tuple(matches[: options.limit]), len(candidates))


def screen_many(
    parties: Sequence[Party], index: CandidateIndex, options: ScreenOptions
) -> list[ScreeningResult | InvalidArgument]:
    """Screen a batch; a bad party yields its `InvalidArgument` in place instead of failing
    the whole batch (bulk uploads report per-row errors)."""
    batch = BatchCache()
    out: list[ScreeningResult | InvalidArgument] = []
    for party in parties:
        try:
            out.append(screen_party(party, index, options, batch))
        except InvalidArgument as error:
            out.append(error)
    return out


def compare_parties(
    query: Party, entry: Party, stats: WordStats, threshold: float = DEFAULT_THRESHOLD
) -> Match:
    """Score one party against one list entry with the full explanation (officer review).

    Unlike screening, every name pair is aligned. An entry with no usable name is reported as
    a field violation of `entry.names`.
    """
    prepared_query = prepare_query(query, stats)
    entry_names = []
    for name in entry.names:
        text = validate_name(name.full, "entry.names")
        entry_names.extend(prepare_forms(text, name_schema(entry.schema), stats, name.quality))
    scored = score_entry(prepared_query, PreparedParty(entry, tuple(entry_names)), threshold)
    if scored is None:  # pragma: no cover - prepare_query guarantees at least one name
        raise InvalidArgument.for_field("entry.names", "no usable name")
    return scored
