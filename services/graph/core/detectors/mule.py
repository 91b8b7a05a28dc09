"""Mule / pass-through accounts: money out ≈ money in, quickly, again and again.

A money mule receives funds and forwards nearly all of them within a day or two, repeatedly,
to someone other than the sender. Households paying each other back (the money goes back to
the sender) and salaried people (who spend in many small amounts over weeks) do not match.
Accounts with hundreds of transfers a fortnight (payment processors) match by coincidence and
are left to the other detectors: `max_edges` caps the accounts this test applies to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from services.graph.core.detectors.base import (
    DetectionContext,
    burst_starts,
    groups_of,
    listing,
    make_finding,
    ramp,
)
from services.graph.core.frame import IntArray
from services.graph.core.hops import HopRule
from services.graph.core.model import DAY, HOUR, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class MuleParams:
    min_events: int = 3
    period: int = 14 * DAY
    hop: HopRule = field(default_factory=lambda: HopRule(max_gap=2 * DAY, min_ratio=0.85))
    min_share: float = 0.6
    max_edges: int = 40
    min_score: float = 0.6


def detect_mules(ctx: DetectionContext, params: MuleParams | None = None) -> list[Finding]:
    """Accounts that, within `period`, forwarded at least `min_events` incoming transfers
    (85-100% of each, within two days, not back to the sender) and passed on at least
    `min_share` of all the money they received. Score: more events, a higher share and a
    faster turnaround score higher. Anchored at the mule account."""
    p = params or MuleParams()
    frame = ctx.frame
    succ = ctx.successors(p.hop)
    first, second = succ.first, succ.nxt
    onward = (frame.dst[second] != frame.src[first]) & ctx.anchor_accounts[frame.dst[first]]
    first, second = first[onward], second[onward]
    # One forwarded transfer per incoming one: the earliest plausible continuation.
    events, position = np.unique(first, return_index=True)
    forwarded = second[position]
    mules = frame.dst[events]
    findings: list[Finding] = []
    for rows in groups_of(mules, p.min_events):
        pairs = (events[rows], forwarded[rows])
        findings.extend(_mule_windows(ctx, int(mules[rows[0]]), pairs, p))
    return findings


def _mule_windows(
    ctx: DetectionContext, mule: int, pairs: tuple[IntArray, IntArray], p: MuleParams
) -> list[Finding]:
    frame = ctx.frame
    ins, outs = pairs
    times = frame.ts[ins]
    found: list[Finding] = []
    for i in burst_starts(times, ins, p.period, p.min_events):
        start = int(times[i])
        if not ctx.scope.owns_time(start):
            continue
        inside = (times >= start) & (times < start + p.period)
        scored = _score_mule(ctx, mule, (ins[inside], outs[inside]), (start, start + p.period), p)
        if scored is not None and scored[0] >= p.min_score:
            edges = [*ins[inside].tolist(), *outs[inside].tolist()]
            found.append(make_finding(ctx, Typology.MULE, mule, edges, scored))
    return found


def _score_mule(
    ctx: DetectionContext,
    mule: int,
    pairs: tuple[IntArray, IntArray],
    span: tuple[int, int],
    p: MuleParams,
) -> tuple[float, str] | None:
    frame = ctx.frame
    received = frame.inn.of(mule)
    received = received[(frame.ts[received] >= span[0]) & (frame.ts[received] < span[1])]
    sent = frame.out.of(mule)
    sent = sent[(frame.ts[sent] >= span[0]) & (frame.ts[sent] < span[1] + p.hop.max_gap)]
    if received.shape[0] + sent.shape[0] > p.max_edges:
        return None
    total_in = float(frame.amount[received].sum())
    share = float(frame.amount[pairs[0]].sum()) / total_in if total_in > 0 else 0.0
    if share < p.min_share:
        return None
    delays = frame.ts[pairs[1]] - frame.ts[pairs[0]]
    median_delay = int(np.median(delays))
    score = (
        0.35
        + 0.25 * ramp(pairs[0].shape[0], 2, 6)
        + 0.2 * ramp(share, p.min_share, 1.0)
        + 0.2 * (1 - ramp(median_delay, 6 * HOUR, 2 * DAY))
    )
    name = str(frame.accounts[mule])
    senders = frame.names(dict.fromkeys(frame.src[pairs[0]].tolist()))
    text = (
        f"Account {name} received {len(pairs[0])} transfers from {listing(list(senders))} "
        f"between {iso(span[0])} and {iso(int(frame.ts[pairs[0]].max()))} and forwarded each "
        f"one (85-100% of it) to a third party within a median {duration_text(median_delay)}; "
        f"{share:.0%} of the {money(total_in)} it received in the period left again this way. "
        "An account that only relays other people's money is acting as a money mule."
    )
    return score, text
