"""Fan-in and fan-out (smurfing): many distinct counterparties around one hub in a short window.

Structure alone is not enough: a payroll run is a fan-out and a busy shop is a fan-in. A burst
becomes a finding only when it also looks unlike ordinary business, measured by four features:

- one-shot counterparties: smurfs and collection mules deal with the hub once; staff are paid
  every month and customers come back (payroll and merchants score ~0);
- burstiness: the window is far busier than the hub's own normal rate (a shop's steady stream
  is not a burst);
- pass-through: the money moved on (fan-in) or had just arrived (fan-out): a transit hub;
- alike amounts: smurfs are handed similar sums (AMLSim's fan patterns too), while chance
  bursts of everyday payments vary wildly;
- near threshold: the amounts sit just under the reporting threshold.

The first two are gates, and so is the total: smurfing splits a sum that would have been
reportable, so the burst must add up to at least the threshold. The last three corroborate:
the strongest of them counts.
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
from services.graph.core.frame import BoolArray, IntArray
from services.graph.core.model import DAY, Finding, Typology, duration_text, iso, money


@dataclass(frozen=True, slots=True)
class FanParams:
    """`history` is how far before and after a burst the hub's normal behaviour is read: it
    must exceed the longest legitimate period (a month for payroll)."""

    min_counterparties: int = 5
    window: int = 3 * DAY
    threshold: float = REPORTING_THRESHOLD
    history: int = 40 * DAY
    min_one_shot: float = 0.6
    min_burst: float = 2.5
    min_score: float = 0.7


@dataclass(frozen=True, slots=True)
class FanWindow:
    """One burst at a hub: its edges (frame rows) and the features that judge it."""

    hub: int
    edges: IntArray
    one_shot: float
    burst: float
    pass_through: float
    alike: float
    near_threshold: float

    @property
    def counterparties(self) -> int:
        return int(self.edges.shape[0])

    @property
    def suspicion(self) -> float:
        """A burst needs corroboration (money passing through, alike amounts or amounts near
        the threshold) to reach the default cut-off of 0.7; one-shot-ness and burstiness alone
        are what chance produces in any large graph."""
        corroboration = max(self.pass_through, self.alike, self.near_threshold)
        return (
            0.3
            + 0.2 * self.one_shot
            + 0.15 * ramp(self.burst, 2.0, 8.0)
            + 0.1 * ramp(self.counterparties, 5, 10)
            + 0.25 * corroboration
        )


def detect_fan_out(ctx: DetectionContext, params: FanParams | None = None) -> list[Finding]:
    """One hub pays many distinct, one-shot recipients under the threshold within a short window."""
    p = params or FanParams()
    return [
        make_finding(ctx, Typology.FAN_OUT, w.hub, w.edges, (w.suspicion, _explain(ctx, w, True)))
        for w in fan_windows(ctx, outgoing=True, params=p)
        if w.suspicion >= p.min_score
    ]


def detect_fan_in(ctx: DetectionContext, params: FanParams | None = None) -> list[Finding]:
    """Many distinct, one-shot senders pay one hub under the threshold within a short window."""
    p = params or FanParams()
    return [
        make_finding(ctx, Typology.FAN_IN, w.hub, w.edges, (w.suspicion, _explain(ctx, w, False)))
        for w in fan_windows(ctx, outgoing=False, params=p)
        if w.suspicion >= p.min_score
    ]


def fan_windows(ctx: DetectionContext, *, outgoing: bool, params: FanParams) -> list[FanWindow]:
    """Bursts that pass both gates (one-shot counterparties, burstiness), owned by the scope."""
    frame = ctx.frame
    hubs, cps = (frame.src, frame.dst) if outgoing else (frame.dst, frame.src)
    small = (frame.amount < params.threshold) & (frame.src != frame.dst)
    hub_of, start_of = _candidate_starts(ctx, hubs, small, outgoing, params)
    adjacency = frame.out if outgoing else frame.inn
    windows: list[FanWindow] = []
    for rows in groups_of(hub_of):
        hub = int(hub_of[rows[0]])
        edges = adjacency.of(hub)
        starts = start_of[rows]
        for window_edges in _bursts(ctx, edges[small[edges]], cps, starts, params):
            judged = _judge(ctx, hub, window_edges, outgoing, params)
            if judged is not None:
                windows.append(judged)
    return windows


def _candidate_starts(
    ctx: DetectionContext, hubs: np.ndarray, small: np.ndarray, outgoing: bool, p: FanParams
) -> tuple[IntArray, IntArray]:
    """(hub, time) of every window start (owned by the scope) with at least `min_counterparties`
    small transfers adding up to the threshold, that could also pass the burstiness gate: a
    vectorised pre-filter, so the exact (Python) burst search runs on few places. Steady busy
    accounts (shops, payroll, processors) have many such windows and none of them bursty: they
    are what made the search grow with N. Only owned hubs are read, so a partition pays for its
    share."""
    frame = ctx.frame
    adjacency = frame.out if outgoing else frame.inn
    # Adjacency order is (hub, time) order: the keys below come out sorted, no sort needed.
    mine = adjacency.edges[ctx.anchor_accounts[hubs[adjacency.edges]]]
    rows: IntArray = mine[small[mine]]
    if rows.shape[0] == 0:
        return rows, rows
    base = int(frame.ts[0]) - p.history
    span = int(frame.ts[-1]) - base + p.history + p.window + 2
    key = hubs[rows].astype(np.int64) * span + (frame.ts[rows] - base)
    ends = np.searchsorted(key, key + p.window, side="left")
    # The window's total is exact (a burst is the hub's small transfers in [t, t + window)), so
    # the threshold gate costs one cumulative sum here instead of a Python pass per hub.
    money_before = np.concatenate(([0.0], np.cumsum(frame.amount[rows])))
    enough = money_before[ends] - money_before[: key.shape[0]] >= p.threshold
    starts = key[enough & (ends - np.arange(key.shape[0]) >= p.min_counterparties)]
    all_key = hubs[mine].astype(np.int64) * span + (frame.ts[mine] - base)
    starts = starts[_may_be_bursty(all_key, starts, p)]
    return starts // span, starts % span + base


def _may_be_bursty(all_key: IntArray, starts: IntArray, p: FanParams) -> BoolArray:
    """Per candidate window start (a (hub, time) key): can `_judge`'s burstiness reach
    `min_burst`? An upper bound from counts of ALL the hub's same-side transfers (`all_key`):
    at most everything in [t, t + window) is inside, at least the rest of [t - history,
    t + history) is outside, and the horizon is at most 2 * history + window. The exact gates
    stay in `_judge`.
    """
    inside = np.searchsorted(all_key, starts + p.window) - np.searchsorted(all_key, starts)
    around = np.searchsorted(all_key, starts + p.history) - np.searchsorted(
        all_key, starts - p.history
    )
    baseline = (around - inside) * p.window / (2 * p.history + p.window)
    bursty: BoolArray = inside / np.maximum(baseline, 1.0) >= p.min_burst
    return bursty


def _bursts(
    ctx: DetectionContext, edges: IntArray, cps: np.ndarray, candidates: IntArray, p: FanParams
) -> list[IntArray]:
    """The hub's bursts (`burst_starts`) that start at one of the `candidates` times.

    `burst_starts` is local: whether a start is reported depends only on the transfers within
    two windows before it and one after. So it runs on those stretches around the candidates
    only, not on the hub's whole history (a busy hub has one candidate in thousands)."""
    times = ctx.frame.ts[edges]
    wanted = set(candidates.tolist())
    found: list[IntArray] = []
    for lo, hi in _stretches(times, candidates, p.window):
        for offset in burst_starts(times[lo:hi], cps[edges[lo:hi]], p.window, p.min_counterparties):
            i = lo + offset
            if int(times[i]) in wanted and ctx.scope.owns_time(int(times[i])):
                end = np.searchsorted(times, times[i] + p.window, side="left")
                found.append(edges[i:end])
    return found


