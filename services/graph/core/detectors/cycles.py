"""Time-respecting cycles: money that leaves an account and comes back to it, hop by hop.

Not "any graph cycle": every hop must be later than the previous one, carry a little less than
the previous one (a plausible fee, never more), and the whole round trip must close within a
bounded window and length. Each cycle is searched from its earliest transaction only, so it is
listed exactly once and its anchor (the account it starts and ends at) is well defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from services.graph.core.detectors.base import DetectionContext, listing, make_finding, ramp
from services.graph.core.hops import HopRule, Successors
from services.graph.core.model import DAY, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class CycleParams:
    """Bounds of the cycle search.

    `min_length` 3 keeps two-party back-and-forth (households, refunds) out: that is not a
    laundering cycle. A family of three paying each other around also closes cycles by
    chance: a hop between accounts that trade at least three times within
    `relationship_horizon` is an established relationship, and a cycle made mostly
    (> `max_established`) of those is left alone. `max_expansions` bounds the work per start
    transaction so one very busy account cannot stall a sweep; runs that hit it are noted in
    the context.
    """

    min_length: int = 3
    max_length: int = 8
    max_span: int = 10 * DAY
    hop: HopRule = field(default_factory=lambda: HopRule(max_gap=4 * DAY, min_ratio=0.9))
    max_expansions: int = 20_000
    relationship_horizon: int = 40 * DAY
    max_established: float = 0.5
    min_score: float = 0.5


def detect_cycles(ctx: DetectionContext, params: CycleParams | None = None) -> list[Finding]:
    """Time-respecting, amount-decaying cycles of bounded length and span.

    Score: longer cycles, faster round trips and steady small fees (each hop keeping a similar
    share) score higher; a round trip that loses nothing at all is as suspicious as one with a
    fee. Findings are anchored at the origin account and start at the first transfer.
    """
    p = params or CycleParams()
    succ = ctx.successors(p.hop)
    frame = ctx.frame
    starts = np.flatnonzero(
        succ.has_successor() & ctx.anchor_accounts[frame.src] & ctx.scope.time_mask(frame.ts)
    )
    findings: list[Finding] = []
    truncated = 0
    for start in starts.tolist():
        cycles, complete = _cycles_from(ctx, succ, int(start), p)
        truncated += not complete
        for path in cycles:
            if _established_share(ctx, path, p.relationship_horizon) > p.max_established:
                continue
            finding = _cycle_finding(ctx, path)
            if finding.score >= p.min_score:
                findings.append(finding)
    if truncated:
        ctx.notes.append(f"cycles: {truncated} start transfers hit the search budget")
    return findings


def _cycles_from(
    ctx: DetectionContext, succ: Successors, start: int, p: CycleParams
) -> tuple[list[list[int]], bool]:
    """Depth-first walk of the hop pairs from one start edge; returns cycles and completeness."""
    frame = ctx.frame
    origin = int(frame.src[start])
    deadline = int(frame.ts[start]) + p.max_span
    found: list[list[int]] = []
    stack: list[tuple[list[int], frozenset[int]]] = [([start], frozenset((origin,)))]
    budget = p.max_expansions
    while stack:
        path, visited = stack.pop()
        for nxt in succ.of(path[-1]).tolist():
            budget -= 1
            if budget < 0:
                return found, False
            if frame.ts[nxt] > deadline:
                break  # successors are time-ordered: every later one is out of the window too
            target = int(frame.dst[nxt])
            if target == origin:
                if len(path) + 1 >= p.min_length:
                    found.append([*path, nxt])
            elif target not in visited and len(path) + 1 < p.max_length:
                stack.append(([*path, nxt], visited | {target}))
    return found, True


def _established_share(ctx: DetectionContext, path: list[int], horizon: int) -> float:
    """Share of the cycle's hops between accounts that trade >= 3 times around it."""
    frame = ctx.frame
    lo, hi = int(frame.ts[path[0]]) - horizon, int(frame.ts[path[0]]) + horizon
    established = 0
    for edge in path:
        a, b = int(frame.src[edge]), int(frame.dst[edge])
        both = np.concatenate([frame.out.of(a), frame.inn.of(a)])
        other = np.where(frame.src[both] == a, frame.dst[both], frame.src[both])
        near = (other == b) & (frame.ts[both] >= lo) & (frame.ts[both] < hi)
        established += int(near.sum()) >= 3
    return established / len(path)


def _cycle_finding(ctx: DetectionContext, path: list[int]) -> Finding:
    return make_finding(
        ctx, Typology.CYCLE, int(ctx.frame.src[path[0]]), path, _score_cycle(ctx, path)
    )


def _score_cycle(ctx: DetectionContext, path: list[int]) -> tuple[float, str]:
    frame = ctx.frame
    amounts = frame.amount[path]
    ratios = amounts[1:] / amounts[:-1]
    span = int(frame.ts[path[-1]] - frame.ts[path[0]])
    length_score = ramp(len(path), 2, 6)
    speed_score = 1.0 - ramp(span, 1 * DAY, 10 * DAY)
    steadiness = 1.0 - ramp(float(np.ptp(ratios)), 0.02, 0.15)
    score = 0.45 + 0.2 * length_score + 0.2 * speed_score + 0.15 * steadiness
    names = frame.names(int(a) for a in frame.dst[path[:-1]])
    origin = str(frame.accounts[frame.src[path[0]]])
    kept = float(amounts[-1] / amounts[0])
    text = (
        f"{money(float(amounts[0]))} left account {origin} on {iso(int(frame.ts[path[0]]))} and "
        f"came back to it {duration_text(span)} later through {len(path) - 1} other account(s) "
        f"({listing(list(names))}). Every transfer happened after the previous one and carried "
        f"{ratios.min():.0%}-{ratios.max():.0%} of it, so {kept:.1%} of the money returned "
        f"({money(float(amounts[-1]))}): consistent with layering fees. A round trip like this "
        "moves no value anywhere and is a classic way to disguise where funds came from."
    )
    return score, text
