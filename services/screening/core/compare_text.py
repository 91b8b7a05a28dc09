"""Length-aware edit similarity: the typo budget every word comparison shares."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def edit_budget(length: int) -> int:
    """How many edits a word of this length may carry and still be the same word."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2 if length <= 11 else 3


def budget_similarity(a: str, b: str) -> float:
    """1 - edits/length when the edits fit the budget of the longer word, else 0."""
    length = max(len(a), len(b))
    budget = edit_budget(length)
    if not budget or length - min(len(a), len(b)) > budget:
        return 0.0
    distance = OSA.distance(a, b, score_cutoff=budget)
    return 1.0 - distance / length if distance <= budget else 0.0