def _stretches(times: IntArray, candidates: IntArray, window: int) -> list[tuple[int, int]]:
    """Row ranges [t - 2 * window, t + window) around the candidate times, overlaps merged."""
    los = np.searchsorted(times, candidates - 2 * window, side="left").tolist()
    his = np.searchsorted(times, candidates + window, side="left").tolist()
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(zip(los, his, strict=True)):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _judge(
    ctx: DetectionContext, hub: int, edges: IntArray, outgoing: bool, p: FanParams
) -> FanWindow | None:
    frame = ctx.frame
    cps = frame.dst if outgoing else frame.src
    start, end = int(frame.ts[edges[0]]), int(frame.ts[edges[-1]]) + 1
    same_side = (frame.out if outgoing else frame.inn).of(hub)
    near = same_side[
        (frame.ts[same_side] >= start - p.history) & (frame.ts[same_side] < end + p.history)
    ]
    inside = (frame.ts[near] >= start) & (frame.ts[near] < end)
    window_cps = set(cps[edges].tolist())
    seen_outside = set(cps[near[~inside]].tolist())
    one_shot = len(window_cps - seen_outside) / len(window_cps)
    horizon = max(int(frame.ts[near].max()) - int(frame.ts[near].min()) - (end - start), p.window)
    baseline = int((~inside).sum()) * p.window / horizon
    burst = int(inside.sum()) / max(baseline, 1.0)
    total = float(frame.amount[edges].sum())
    if one_shot < p.min_one_shot or burst < p.min_burst or total < p.threshold:
        return None
    return FanWindow(
        hub=hub,
        edges=edges,
        one_shot=one_shot,
        burst=burst,
        pass_through=_pass_through(ctx, hub, (start, end), outgoing, p),
        alike=_alike(frame.amount[edges]),
        near_threshold=float(np.mean(frame.amount[edges] >= 0.8 * p.threshold)),
    )


