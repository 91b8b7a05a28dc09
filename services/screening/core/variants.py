"""Known name variants ("Mohammed" ~ "Muhammad", "Yevgeny" ~ "Evgeny", "Kim" ~ "Gim").

Loaded once from `data/name_variants.txt` (documented there). A word may belong to several
groups; two words are variants when they share a group, which keeps the relation tight
(not transitive across groups).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_EMPTY: frozenset[int] = frozenset()


@lru_cache(maxsize=1)
def _groups() -> dict[str, frozenset[int]]:
    text = resources.files("services.screening.core").joinpath("data/name_variants.txt")
    membership: dict[str, set[int]] = {}
    lines = text.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("#") or not line.strip():
            continue
        for word in line.split():
            membership.setdefault(word, set()).add(number)
    return {word: frozenset(ids) for word, ids in membership.items()}


@lru_cache(maxsize=1)
def _members() -> dict[int, tuple[str, ...]]:
    members: dict[int, list[str]] = {}
    for word, groups in _groups().items():
        for group in groups:
            members.setdefault(group, []).append(word)
    return {group: tuple(words) for group, words in members.items()}


@lru_cache(maxsize=4096)
def variant_spellings(word: str) -> tuple[str, ...]:
    """Every other word sharing a variant group with `word` ("jon" -> "john", "johann", ...)."""
    groups = _groups().get(word, _EMPTY)
    found = {other for group in groups for other in _members()[group]}
    found.discard(word)
    return tuple(sorted(found))


def variant_groups(word: str) -> frozenset[int]:
    """Ids of the variant groups a romanised word belongs to (empty when unknown)."""
    return _groups().get(word, _EMPTY)
