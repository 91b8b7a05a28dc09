"""Rings: overlapping findings merged into the groups of accounts an officer investigates.

Findings overlap heavily (a cycle's hops are also a layering chain, its accounts pass money
through like mules), so officers are shown rings, not findings. Findings are joined through
the accounts they share; a joined group that grows beyond `max_accounts` (two rings bridged
by a busy account) is split by community detection (Louvain, fixed seed, so re-runs agree).

A ring's fingerprint is the key of its earliest finding: stable across re-runs and sweep
partitions, so the alert it raises (`graph:ring:<fingerprint>`) is raised once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import networkx as nx

from services.graph.core.detectors.base import listing
from services.graph.core.model import (
    TYPOLOGY_PRIORITY,
    Finding,
    Typology,
    duration_text,
    iso,
    money,
)


@dataclass(frozen=True, slots=True)
class RingParams:
    max_accounts: int = 60
    community_seed: int = 7


@dataclass(frozen=True, slots=True)
class Ring:
    """A group of accounts acting together, with the findings that show it."""

    fingerprint: str
    typology: Typology
    accounts: tuple[str, ...]
    tx_ids: tuple[str, ...]
    findings: tuple[Finding, ...]
    start: int
    end: int
    total_amount: float
    score: float
    risk: float
    explanation: str

    @property
    def typologies(self) -> tuple[Typology, ...]:
        present = {f.typology for f in self.findings}
        return tuple(t for t in TYPOLOGY_PRIORITY if t in present)


def assemble_rings(
    findings: Iterable[Finding],
    risk: Mapping[str, float] | None = None,
    params: RingParams | None = None,
) -> list[Ring]:
    """Rings from findings, strongest first; `risk` (from `propagate_risk`) lifts rings that
    touch known-bad accounts or their neighbours."""
    p = params or RingParams()
    unique = {f.key: f for f in findings}
    ordered = sorted(unique.values(), key=lambda f: (f.start, f.key))
    groups = _group(ordered, p)
    rings = [_ring(members, risk or {}) for members in groups]
    return sorted(rings, key=lambda r: (-r.score, r.start, r.fingerprint))


def _group(findings: list[Finding], p: RingParams) -> list[list[Finding]]:
    graph: nx.Graph[str] = nx.Graph()
    for f in findings:
        graph.add_node(f.anchor)
        for account in f.accounts:
            if account != f.anchor:
                previous = graph.get_edge_data(f.anchor, account, {"weight": 0.0})["weight"]
                graph.add_edge(f.anchor, account, weight=previous + f.score)
    community_of: dict[str, int] = {}
    for component in sorted(nx.connected_components(graph), key=min):
        for part in _split(graph, component, p):
            label = len(set(community_of.values()))
            community_of.update(dict.fromkeys(part, label))
    grouped: dict[int, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(community_of[f.anchor], []).append(f)
    return list(grouped.values())


def _split(graph: nx.Graph[str], component: set[str], p: RingParams) -> list[set[str]]:
    if len(component) <= p.max_accounts:
        return [component]
    parts = nx.community.louvain_communities(
        graph.subgraph(component), weight="weight", seed=p.community_seed
    )
    return sorted((set(part) for part in parts), key=min)


def _ring(members: list[Finding], risk: Mapping[str, float]) -> Ring:
    accounts = tuple(dict.fromkeys(a for f in members for a in f.accounts))
    tx_ids = tuple(dict.fromkeys(t for f in members for t in f.tx_ids))
    amounts = {t: a for f in members for t, a in zip(f.tx_ids, f.amounts, strict=True)}
    present = {f.typology for f in members}
    typology = next(t for t in TYPOLOGY_PRIORITY if t in present)
    ring_risk = max((risk.get(a, 0.0) for a in accounts), default=0.0)
    score = _ring_score(members, len(present), ring_risk)
    start, end = min(f.start for f in members), max(f.end for f in members)
    ring = Ring(
        fingerprint=members[0].key,
        typology=typology,
        accounts=accounts,
        tx_ids=tx_ids,
        findings=tuple(members),
        start=start,
        end=end,
        total_amount=round(sum(amounts.values()), 2),
        score=score,
        risk=ring_risk,
        explanation="",
    )
    return _with_explanation(ring)


def _ring_score(members: list[Finding], n_typologies: int, risk: float) -> float:
    """The strongest finding, lifted by corroborating typologies and by propagated risk.

    Each lift closes only part of the remaining gap to 1, so scores keep ranking rings
    instead of saturating at the top.
    """
    best = max(f.score for f in members)
    corroborated = best + (1 - best) * 0.4 * (1 - 1 / n_typologies)
    return round(min(corroborated + (1 - corroborated) * 0.5 * risk, 0.999), 4)


def _with_explanation(ring: Ring) -> Ring:
    counts = Counter(f.typology for f in ring.findings)
    kinds = ", ".join(f"{t.value.replace('_', ' ')} x{counts[t]}" for t in ring.typologies)
    strongest = max(ring.findings, key=lambda f: (f.score, f.key))
    risk_text = (
        f" Some of these accounts are close to known-bad accounts (risk {ring.risk:.2f})."
        if ring.risk >= 0.05
        else ""
    )
    text = (
        f"Suspected {ring.typology.value.replace('_', ' ')} ring of {len(ring.accounts)} accounts "
        f"({listing(list(ring.accounts))}): {len(ring.tx_ids)} transfers, "
        f"{money(ring.total_amount)}, over {duration_text(ring.end - ring.start)} from "
        f"{iso(ring.start)}. Evidence: {kinds}.{risk_text} Strongest finding: "
        f"{strongest.explanation}"
    )
    return replace(ring, explanation=text)
