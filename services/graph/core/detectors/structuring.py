"""Structuring: repeated amounts just under the reporting threshold.

Splitting a sum into several transfers each just below the amount that triggers a report
(10,000 in the US and the EU) is an offence in itself (31 U.S.C. 5324). One rent payment of
9,500 a month is not: the test needs several such transfers within ten days, making up most
of what the account did in that time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.graph.core.detectors.base import (
    REPORTING_THRESHOLD,
    DetectionContext,
    burst_starts,
    groups_of,
    listing,
    make_finding,
    ramp,
)
from services.graph.core.frame import IntArray
from services.graph.core.model import DAY, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class StructuringParams:
    """ "Just under" means within `margin` (a fraction) below `threshold`."""

    threshold: float = REPORTING_THRESHOLD
    margin: float = 0.12
    min_count: int = 3
    period: int = 10 * DAY
    min_share: float = 0.5
    min_score: float = 0.5


def detect_structuring(
    ctx: DetectionContext, params: StructuringParams | None = None
) -> list[Finding]:
    """At least `min_count` transfers just under the threshold within `period`, from one sender
    (or into one receiver from several senders), making up at least `min_share` of that
    account's transfers in the period. Score: more transfers, amounts closer to the threshold
    and more alike score higher. Anchored at the sending (or receiving) account."""
    p = params or StructuringParams()
    frame = ctx.frame
    near = (frame.amount < p.threshold) & (frame.amount >= p.threshold * (1 - p.margin))
    rows = np.flatnonzero(near & (frame.src != frame.dst))
    findings: list[Finding] = []
    for outgoing in (True, False):
        owners = (frame.src if outgoing else frame.dst)[rows]
        for group in groups_of(owners, p.min_count):
            account = int(owners[group[0]])
            if ctx.anchor_accounts[account]:
                findings.extend(_windows(ctx, account, rows[group], outgoing, p))
    return findings


def _windows(
    ctx: DetectionContext, account: int, edges: IntArray, outgoing: bool, p: StructuringParams
) -> list[Finding]:
    frame = ctx.frame
    times = frame.ts[edges]
    found: list[Finding] = []
    for i in burst_starts(times, edges, p.period, p.min_count):
        start = int(times[i])
        inside = edges[(times >= start) & (times < start + p.period)]
        # Receiver side: one sender's run is already reported from the sender's side.
        if not ctx.scope.owns_time(start) or (
            not outgoing and np.unique(frame.src[inside]).shape[0] < 2
        ):
            continue
        all_edges = (frame.out if outgoing else frame.inn).of(account)
        in_period = (frame.ts[all_edges] >= start) & (frame.ts[all_edges] < start + p.period)
        share = inside.shape[0] / max(int(in_period.sum()), 1)
        if share >= p.min_share:
            scored = _score(ctx, account, inside, outgoing, p)
            if scored[0] >= p.min_score:
                found.append(make_finding(ctx, Typology.STRUCTURING, account, inside, scored))
    return found


def _score(
    ctx: DetectionContext, account: int, edges: IntArray, outgoing: bool, p: StructuringParams
) -> tuple[float, str]:
    frame = ctx.frame
    amounts = frame.amount[edges]
    closeness = float(np.mean(1 - (p.threshold - amounts) / (p.threshold * p.margin)))
    alike = 1 - ramp(float(np.std(amounts) / np.mean(amounts)), 0.005, 0.05)
    score = 0.4 + 0.3 * ramp(edges.shape[0], 2, 6) + 0.15 * closeness + 0.15 * alike
    name = str(frame.accounts[account])
    others = frame.names(dict.fromkeys((frame.dst if outgoing else frame.src)[edges].tolist()))
    span = int(frame.ts[edges[-1]] - frame.ts[edges[0]])
    verb = "sent" if outgoing else "received"
    text = (
        f"Account {name} {verb} {edges.shape[0]} transfers of {money(float(amounts.min()))} to "
        f"{money(float(amounts.max()))} within {duration_text(span)} from "
        f"{iso(int(frame.ts[edges[0]]))} ({'to' if outgoing else 'from'} "
        f"{listing(list(others))}), each just under the {money(p.threshold)} reporting threshold "
        f"and {money(float(amounts.sum()))} in total. Keeping every transfer just below the "
        "threshold avoids a report on the whole sum: that is structuring."
    )
    return score, text
