"""Layering chains and stacks: funds pushed through several accounts within hours.

A chain is a run of hops A -> B -> C -> D ... where each transfer leaves the account the
previous one entered, within hours, carrying most of its amount. A stack (several accounts per
layer) decomposes into many such chains, which ring assembly joins again. A supplier chain
(goods bought and sold on weeks apart) has the same shape but not the pace: the per-hop gap
keeps it quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from services.graph.core.detectors.base import DetectionContext, listing, make_finding, ramp
from services.graph.core.hops import HopRule, Successors
from services.graph.core.model import DAY, HOUR, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class ChainParams:
    """`min_amount`: layering small sums is not worth an officer's time; the bank sets it."""

    min_hops: int = 3
    max_hops: int = 10
    hop: HopRule = field(default_factory=lambda: HopRule(max_gap=12 * HOUR, min_ratio=0.8))
    max_span: int = 2 * DAY
    min_amount: float = 2_000.0
    max_expansions: int = 5_000
    min_score: float = 0.5


def detect_layering_chains(
    ctx: DetectionContext, params: ChainParams | None = None
) -> list[Finding]:
    """The longest fast, amount-preserving path from every chain head (a transfer that does not
    itself continue an earlier one). Paths that return to their origin are left to the cycle
    detector. Score: more hops, less time and steadier fees score higher."""
    p = params or ChainParams()
    frame = ctx.frame
    succ = ctx.successors(p.hop)
    continues_something = np.zeros(len(frame), dtype=np.bool_)
    continues_something[succ.nxt] = True
    heads = np.flatnonzero(
        succ.has_successor()
        & ~continues_something
        & (frame.amount >= p.min_amount)
        & ctx.anchor_accounts[frame.src]
        & ctx.scope.time_mask(frame.ts)
    )
    findings: list[Finding] = []
    for head in heads.tolist():
        path = _longest_path(ctx, succ, int(head), p)
        if len(path) >= p.min_hops:
            scored = _score_chain(ctx, path)
            if scored[0] >= p.min_score:
                findings.append(
                    make_finding(ctx, Typology.LAYERING_CHAIN, int(frame.src[head]), path, scored)
                )
    return findings


def _longest_path(ctx: DetectionContext, succ: Successors, head: int, p: ChainParams) -> list[int]:
    frame = ctx.frame
    origin = int(frame.src[head])
    deadline = int(frame.ts[head]) + p.max_span
    best: list[int] = [head]
    stack: list[tuple[list[int], frozenset[int]]] = [
        ([head], frozenset((origin, int(frame.dst[head]))))
    ]
    budget = p.max_expansions
    while stack and budget > 0:
        path, visited = stack.pop()
        for nxt in succ.of(path[-1]).tolist():
            budget -= 1
            if frame.ts[nxt] > deadline:
                break
            target = int(frame.dst[nxt])
            if target in visited or len(path) >= p.max_hops:
                continue
            longer = [*path, nxt]
            if len(longer) > len(best):
                best = longer
            stack.append((longer, visited | {target}))
    return best


def _score_chain(ctx: DetectionContext, path: list[int]) -> tuple[float, str]:
    frame = ctx.frame
    amounts = frame.amount[path]
    ratios = amounts[1:] / amounts[:-1]
    span = int(frame.ts[path[-1]] - frame.ts[path[0]])
    score = (
        0.4
        + 0.25 * ramp(len(path), 2, 6)
        + 0.2 * (1 - ramp(span, 6 * HOUR, 2 * DAY))
        + 0.15 * (1 - ramp(float(np.ptp(ratios)), 0.02, 0.15))
    )
    hops = frame.names([int(frame.src[path[0]]), *(int(a) for a in frame.dst[path])])
    text = (
        f"{money(float(amounts[0]))} moved through {len(hops)} accounts in "
        f"{duration_text(span)} from {iso(int(frame.ts[path[0]]))}: {listing(list(hops), 8)}. "
        f"Each account passed on {ratios.min():.0%}-{ratios.max():.0%} of what it had just "
        f"received, and {money(float(amounts[-1]))} reached the last one. Money that rests "
        "nowhere for more than a few hours is being layered, not used."
    )
    return score, text
