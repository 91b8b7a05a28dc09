"""Bipartite layering: a group of senders each paying several of the same group of receivers.

Launderers move a sum from one set of controlled accounts to another in a dense many-to-many
burst (AMLSim's "bipartite"), so no single account shows a big fan. Two ordinary customers
rarely pay the same two people within days, unless those people are shops or billers, which
have many payers: receivers above `max_payers` are not considered, and the pattern must be
dense (most sender x receiver pairs used), one-shot (pairs that never trade otherwise),
exclusive (the senders did little else meanwhile: busy payers meet by chance) and add up to at
least the reporting threshold (a sum worth splitting).

Cost: candidate generation must stay near-linear in the transfers. Busy payers are what made
it quadratic: two accounts paying thousands of people share two payees within days by chance,
so nearly every sender pair a busy payer is part of is a seed, and growing such a seed reads
all of its transfers. A sender busier than `max_sends` around a transfer cannot be exclusive to
a small burst, so its transfers are dropped before seeding (the same role `max_payers` plays for
receivers), and growth reads only the transfers within the seed's window (binary search in
time-ordered groups), so each seed costs what its neighbourhood holds, not its accounts' history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.graph.core.detectors.base import (
    REPORTING_THRESHOLD,
    DetectionContext,
    distinct,
    groups_of,
    listing,
    make_finding,
    ramp,
)
from services.graph.core.frame import IntArray
from services.graph.core.model import DAY, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class BipartiteParams:
    min_senders: int = 3
    min_receivers: int = 3
    window: int = 3 * DAY
    threshold: float = REPORTING_THRESHOLD
    max_payers: int = 80
    max_sends: int = 30
    min_density: float = 0.7
    min_exclusive: float = 0.5
    min_score: float = 0.5


def detect_bipartite(ctx: DetectionContext, params: BipartiteParams | None = None) -> list[Finding]:
    """Dense sender-set x receiver-set bursts of one-shot, sub-threshold transfers.

    Two senders are linked when they paid at least two common receivers within `window` of
    each other. Each link seeds a candidate: the receivers it shares, every sender paying two of
    them, every receiver two of those senders paid (all within the window), cut to its dense
    core. Linked senders are not merged transitively: busy accounts would chain the whole graph
    together. Score: larger and denser groups score higher. Anchored at the first sender.
    """
    p = params or BipartiteParams()
    # Nothing below depends on the scope until ownership: the search runs once per frame and
    # every partition reading the same frame filters the same result.
    found = ctx.frame.derived(("bipartite", p), lambda: _all_bursts(ctx, p))
    return [f for f in found if ctx.scope.owns(f.anchor, f.start)]


def _all_bursts(ctx: DetectionContext, p: BipartiteParams) -> list[Finding]:
    candidates = _candidate_edges(ctx, p)
    seeds = _seed_links(ctx, candidates, p)
    by_receiver = _Grouped(ctx.frame.dst, candidates, ctx.frame.ts, ctx.frame.n_accounts)
    by_sender = _Grouped(ctx.frame.src, candidates, ctx.frame.ts, ctx.frame.n_accounts)
    findings: dict[str, Finding] = {}
    tried: set[bytes] = set()
    for seed in seeds:
        receivers = distinct(ctx.frame.dst[seed]).tobytes()
        if receivers in tried:  # several sender pairs of one pattern share its receivers
            continue
        tried.add(receivers)
        edges = _grow(ctx, seed, (by_receiver, by_sender), p)
        finding = _judge(ctx, edges, p) if edges.shape[0] else None
        if finding is not None:
            findings.setdefault(finding.key, finding)
    return list(findings.values())


class _Grouped:
    """Candidate edges grouped by one endpoint (CSR), each group in time order."""

    __slots__ = ("edges", "ptr", "ts")

    def __init__(
        self, endpoint: np.ndarray, edges: IntArray, ts: IntArray, n_accounts: int
    ) -> None:
        # `edges` are frame rows in time order, so a stable sort keeps each group time-ordered.
        self.edges: IntArray = edges[np.argsort(endpoint[edges], kind="stable")]
        self.ts: IntArray = ts[self.edges]
        counts = np.bincount(endpoint[edges], minlength=n_accounts)
        self.ptr: IntArray = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def within(self, accounts: IntArray, lo: int, hi: int) -> IntArray:
        """The edges of `accounts` with lo <= time <= hi."""
        parts = []
        for a in accounts.tolist():
            start, end = int(self.ptr[a]), int(self.ptr[a + 1])
            times = self.ts[start:end]
            first = start + int(np.searchsorted(times, lo, side="left"))
            last = start + int(np.searchsorted(times, hi, side="right"))
            parts.append(self.edges[first:last])
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _grow(
    ctx: DetectionContext, seed: IntArray, index: tuple[_Grouped, _Grouped], p: BipartiteParams
) -> IntArray:
    frame = ctx.frame
    lo, hi = int(frame.ts[seed].min()) - p.window, int(frame.ts[seed].max()) + p.window
    inbound = index[0].within(distinct(frame.dst[seed]), lo, hi)
    senders = _paying_two(frame.src[inbound], frame.dst[inbound], frame.n_accounts)
    outbound = index[1].within(senders, lo, hi)
    receivers = _paying_two(frame.dst[outbound], frame.src[outbound], frame.n_accounts)
    return outbound[np.isin(frame.dst[outbound], receivers)]


def _paying_two(accounts: np.ndarray, others: np.ndarray, n: int) -> IntArray:
    """Accounts that appear with at least two distinct `others`."""
    owners = distinct(accounts.astype(np.int64) * n + others) // n
    return distinct(owners[1:][owners[1:] == owners[:-1]])


def _candidate_edges(ctx: DetectionContext, p: BipartiteParams) -> IntArray:
    """Sub-threshold transfers between a pair that never trades otherwise, to a non-hub."""
    frame = ctx.frame
    pair = frame.src.astype(np.int64) * frame.n_accounts + frame.dst
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    payers = np.bincount(distinct(pair) % frame.n_accounts, minlength=frame.n_accounts)
    ok = (frame.amount < p.threshold) & (frame.src != frame.dst) & (counts[inverse] == 1)
    rows = np.flatnonzero(ok & (payers[frame.dst] <= p.max_payers))
    return rows[_sends_around(ctx, rows, p.window) <= p.max_sends]


def _sends_around(ctx: DetectionContext, rows: IntArray, window: int) -> IntArray:
    """For each transfer in `rows`, how many transfers its sender made within `window` of it
    (either side): one binary search per row over the (sender, time)-sorted transfers."""
    frame = ctx.frame
    out_edges = frame.out.edges
    base = int(frame.ts[0]) - window
    span = int(frame.ts[-1]) - base + window + 2
    key = frame.src[out_edges].astype(np.int64) * span + (frame.ts[out_edges] - base)
    probe = frame.src[rows].astype(np.int64) * span + (frame.ts[rows] - base)
    order = np.argsort(probe)  # sorted probes keep the binary searches in cache
    after = np.searchsorted(key, probe[order] + window, side="right")
    counts = np.empty(rows.shape[0], dtype=np.int64)
    counts[order] = after - np.searchsorted(key, probe[order] - window, side="left")
    return counts


def _seed_links(ctx: DetectionContext, edges: IntArray, p: BipartiteParams) -> list[IntArray]:
    """For each sender pair that paid >= 2 common receivers within `window` of each other,
    the transfers that link them (a vectorised self-join of the transfers on the receiver)."""
    frame = ctx.frame
    first, second = _same_receiver_pairs(ctx, edges, p.window)
    s1, s2 = frame.src[first].astype(np.int64), frame.src[second].astype(np.int64)
    differ = s1 != s2
    first, second, s1, s2 = first[differ], second[differ], s1[differ], s2[differ]
    pair_key = np.minimum(s1, s2) * frame.n_accounts + np.maximum(s1, s2)
    receiver = frame.dst[first].astype(np.int64)
    order = np.lexsort((receiver, pair_key))
    pair_key, receiver = pair_key[order], receiver[order]
    first, second = first[order], second[order]
    new_receiver = np.ones(pair_key.shape[0], dtype=np.bool_)
    new_receiver[1:] = (pair_key[1:] != pair_key[:-1]) | (receiver[1:] != receiver[:-1])
    seeds: list[IntArray] = []
    for rows in groups_of(pair_key, 2):
        if int(new_receiver[rows].sum()) >= 2:
            seeds.append(distinct(np.concatenate([first[rows], second[rows]])))
    return seeds


def _same_receiver_pairs(
    ctx: DetectionContext, edges: IntArray, window: int
) -> tuple[IntArray, IntArray]:
    """All (e, f), e before f, paid to the same receiver within `window` of each other."""
    frame = ctx.frame
    edges = edges[np.lexsort((frame.ts[edges], frame.dst[edges]))]
    if edges.shape[0] == 0:
        return edges, edges
    base = int(frame.ts.min())
    span = int(frame.ts.max()) - base + window + 2
    key = frame.dst[edges].astype(np.int64) * span + (frame.ts[edges] - base)
    lo = np.arange(edges.shape[0]) + 1
    hi = np.searchsorted(key, key + window, side="right")
    counts = np.maximum(hi - lo, 0)
    e = np.repeat(np.arange(edges.shape[0]), counts)
    offsets = np.arange(e.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    return edges[e], edges[lo[e] + offsets]


def _core(ctx: DetectionContext, edges: IntArray, p: BipartiteParams) -> IntArray:
    """The busiest `window` of a group's transfers, pruned to accounts with >= 2 of them.

    A linked group can pick up an unrelated payment of one member months away; the pattern is
    the dense burst, so the group is cut to its busiest window and then to its 2-core.
    """
    frame = ctx.frame
    edges = np.sort(edges)  # rows are time-ordered
    times = frame.ts[edges]
    ends = np.searchsorted(times, times + p.window, side="right")
    best = int(np.argmax(ends - np.arange(edges.shape[0])))
    edges = edges[best : ends[best]]
    while edges.shape[0]:
        out_deg = np.bincount(frame.src[edges], minlength=frame.n_accounts)
        in_deg = np.bincount(frame.dst[edges], minlength=frame.n_accounts)
        keep = (out_deg[frame.src[edges]] >= 2) & (in_deg[frame.dst[edges]] >= 2)
        if keep.all():
            break
        edges = edges[keep]
    return edges


def _judge(ctx: DetectionContext, edges: IntArray, p: BipartiteParams) -> Finding | None:
    frame = ctx.frame
    edges = _core(ctx, edges, p)
    if edges.shape[0] == 0:
        return None
    senders, receivers = distinct(frame.src[edges]), distinct(frame.dst[edges])
    span = int(frame.ts[edges].max() - frame.ts[edges].min())
    density = edges.shape[0] / (senders.shape[0] * receivers.shape[0])
    too_small = senders.shape[0] < p.min_senders or receivers.shape[0] < p.min_receivers
    too_little = float(frame.amount[edges].sum()) < p.threshold
    if too_small or too_little or density < p.min_density:
        return None
    if _exclusivity(ctx, edges, senders) < p.min_exclusive:
        return None
    first = int(edges[np.argmin(frame.ts[edges])])
    size = senders.shape[0] + receivers.shape[0]
    score = 0.45 + 0.25 * ramp(size, 5, 12) + 0.3 * ramp(density, p.min_density, 1.0)
    text = (
        f"{senders.shape[0]} accounts ({listing(list(frame.names(senders.tolist())))}) paid "
        f"{receivers.shape[0]} accounts ({listing(list(frame.names(receivers.tolist())))}) "
        f"{edges.shape[0]} times within {duration_text(span)} from {iso(int(frame.ts[first]))}, "
        f"{money(float(frame.amount[edges].sum()))} in all, using {density:.0%} of the possible "
        "sender-receiver pairs, none of which trade otherwise. A dense one-off many-to-many "
        "transfer between two groups of accounts is a bipartite layering step."
    )
    return make_finding(ctx, Typology.BIPARTITE, int(frame.src[first]), edges, (score, text))


def _exclusivity(ctx: DetectionContext, edges: IntArray, senders: np.ndarray) -> float:
    """Share of the senders' transfers during the burst that belong to it."""
    frame = ctx.frame
    lo, hi = int(frame.ts[edges].min()), int(frame.ts[edges].max())
    everything = np.concatenate([frame.out.of(int(s)) for s in senders.tolist()])
    during = int(((frame.ts[everything] >= lo) & (frame.ts[everything] <= hi)).sum())
    return float(edges.shape[0] / max(during, 1))
