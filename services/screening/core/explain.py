"""Sentences an officer reads: how two names were aligned, word by word."""

from __future__ import annotations

from services.screening.core.align import NameAlignment, WordPair
from services.screening.core.compare import Relation
from services.screening.core.names import Word
from services.screening.core.vocab import WordKind


def _shown(words: tuple[Word, ...]) -> str:
    return " ".join(w.text.upper() for w in words)


def describe_pair(pair: WordPair) -> str:
    """ "'PRIGOZHIN' ≈ 'PRIGOJIN' (spelling difference, 0.89)"."""
    query, entry = _shown(pair.query), _shown(pair.entry)
    if pair.relation is Relation.EXACT and query == entry:
        return f"'{query}' = '{entry}'"
    return f"'{query}' ≈ '{entry}' ({pair.relation.value}, {pair.similarity:.2f})"


def _role(word: Word) -> str:
    if word.kind is WordKind.PATRONYMIC:
        return "patronymic"
    if word.kind is WordKind.LEGAL_FORM:
        return "legal form"
    return "father's name" if word.father else "name"


def describe_alignment(alignment: NameAlignment) -> str:
    """One sentence: the pairs, then what is left over on each side and what it costs."""
    parts = [describe_pair(p) for p in alignment.pairs if p.query[0].kind is not WordKind.PARTICLE]
    text = "; ".join(parts) if parts else "no word in common"
    q_left = [w for w in alignment.query_left if w.kind is not WordKind.PARTICLE]
    e_left = [w for w in alignment.entry_left if w.kind is not WordKind.PARTICLE]
    if q_left and e_left:
        text += (
            f"; conflict: query has {', '.join(f'{w.text.upper()!r}' for w in q_left)}"
            f" where the entry has {', '.join(f'{w.text.upper()!r}' for w in e_left)}"
        )
    elif q_left:
        text += "; only in query: " + ", ".join(f"{_role(w)} {w.text.upper()!r}" for w in q_left)
    elif e_left:
        text += "; only in entry: " + ", ".join(f"{_role(w)} {w.text.upper()!r}" for w in e_left)
    return text
