"""Accuracy benchmarks: name pairs, UN positives, negatives, cross-script pairs, Putin spellings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.screening.evalsets import (
    NamePair,
    load_cross_script,
    load_name_pairs,
    load_people,
    load_putin,
)
from services.common.errors import InvalidArgument
from services.screening.core.index import CandidateIndex
from services.screening.core.names import WordStats
from services.screening.core.screen import ScreenOptions, compare_parties, screen_party
from services.screening.core.text import clean_text
from watchlists.model import Name, Party, Schema

LOGIC_V2_THRESHOLD = 0.7


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> Confusion:
        return Confusion(
            self.tp + (truth and predicted),
            self.fp + (not truth and predicted),
            self.fn + (truth and not predicted),
            self.tn + (not truth and not predicted),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        return f"{self.precision:5.2f} {self.recall:5.2f} {self.f1:5.2f}"


def pair_score(pair: NamePair, stats: WordStats) -> float:
    """Our score for a name pair (names only: no other evidence)."""
    query = Party("query", pair.schema, (Name(pair.name1),))
    entry = Party("entry", pair.schema, (Name(pair.name2),))
    try:
        return compare_parties(query, entry, stats).score
    except InvalidArgument:
        return 0.0  # e.g. a name of only legal forms: refused, so never a match


def _confusions(
    scored: Sequence[tuple[NamePair, float]], keep: Callable[[NamePair], bool], threshold: float
) -> tuple[Confusion, Confusion]:
    ours, baseline = Confusion(), Confusion()
    for pair, score in scored:
        if not keep(pair):
            continue
        ours = ours.add(pair.is_match, score >= threshold)
        if pair.logic_v2 is not None:
            baseline = baseline.add(pair.is_match, pair.logic_v2 >= LOGIC_V2_THRESHOLD)
    return ours, baseline


def name_benchmark(
    eval_dir: Path, stats: WordStats, threshold: float, show_errors: bool = False
) -> dict[str, float]:
    """Print P/R/F1 per case group, train and held-out, beside logic-v2 on the same pairs
    (`show_errors`: also the training split's false negatives and positives)."""
    pairs = load_name_pairs(eval_dir)
    scored = [(pair, pair_score(pair, stats)) for pair in pairs]
    print(f"\nName benchmark ({len(pairs)} pairs; ours at {threshold}, logic-v2 at 0.7)")
    print(f"{'subset':<22}{'n':>5}  ours P     R    F1 | logic-v2 P  R    F1")
    groups = sorted({p.group for p in pairs})
    subsets: list[tuple[str, Callable[[NamePair], bool]]] = [
        *((g, lambda p, g=g: p.group == g) for g in groups),
        ("ALL train (75%)", lambda p: not p.held_out),
        ("ALL held-out (25%)", lambda p: p.held_out),
        ("ALL", lambda p: True),
    ]
    figures: dict[str, float] = {}
    for label, keep in subsets:
        ours, baseline = _confusions(scored, keep, threshold)
        count = ours.tp + ours.fp + ours.fn + ours.tn
        has_baseline = baseline.tp + baseline.fp + baseline.fn + baseline.tn > 0
        shown = baseline.row() if has_baseline else "  (no logic-v2 scores)"
        print(f"{label:<22}{count:>5}  {ours.row()}   | {shown}")
        figures[label] = ours.f1
    for label in ("ALL train (75%)", "ALL held-out (25%)", "ALL"):
        ours, _ = _confusions(scored, dict(subsets)[label], threshold)
        print(f"  {label}: F1 {ours.f1:.4f} (TP {ours.tp}, FP {ours.fp}, FN {ours.fn})")
    print("threshold sweep on the training split (F1):", end="")
    for candidate in (0.65, 0.7, 0.75, 0.8, 0.85):
        ours, _ = _confusions(scored, lambda p: not p.held_out, candidate)
        print(f"  {candidate}: {ours.f1:.3f}", end="")
    print()
    if show_errors:
        training_errors(scored, threshold)
    return figures


def training_errors(scored: Sequence[tuple[NamePair, float]], threshold: float) -> None:
    """The training split's errors, worst first (the held-out split is never shown: it is
    what keeps tuning honest)."""
    wrong = [
        (pair, score)
        for pair, score in scored
        if not pair.held_out and (score >= threshold) != pair.is_match
    ]
    print(f"training split errors ({len(wrong)}; FN = labelled match scored below {threshold}):")
    for pair, score in sorted(wrong, key=lambda item: (item[0].is_match, -item[1])):
        kind = "FN" if pair.is_match else "FP"
        baseline = f"{pair.logic_v2:.2f}" if pair.logic_v2 is not None else "  - "
        print(f"  {kind} {score:.2f} (logic-v2 {baseline}) {pair.name1!r} | {pair.name2!r}")


def un_ground_truth(index: CandidateIndex, untreated: Sequence[Party]) -> list[str | None]:
    """The UN list entry each untreated positive was built from (same name, exactly)."""
    by_name: dict[str, str] = {}
    for prepared in index.parties:
        if prepared.party.source == "un_sc":
            for name in prepared.party.names:
                by_name.setdefault(clean_text(name.full).casefold(), prepared.party.id)
    return [by_name.get(clean_text(p.names[0].full).casefold()) for p in untreated]


def found_rate(
    index: CandidateIndex,
    queries: Sequence[Party],
    truth: Sequence[str | None],
    options: ScreenOptions,
) -> tuple[float, float, int]:
    """Share of queries whose true entry is a match, and share where it is returned at all."""
    matched = returned = total = 0
    for query, expected in zip(queries, truth, strict=True):
        if expected is None:
            continue
        total += 1
        result = screen_party(query, index, options)
        ids = {m.entry.id: m.match for m in result.matches}
        matched += ids.get(expected, False)
        returned += expected in ids
    return matched / total, returned / total, total


def flagged_rate(
    index: CandidateIndex, queries: Iterable[Party], options: ScreenOptions
) -> tuple[float, int]:
    """Share of (negative) queries with at least one match."""
    flagged = total = 0
    for query in queries:
        total += 1
        try:
            flagged += bool(screen_party(query, index, options).hits)
        except InvalidArgument:
            continue
    return flagged / total if total else 0.0, total


def positives_and_negatives(
    eval_dir: Path,
    index: CandidateIndex,
    un_index: CandidateIndex,
    options: ScreenOptions,
    sample: int | None,
) -> None:
    """UN positives found rate and negatives flagged rate."""
    folder = eval_dir / "yente_candidate_generation"
    untreated = load_people(folder / "positives_un_untreated.csv")
    treated = load_people(folder / "positives_un_treated.csv")
    truth = un_ground_truth(index, untreated)
    print(f"\nUN positives (screened against all lists, threshold {options.threshold})")
    print(f"{'set':<12}{'n':>6}  matched  returned")
    for label, queries in (("clean", untreated), ("treated", treated)):
        matched, returned, total = found_rate(index, queries, truth, options)
        print(f"{label:<12}{total:>6}  {matched:7.1%}  {returned:8.1%}")
    print(f"\nNegatives flagged (any match at threshold {options.threshold}; target < 0.5%)")
    print(f"{'set':<10}{'n':>7}  vs UN list  vs all lists")
    for label in ("global", "us"):
        queries = load_people(folder / f"negatives_{label}.csv", sample)
        un_rate, total = flagged_rate(un_index, queries, options)
        all_rate, _ = flagged_rate(index, queries, options)
        print(f"{label:<10}{total:>7}  {un_rate:10.2%}  {all_rate:12.2%}")


def cross_script(eval_dir: Path, stats: WordStats, threshold: float) -> None:
    """Watchman's cross-script pairs: our score against the expected minimum."""
    pairs = load_cross_script(eval_dir)
    print(f"\nCross-script pairs ({len(pairs)})")
    passed = matched = 0
    for pair in pairs:
        query = Party("q", Schema.PERSON, (Name(pair.query),))
        entry = Party("e", Schema.PERSON, (Name(pair.expected),))
        score = compare_parties(query, entry, stats, threshold).score
        passed += score >= pair.min_score
        matched += score >= threshold
        print(f"  {pair.query:<14} {pair.expected:<18} {score:5.2f} (min {pair.min_score:.2f})")
    print(f"  >= watchman minimum: {passed}/{len(pairs)}; >= our threshold: {matched}/{len(pairs)}")


def putin_spellings(eval_dir: Path, index: CandidateIndex, options: ScreenOptions) -> None:
    """Each of rigour's Putin spellings screened against all lists."""
    spellings = load_putin(eval_dir)
    truth = {
        p.party.id
        for p in index.parties
        if any({"putin", "vladimir"} <= {w.text for w in n.words} for n in p.names)
    }
    matched = returned = 0
    missed = []
    for spelling in spellings:
        result = screen_party(Party("q", Schema.PERSON, (Name(spelling),)), index, options)
        hit = {m.entry.id: m.match for m in result.matches if m.entry.id in truth}
        matched += any(hit.values())
        returned += bool(hit)
        if not any(hit.values()):
            missed.append(spelling)
    total = len(spellings)
    rates = f"matched {matched / total:.1%}, returned {returned / total:.1%}"
    print(f"\nPutin spellings ({total}): {rates}")
    print("  not matched: " + " | ".join(missed))
