"""Plausible money hops: which transfer can be the continuation of which (vectorised).

Cycles, layering chains, scatter-gather and mule accounts are all made of the same step: money
arrives at an account and, shortly after, (most of) it leaves again. `successor_pairs` lists
every such step once, as pairs of edges (e -> f) where f leaves the account e entered, after
e (a later row of the time-sorted frame), within `max_gap`, carrying between `min_ratio` and
`max_ratio` of e's amount (the launderer's fee or the bank's charges make each hop a little
smaller; it never grows).

This is the vectorised candidate generation that keeps the searches fast: it is a numpy join
on (account, time) with no Python loop per edge, and the searches then walk these pairs (a
"line graph" that is far sparser than the transaction graph) instead of the raw graph. On a
whole 1M-edge graph `networkx.simple_cycles` finds almost nothing in minutes; a bounded walk of
the pairs lists the time-respecting cycles in seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from services.graph.core.frame import IntArray, TransactionFrame
from services.graph.core.model import HOUR

# Pairs are generated in chunks so a few very busy accounts cannot allocate gigabytes at once.
_CHUNK_PAIRS = 4_000_000


@dataclass(frozen=True, slots=True)
class HopRule:
    """When a transfer out of an account plausibly continues a transfer into it."""

    max_gap: int = 24 * HOUR
    min_ratio: float = 0.80
    max_ratio: float = 1.0

    def covers(self, other: HopRule) -> bool:
        """True if every pair `other` accepts is also accepted here."""
        return (
            self.max_gap >= other.max_gap
            and self.min_ratio <= other.min_ratio
            and self.max_ratio >= other.max_ratio
        )

    @staticmethod
    def union(rules: Iterable[HopRule]) -> HopRule:
        """The narrowest rule covering all of `rules`."""
        listed = list(rules)
        return HopRule(
            max(r.max_gap for r in listed),
            min(r.min_ratio for r in listed),
            max(r.max_ratio for r in listed),
        )


class Successors:
    """For each edge e, the edges that continue it: `nxt[ptr[e]:ptr[e + 1]]`, in time order."""

    __slots__ = ("first", "nxt", "ptr")

    def __init__(
        self, first: IntArray, second: IntArray, n_edges: int, *, presorted: bool = False
    ) -> None:
        order = slice(None) if presorted else np.lexsort((second, first))
        self.first: IntArray = first[order]
        self.nxt: IntArray = second[order]
        self.ptr: IntArray = np.concatenate(
            ([0], np.cumsum(np.bincount(self.first, minlength=n_edges)))
        ).astype(np.int64)

    def of(self, edge: int) -> IntArray:
        return self.nxt[self.ptr[edge] : self.ptr[edge + 1]]

    def __len__(self) -> int:
        return int(self.nxt.shape[0])

    def has_successor(self) -> np.ndarray:
        return np.diff(self.ptr) > 0

    def restricted(self, frame: TransactionFrame, rule: HopRule) -> Successors:
        """The pairs that also satisfy a narrower `rule` (see `HopRule.covers`): one pass of
        masks instead of a second join, and the order is kept, so no sort either."""
        gap = frame.ts[self.nxt] - frame.ts[self.first]
        ratio = frame.amount[self.nxt] / frame.amount[self.first]
        keep = (
            (gap <= rule.max_gap)
            & (ratio >= rule.min_ratio)
            & (ratio <= rule.max_ratio * (1 + 1e-9))
        )
        return Successors(self.first[keep], self.nxt[keep], self.ptr.shape[0] - 1, presorted=True)


def successor_pairs(frame: TransactionFrame, rule: HopRule) -> Successors:
    """Every (e, f) where f continues e under `rule` (self-transfers never take part)."""
    n = len(frame)
    if n == 0:
        return Successors(np.zeros(0, np.int64), np.zeros(0, np.int64), 0)
    out_edges = frame.out.edges
    base = int(frame.ts[0])
    span = int(frame.ts[-1]) - base + rule.max_gap + 2
    # Composite sort key (account, time): out_edges is grouped by account, time-ordered inside.
    out_key = frame.src[out_edges].astype(np.int64) * span + (frame.ts[out_edges] - base)
    # Probing in (account, time) order, the order of `inn.edges`, keeps the binary searches in
    # cache (numpy narrows each search with the previous result): ~10x faster than frame order.
    in_edges = frame.inn.edges
    probe = frame.dst[in_edges].astype(np.int64) * span + (frame.ts[in_edges] - base)
    lo = np.empty(n, dtype=np.int64)
    hi = np.empty(n, dtype=np.int64)
    lo[in_edges] = np.searchsorted(out_key, probe, side="left")
    hi[in_edges] = np.searchsorted(out_key, probe + rule.max_gap, side="right")
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    for chunk in _chunks(hi - lo):
        e, f = _expand(chunk, lo, hi, out_edges)
        keep = _plausible(frame, e, f, rule)
        firsts.append(e[keep])
        seconds.append(f[keep])
    return Successors(np.concatenate(firsts), np.concatenate(seconds), n)


def _chunks(counts: IntArray) -> list[IntArray]:
    """Edge index ranges whose candidate counts add up to about _CHUNK_PAIRS each."""
    cumulative = np.cumsum(counts)
    cuts = np.searchsorted(cumulative, np.arange(_CHUNK_PAIRS, cumulative[-1], _CHUNK_PAIRS))
    bounds = np.unique(np.concatenate(([0], cuts, [counts.shape[0]])))
    return [np.arange(a, b) for a, b in itertools.pairwise(bounds)]


def _expand(
    edges: IntArray, lo: IntArray, hi: IntArray, out_edges: IntArray
) -> tuple[IntArray, IntArray]:
    """All (e, f) with f in out_edges[lo[e]:hi[e]], for e in `edges`."""
    counts = hi[edges] - lo[edges]
    e = np.repeat(edges, counts)
    starts = np.repeat(lo[edges] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    positions = starts + np.arange(e.shape[0])
    return e, out_edges[positions]


def _plausible(frame: TransactionFrame, e: IntArray, f: IntArray, rule: HopRule) -> np.ndarray:
    ratio = frame.amount[f] / frame.amount[e]
    # Rows are time-sorted (stable), so a higher row is later, or simultaneous but listed later:
    # AMLSim stamps whole days, and hops of one day must still chain in file order.
    strictly_later = f > e
    no_self = (frame.src[e] != frame.dst[e]) & (frame.src[f] != frame.dst[f])
    in_band = (ratio >= rule.min_ratio) & (ratio <= rule.max_ratio * (1 + 1e-9))
    keep: np.ndarray = strictly_later & no_self & in_band
    return keep
