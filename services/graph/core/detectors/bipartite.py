"""Bipartite layering: a group of senders each paying several of the same group of receivers.

Launderers move a sum from one set of controlled accounts to another in a dense many-to-many
burst (AMLSim's "bipartite"), so no single account shows a big fan. Two ordinary customers
rarely pay the same two people within days, unless those people are shops or billers, which
have many payers: receivers above `max_payers` are not considered, and the pattern must be
dense (most sender x receiver pairs used) and one-shot (pairs that never trade otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from services.graph.core.detectors.base import (
    REPORTING_THRESHOLD,
    DetectionContext,
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
    max_payers: int = 30
    min_density: float = 0.6
    min_score: float = 0.5


def detect_bipartite(ctx: DetectionContext, params: BipartiteParams | None = None) -> list[Finding]:
    """Dense sender-set x receiver-set bursts of one-shot, sub-threshold transfers.

    Senders are linked when they paid at least two common receivers within `window` of each
    other; each connected group of senders with the receivers they share is one candidate.
    Score: larger and denser groups score higher. Anchored at the first transfer's sender.
    """
    p = params or BipartiteParams()
    edges = _candidate_edges(ctx, p)
    links = _sender_links(ctx, edges, p)
    if links[0].shape[0] == 0:
        return []
    n = ctx.frame.n_accounts
    graph = coo_matrix((np.ones(links[0].shape[0]), links), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    linked = np.zeros(n, dtype=np.bool_)
    linked[links[0]] = linked[links[1]] = True
    group_of_edge = np.where(linked[ctx.frame.src[edges]], label[ctx.frame.src[edges]], -1)
    findings: list[Finding] = []
    for rows in groups_of(group_of_edge[group_of_edge >= 0], p.min_senders):
        finding = _judge(ctx, edges[group_of_edge >= 0][rows], p)
        if finding is not None:
            findings.append(finding)
    return findings


def _candidate_edges(ctx: DetectionContext, p: BipartiteParams) -> IntArray:
    """Sub-threshold transfers between a pair that never trades otherwise, to a non-hub."""
    frame = ctx.frame
    pair = frame.src.astype(np.int64) * frame.n_accounts + frame.dst
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    payers = np.bincount(np.unique(pair) % frame.n_accounts, minlength=frame.n_accounts)
    ok = (frame.amount < p.threshold) & (frame.src != frame.dst) & (counts[inverse] == 1)
    return np.flatnonzero(ok & (payers[frame.dst] <= p.max_payers))


def _sender_links(
    ctx: DetectionContext, edges: IntArray, p: BipartiteParams
) -> tuple[IntArray, IntArray]:
    """Sender pairs that paid >= 2 common receivers, each time within `window` of each other."""
    frame = ctx.frame
    a_list: list[int] = []
    b_list: list[int] = []
    r_list: list[int] = []
    for group in groups_of(frame.dst[edges], 2):
        rows = edges[group]
        times, senders = frame.ts[rows], frame.src[rows]
        for i in range(rows.shape[0]):
            for j in range(i + 1, rows.shape[0]):
                if times[j] - times[i] <= p.window and senders[i] != senders[j]:
                    lo, hi = sorted((int(senders[i]), int(senders[j])))
                    a_list.append(lo)
                    b_list.append(hi)
                    r_list.append(int(frame.dst[rows[i]]))
    if not a_list:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    triples = np.unique(np.array([a_list, b_list, r_list], dtype=np.int64), axis=1)
    pairs, shared = np.unique(triples[:2], axis=1, return_counts=True)
    strong = pairs[:, shared >= 2]
    return strong[0], strong[1]


def _judge(ctx: DetectionContext, edges: IntArray, p: BipartiteParams) -> Finding | None:
    frame = ctx.frame
    receivers_per = np.bincount(frame.dst[edges], minlength=frame.n_accounts)
    edges = edges[receivers_per[frame.dst[edges]] >= 2]
    if edges.shape[0] == 0:
        return None
    senders, receivers = np.unique(frame.src[edges]), np.unique(frame.dst[edges])
    span = int(frame.ts[edges].max() - frame.ts[edges].min())
    density = edges.shape[0] / (senders.shape[0] * receivers.shape[0])
    too_small = senders.shape[0] < p.min_senders or receivers.shape[0] < p.min_receivers
    if too_small or density < p.min_density or span > 2 * p.window:
        return None
    first = int(edges[np.argmin(frame.ts[edges])])
    if not ctx.owns(int(frame.src[first]), int(frame.ts[first])):
        return None
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
