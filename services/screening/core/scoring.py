"""Stage 2: score one list entry against the query with every feature, and explain it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.screening.core.align import NameAlignment, SimilarityCache, align_names
from services.screening.core.compare import name_weights_for
from services.screening.core.features import FEATURES, Evidence, Feature
from services.screening.core.names import PreparedName
from watchlists.model import Party


@dataclass(frozen=True, slots=True)
class PreparedParty:
    """A party with its names prepared for comparison (list entries: once, at index build)."""

    party: Party
    names: tuple[PreparedName, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """One feature's verdict: its score, weight, contribution to the total, and why."""

    feature: str
    weight: float
    score: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.weight * self.score


@dataclass(frozen=True, slots=True)
class Match:
    """A list entry scored against the query. `match` is `score >= threshold`."""

    entry: Party
    score: float
    match: bool
    query_name: str
    matched_name: str
    explanations: tuple[Explanation, ...]


def best_alignment(
    query: PreparedParty,
    entry: PreparedParty,
    entry_names: Sequence[int] | None = None,
    cache: SimilarityCache | None = None,
) -> NameAlignment | None:
    """The highest-scoring pair of (query name, entry name); strong names win ties."""
    weights = name_weights_for(entry.party.schema)
    best: NameAlignment | None = None
    indices = range(len(entry.names)) if entry_names is None else entry_names
    for q_name in query.names:
        for index in indices:
            e_name = entry.names[index]
            if (q_name.reading or e_name.reading) and not q_name.stands_in_for(e_name):
                continue
            aligned = align_names(q_name, e_name, weights, cache)
            if best is None or aligned.score > best.score:
                best = aligned
    return best


def score_entry(
    query: PreparedParty,
    entry: PreparedParty,
    threshold: float,
    entry_names: Sequence[int] | None = None,
    cache: SimilarityCache | None = None,
    floor: float = 0.0,
    features: tuple[Feature, ...] = FEATURES,
) -> Match | None:
    """Score `entry` against `query`; None when no name pair aligns, or when the name score
    is so low that no other evidence could lift the total to `floor` (see `evidence_ceiling`):
    explanations are only written for results someone will read."""
    alignment = best_alignment(query, entry, entry_names, cache)
    if alignment is None or alignment.score < floor:
        return None
    evidence = Evidence(query.party, entry.party, alignment)
    explanations = []
    for feature in features:
        score, detail = feature.compute(evidence)
        if score or feature.name == "name_similarity":
            explanations.append(Explanation(feature.name, feature.weight, score, detail))
    total = round(sum(e.contribution for e in explanations), 4)
    return Match(
        entry=entry.party,
        score=total,
        match=total >= threshold,
        query_name=alignment.query.original,
        matched_name=alignment.entry.original,
        explanations=tuple(explanations),
    )


def evidence_ceiling(query: Party) -> float:
    """The most the features other than the name can add for this query (a query without
    identifiers or birth dates cannot gain from them)."""
    ceiling = 0.0
    if query.identifiers:
        ceiling += max(f.weight for f in FEATURES if f.name == "identifier_match")
    if query.birth_dates:
        ceiling += max(f.weight for f in FEATURES if f.name == "birth_date")
    if query.nationalities or query.countries:
        ceiling += max(f.weight for f in FEATURES if f.name == "nationality")
    return ceiling
