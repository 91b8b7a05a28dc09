"""Length-aware edit similarity: the typo budget every word comparison shares."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from services.screening.core.phonetic import spelling_key

# Endings that families of surnames and patronymics share (Georgian, Slavic, Ukrainian,
# Romanian, Armenian, Turkish, Persian, Greek, Nordic), as written and as spelling keys.
_ENDINGS = (
    "shvili", "dze", "enko", "ovich", "evich", "ovna", "evna", "oev", "aev", "ov", "ev", "ova",
    "eva", "in", "ina", "sky", "skiy", "ski", "skaya", "escu", "yan", "ian", "oglu", "zadeh",
    "poulos", "son", "sen",
)  # fmt: skip
_FAMILY_ENDINGS = tuple(
    sorted({*_ENDINGS, *(spelling_key(e) for e in _ENDINGS)}, key=len, reverse=True)
)


def edit_budget(length: int) -> int:
    """How many edits a word of this length may carry and still be the same word."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2 if length <= 11 else 3


def budget_similarity(a: str, b: str) -> float:
    """1 - edits/length when the edits fit the budget of the longer word, else 0.

    Surnames of one family share endings (-shvili, -enko, -oev, -ovich) that say nothing about
    which name it is: two or more edits must also fit the budget of the longer word without
    the ending both share ("Barakhoev" is not "Barkhanoev"; "Trafalgura" may be "Trafigura")."""
    length = max(len(a), len(b))
    budget = edit_budget(length)
    if not budget or length - min(len(a), len(b)) > budget:
        return 0.0
    distance = OSA.distance(a, b, score_cutoff=budget)
    if distance > budget:
        return 0.0
    if distance > 1 and distance > edit_budget(length - _shared_ending(a, b)):
        return 0.0
    return 1.0 - distance / length


def _shared_ending(a: str, b: str) -> int:
    for ending in _FAMILY_ENDINGS:
        if a.endswith(ending) and b.endswith(ending):
            return len(ending)
    return 0
