"""Account indicators: the numbers an officer reads first about one account (AnalyzeAccount).

Each indicator is a pure function of the account's neighbourhood frame returning a value and a
sentence; `account_indicators` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from services.graph.core.detectors.base import REPORTING_THRESHOLD
from services.graph.core.frame import IntArray, TransactionFrame
from services.graph.core.model import duration_text, money


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    value: float
    detail: str


@dataclass(frozen=True, slots=True)
class _Flows:
    frame: TransactionFrame
    account: int
    incoming: IntArray
    outgoing: IntArray


def money_in(f: _Flows) -> Indicator:
    """Total received and from how many transfers."""
    total = float(f.frame.amount[f.incoming].sum())
    return Indicator(
        "money_in_usd", total, f"received {money(total)} in {len(f.incoming)} transfers"
    )


def money_out(f: _Flows) -> Indicator:
    """Total sent and in how many transfers."""
    total = float(f.frame.amount[f.outgoing].sum())
    return Indicator("money_out_usd", total, f"sent {money(total)} in {len(f.outgoing)} transfers")


def pass_through_ratio(f: _Flows) -> Indicator:
    """Money out / money in: near 1 for an account that keeps nothing (a mule's signature)."""
    received = float(f.frame.amount[f.incoming].sum())
    ratio = float(f.frame.amount[f.outgoing].sum()) / received if received > 0 else 0.0
    return Indicator(
        "pass_through_ratio", round(ratio, 4), f"passed on {ratio:.0%} of what it received"
    )


def holding_time(f: _Flows) -> Indicator:
    """Median time from a receipt to the next payment out: hours for a relay, weeks for a person."""
    ts = f.frame.ts
    if not len(f.incoming) or not len(f.outgoing):
        return Indicator("median_holding_hours", -1.0, "no receipt followed by a payment")
    out_times = np.sort(ts[f.outgoing])
    nxt = np.searchsorted(out_times, ts[f.incoming], side="right")
    held = out_times[nxt[nxt < len(out_times)]] - ts[f.incoming][nxt < len(out_times)]
    if not len(held):
        return Indicator("median_holding_hours", -1.0, "no receipt followed by a payment")
    median = int(np.median(held))
    return Indicator(
        "median_holding_hours",
        round(median / 3600, 2),
        f"money typically left {duration_text(median)} after it arrived",
    )


def counterparties(f: _Flows) -> Indicator:
    """Distinct accounts it traded with."""
    others = set(f.frame.src[f.incoming].tolist()) | set(f.frame.dst[f.outgoing].tolist())
    return Indicator(
        "distinct_counterparties",
        float(len(others)),
        f"traded with {len(others)} distinct accounts",
    )


def near_threshold_share(f: _Flows) -> Indicator:
    """Share of its transfers within 12% below the reporting threshold."""
    amounts = f.frame.amount[np.concatenate([f.incoming, f.outgoing])]
    share = (
        float(np.mean((amounts < REPORTING_THRESHOLD) & (amounts >= 0.88 * REPORTING_THRESHOLD)))
        if len(amounts)
        else 0.0
    )
    return Indicator(
        "near_threshold_share",
        round(share, 4),
        f"{share:.0%} of its transfers sit just under the reporting threshold",
    )


INDICATORS: tuple[Callable[[_Flows], Indicator], ...] = (
    money_in,
    money_out,
    pass_through_ratio,
    holding_time,
    counterparties,
    near_threshold_share,
)


def account_indicators(frame: TransactionFrame, account: str) -> list[Indicator]:
    """Every indicator of `account` over `frame` (empty if the account has no transfer there)."""
    index = frame.index_of(account)
    if index is None:
        return []
    no_self = frame.src != frame.dst
    flows = _Flows(
        frame,
        index,
        frame.inn.of(index)[no_self[frame.inn.of(index)]],
        frame.out.of(index)[no_self[frame.out.of(index)]],
    )
    return [indicator(flows) for indicator in INDICATORS]