def _pass_through(
    ctx: DetectionContext, hub: int, span: tuple[int, int], outgoing: bool, p: FanParams
) -> float:
    """Share of the burst's money matched by UNUSUAL opposite flow just before/after it.

    Only the flow above the hub's own normal rate counts: a shop banks its takings every week
    and an employer is paid by clients every week; a transit hub's money arrives (or leaves)
    in one go around the burst.
    """
    frame = ctx.frame
    burst_side = (frame.out if outgoing else frame.inn).of(hub)
    other_side = (frame.inn if outgoing else frame.out).of(hub)
    in_burst = (frame.ts[burst_side] >= span[0]) & (frame.ts[burst_side] < span[1])
    total = float(frame.amount[burst_side[in_burst]].sum())
    lo, hi = (span[0] - p.window, span[1]) if outgoing else (span[0], span[1] + p.window)
    t = frame.ts[other_side]
    near = (t >= lo) & (t < hi)
    matched = float(frame.amount[other_side[near]].sum())
    around = (t >= span[0] - p.history) & (t < span[1] + p.history) & ~near
    usual_rate = float(frame.amount[other_side[around]].sum()) / (2 * p.history)
    excess = matched - usual_rate * (hi - lo)
    return min(max(excess, 0.0) / total, 1.0) if total > 0 else 0.0


def _alike(amounts: np.ndarray) -> float:
    """1 when the amounts are within ~10% of each other, 0 when they vary by 50% or more."""
    spread = float(np.std(amounts) / np.mean(amounts))
    return 1.0 - ramp(spread, 0.1, 0.5)


def _explain(ctx: DetectionContext, w: FanWindow, outgoing: bool) -> str:
    frame = ctx.frame
    hub = str(frame.accounts[w.hub])
    others = frame.names(dict.fromkeys((frame.dst if outgoing else frame.src)[w.edges].tolist()))
    span = int(frame.ts[w.edges[-1]] - frame.ts[w.edges[0]])
    total = float(frame.amount[w.edges].sum())
    verb = f"sent {money(total)} to" if outgoing else f"received {money(total)} from"
    flow = "had just been received" if outgoing else "was moved on within days"
    return (
        f"Account {hub} {verb} {len(others)} distinct accounts ({listing(list(others))}) in "
        f"{duration_text(span)} from {iso(int(frame.ts[w.edges[0]]))}, every transfer under the "
        f"reporting threshold. {w.one_shot:.0%} of these counterparties dealt with {hub} only in "
        f"this burst, which is {w.burst:.1f}x the account's usual rate; {w.pass_through:.0%} of "
        f"the money {flow}, the amounts are {w.alike:.0%} alike and {w.near_threshold:.0%} of "
        "them sit just under the threshold. Splitting funds across many one-off accounts like "
        "this is smurfing; payroll and shop takings repeat the same counterparties at a steady "
        "rate."
    )
