"""Scatter-gather and gather-scatter: money split over many accounts and joined again.

Scatter-gather: one source sends to several intermediaries, each passes (most of) it on to the
same destination soon after: S -> {M1..Mk} -> D. Gather-scatter is the mirror: many senders pay
one hub, which soon pays it out to many recipients: {A1..Ak} -> H -> {B1..Bm}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from services.graph.core.detectors.base import (
    DetectionContext,
    burst_starts,
    listing,
    make_finding,
    ramp,
)
from services.graph.core.detectors.fan import FanParams, FanWindow, fan_windows
from services.graph.core.frame import IntArray
from services.graph.core.hops import HopRule
from services.graph.core.model import DAY, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class ScatterGatherParams:
    """At least `min_intermediaries` distinct middle accounts within `window` of the first hop,
    moving at least `min_total` (the bank's floor for amounts worth an officer's time)."""

    min_intermediaries: int = 3
    window: int = 3 * DAY
    hop: HopRule = field(default_factory=lambda: HopRule(max_gap=2 * DAY, min_ratio=0.8))
    min_total: float = 5_000.0
    min_score: float = 0.5


def detect_scatter_gather(
    ctx: DetectionContext, params: ScatterGatherParams | None = None
) -> list[Finding]:
    """S -> several intermediaries -> D, each intermediary forwarding what it got, within days.

    Score: more intermediaries, a faster turnaround and more of the money arriving at D score
    higher. Anchored at the source S, starting at its first transfer.
    """
    p = params or ScatterGatherParams()
    frame = ctx.frame
    succ = ctx.successors(p.hop)
    first, second = succ.first, succ.nxt
    keep = (frame.src[first] != frame.dst[second]) & ctx.anchor_accounts[frame.src[first]]
    first, second = first[keep], second[keep]
    group = frame.src[first].astype(np.int64) * frame.n_accounts + frame.dst[second]
    order = np.lexsort((frame.dst[first], group))
    first, second, group = first[order], second[order], group[order]
    middle = frame.dst[first]
    new_middle = np.ones(group.shape[0], dtype=np.bool_)
    new_middle[1:] = (group[1:] != group[:-1]) | (middle[1:] != middle[:-1])
    bounds = np.flatnonzero(np.diff(group, prepend=-1, append=-1) != 0)
    findings: list[Finding] = []
    if group.shape[0] == 0:
        return findings
    n_middle = np.add.reduceat(new_middle.astype(np.int64), bounds[:-1])
    for g in np.flatnonzero(n_middle >= p.min_intermediaries).tolist():
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        findings.extend(_sg_windows(ctx, first[lo:hi], second[lo:hi], p))
    return findings


def _sg_windows(
    ctx: DetectionContext, first: IntArray, second: IntArray, p: ScatterGatherParams
) -> list[Finding]:
    frame = ctx.frame
    order = np.argsort(first, kind="stable")
    first, second = first[order], second[order]
    times = frame.ts[first]
    found: list[Finding] = []
    for i in burst_starts(times, frame.dst[first], p.window, p.min_intermediaries):
        if not ctx.scope.owns_time(int(times[i])):
            continue
        inside = (times >= times[i]) & (times < times[i] + p.window)
        hops = (first[inside], second[inside])
        finding = make_finding(
            ctx,
            Typology.SCATTER_GATHER,
            int(frame.src[first[i]]),
            list(dict.fromkeys([*hops[0].tolist(), *hops[1].tolist()])),
            _score_sg(ctx, hops),
        )
        if finding.score >= p.min_score and finding.total_amount >= p.min_total:
            found.append(finding)
    return found


def _score_sg(ctx: DetectionContext, hops: tuple[IntArray, IntArray]) -> tuple[float, str]:
    frame = ctx.frame
    firsts, seconds = np.unique(hops[0]), np.unique(hops[1])
    middles = frame.names(dict.fromkeys(frame.dst[firsts].tolist()))
    sent, arrived = float(frame.amount[firsts].sum()), float(frame.amount[seconds].sum())
    span = int(frame.ts[seconds].max() - frame.ts[firsts].min())
    kept = min(arrived / sent, 1.0) if sent > 0 else 0.0
    score = (
        0.45 + 0.2 * ramp(len(middles), 2, 6) + 0.15 * (1 - ramp(span, DAY, 4 * DAY)) + 0.2 * kept
    )
    source = str(frame.accounts[frame.src[firsts[0]]])
    sink = str(frame.accounts[frame.dst[seconds[0]]])
    text = (
        f"Account {source} split {money(sent)} over {len(middles)} intermediaries "
        f"({listing(list(middles))}) from {iso(int(frame.ts[firsts].min()))}; each passed the "
        f"money on to {sink} shortly after, which received {money(arrived)} ({kept:.0%}) within "
        f"{duration_text(span)}. Routing one payment through several accounts that all forward "
        "to the same destination (scatter-gather) hides the link between source and destination."
    )
    return score, text


@dataclass(frozen=True, slots=True)
class GatherScatterParams:
    """A fan-in burst followed within `follow_within` by a fan-out burst at the same hub."""

    fan: FanParams = field(default_factory=lambda: FanParams(min_counterparties=4))
    follow_within: int = 3 * DAY
    min_paid_out: float = 0.5
    min_score: float = 0.5


def detect_gather_scatter(
    ctx: DetectionContext, params: GatherScatterParams | None = None
) -> list[Finding]:
    """Many one-shot senders pay a hub, which then pays out most of it to many recipients.

    Uses the fan-in and fan-out bursts (with their look-alike gates) and pairs them per hub:
    a gather-scatter is a fan-in whose money leaves again in a fan-out soon after.
    """
    p = params or GatherScatterParams()
    ins = _by_hub(fan_windows(ctx, outgoing=False, params=p.fan))
    outs = _by_hub(fan_windows(ctx, outgoing=True, params=p.fan))
    findings: list[Finding] = []
    for hub, gathers in ins.items():
        for gather in gathers:
            scatter = _following(ctx, gather, outs.get(hub, []), p)
            if scatter is not None:
                edges = [*gather.edges.tolist(), *scatter.edges.tolist()]
                scored = _score_gs(ctx, gather, scatter)
                if scored[0] >= p.min_score:
                    findings.append(make_finding(ctx, Typology.GATHER_SCATTER, hub, edges, scored))
    return findings


def _by_hub(windows: list[FanWindow]) -> dict[int, list[FanWindow]]:
    out: dict[int, list[FanWindow]] = {}
    for w in windows:
        out.setdefault(w.hub, []).append(w)
    return out


def _following(
    ctx: DetectionContext, gather: FanWindow, scatters: list[FanWindow], p: GatherScatterParams
) -> FanWindow | None:
    ts, amount = ctx.frame.ts, ctx.frame.amount
    start = int(ts[gather.edges[0]])
    gathered = float(amount[gather.edges].sum())
    for scatter in scatters:
        begins = int(ts[scatter.edges[0]])
        paid = float(amount[scatter.edges].sum())
        pays_most = p.min_paid_out * gathered <= paid <= gathered * 1.05
        if start <= begins <= start + p.follow_within and pays_most:
            return scatter
    return None


def _score_gs(ctx: DetectionContext, gather: FanWindow, scatter: FanWindow) -> tuple[float, str]:
    frame = ctx.frame
    hub = str(frame.accounts[gather.hub])
    gathered = float(frame.amount[gather.edges].sum())
    paid = float(frame.amount[scatter.edges].sum())
    senders = len(set(frame.src[gather.edges].tolist()))
    receivers = len(set(frame.dst[scatter.edges].tolist()))
    span = int(frame.ts[scatter.edges[-1]] - frame.ts[gather.edges[0]])
    score = 0.4 + 0.3 * min(paid / gathered, 1.0) + 0.15 * gather.one_shot + 0.15 * scatter.one_shot
    text = (
        f"Account {hub} collected {money(gathered)} from {senders} one-off senders from "
        f"{iso(int(frame.ts[gather.edges[0]]))} and paid {money(paid)} on to {receivers} "
        f"recipients; the whole gather-and-scatter took {duration_text(span)}. A hub that pools "
        "money from many accounts and immediately redistributes it is a layering step, not trade."
    )
    return score, text
