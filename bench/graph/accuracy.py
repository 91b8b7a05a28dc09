"""Ring-level and account-level accuracy of detected rings against planted ground truth.

Matching rules (stated so the figures can be argued with):
- a planted ring is *recalled* when one detected ring holds at least half of its accounts;
- a detected ring is *correct* when at least half of its accounts belong to planted rings;
- account level, per planted kind: recall = planted accounts of that kind inside any detected
  ring; per detected typology: precision = accounts of rings labelled so that were planted.
- look-alikes: detected rings that contain a payroll employer, a shop, a household member or a
  supplier-chain firm (the number that should be zero). Staff and customers are ordinary
  accounts that also trade in the background, so they are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from services.graph.core.rings import Ring
from services.graph.synthetic import GeneratedSet


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    planted: int
    recalled: int
    account_recall: float


@dataclass(frozen=True, slots=True)
class TypologyPrecision:
    typology: str
    rings: int
    correct: int
    account_precision: float


@dataclass(frozen=True, slots=True)
class Accuracy:
    ring_recall: float
    ring_precision: float
    kinds: tuple[KindScore, ...]
    typologies: tuple[TypologyPrecision, ...]
    lookalike_rings: dict[str, int]
    detected: int


def evaluate(data: GeneratedSet, rings: list[Ring]) -> Accuracy:
    planted_accounts = set().union(*(p.accounts for p in data.planted))
    ring_sets = [set(r.accounts) for r in rings]
    kinds: dict[str, list[tuple[bool, int, int]]] = defaultdict(list)
    for p in data.planted:
        best = max((len(p.accounts & s) for s in ring_sets), default=0)
        covered = len(p.accounts & set().union(*ring_sets)) if ring_sets else 0
        kinds[p.kind].append((best * 2 >= len(p.accounts), covered, len(p.accounts)))
    correct = [len(s & planted_accounts) * 2 >= len(s) for s in ring_sets]
    recalled = sum(hit for rows in kinds.values() for hit, _, _ in rows)
    return Accuracy(
        ring_recall=recalled / max(len(data.planted), 1),
        ring_precision=sum(correct) / max(len(rings), 1),
        kinds=tuple(_kind_score(kind, rows) for kind, rows in sorted(kinds.items())),
        typologies=_precision_by_typology(rings, correct, planted_accounts),
        lookalike_rings={
            name: sum(bool(s & accounts) for s in ring_sets)
            for name, accounts in data.lookalikes.items()
        },
        detected=len(rings),
    )


def _kind_score(kind: str, rows: list[tuple[bool, int, int]]) -> KindScore:
    return KindScore(
        kind=kind,
        planted=len(rows),
        recalled=sum(hit for hit, _, _ in rows),
        account_recall=sum(c for _, c, _ in rows) / max(sum(n for _, _, n in rows), 1),
    )


def _precision_by_typology(
    rings: list[Ring], correct: list[bool], planted: set[str]
) -> tuple[TypologyPrecision, ...]:
    by_type: dict[str, list[tuple[Ring, bool]]] = defaultdict(list)
    for ring, ok in zip(rings, correct, strict=True):
        by_type[ring.typology.value].append((ring, ok))
    out = []
    for typology, rows in sorted(by_type.items()):
        accounts = [a for ring, _ in rows for a in ring.accounts]
        out.append(
            TypologyPrecision(
                typology=typology,
                rings=len(rows),
                correct=sum(ok for _, ok in rows),
                account_precision=sum(a in planted for a in accounts) / max(len(accounts), 1),
            )
        )
    return tuple(out)
