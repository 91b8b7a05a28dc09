"""What every detector shares: the frame, its cached indexes, the scope, and finding assembly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from services.graph.core.frame import BoolArray, TransactionFrame
from services.graph.core.hops import HopRule, Successors, successor_pairs
from services.graph.core.model import Finding, Typology
from services.graph.core.scope import EVERYTHING, Scope

# Reporting threshold the smurfing and structuring rules sit under: the US currency
# transaction report (31 CFR 1010.311) and the EU's 10,000 EUR cash declaration are both
# "10,000"; banks override it per jurisdiction in the detector settings.
REPORTING_THRESHOLD = 10_000.0


@dataclass(slots=True)
class DetectionContext:
    """One frame plus the derived indexes several detectors need, computed once.

    `notes` collects run facts an operator should know (e.g. a search that hit its budget):
    the core has no logger, the shell logs them.
    """

    frame: TransactionFrame
    scope: Scope = EVERYTHING
    notes: list[str] = field(default_factory=list)
    hop_cover: HopRule | None = None
    _anchor_mask: BoolArray | None = None

    def successors(self, rule: HopRule) -> Successors:
        """Hop pairs under `rule`, kept with the frame. With a `hop_cover` (the union of the
        detectors' rules) the self-join runs once and each rule filters its result."""
        cover = self.hop_cover
        if cover is None or cover == rule or not cover.covers(rule):
            return self.frame.derived(
                ("successors", rule), lambda: successor_pairs(self.frame, rule)
            )
        pairs = self.frame.derived(
            ("successors", cover), lambda: successor_pairs(self.frame, cover)
        )
        return self.frame.derived(("successors", rule), lambda: pairs.restricted(self.frame, rule))

    @property
    def anchor_accounts(self) -> BoolArray:
        """Accounts a pattern owned by this scope may start from."""
        if self._anchor_mask is None:
            self._anchor_mask = self.scope.account_mask(self.frame)
        return self._anchor_mask

    def owns(self, anchor: int, start: int) -> bool:
        return bool(self.anchor_accounts[anchor]) and self.scope.owns_time(start)


def make_finding(
    ctx: DetectionContext,
    typology: Typology,
    anchor: int,
    edges: Sequence[int] | np.ndarray,
    score_and_text: tuple[float, str],
) -> Finding:
    """A Finding over frame rows `edges` (kept in the given order), anchored at `anchor`."""
    frame = ctx.frame
    rows = np.asarray(edges, dtype=np.int64)
    accounts = dict.fromkeys(
        [
            anchor,
            *(int(a) for pair in zip(frame.src[rows], frame.dst[rows], strict=True) for a in pair),
        ]
    )
    return Finding(
        typology=typology,
        anchor=str(frame.accounts[anchor]),
        accounts=frame.names(accounts),
        tx_ids=frame.tx_names(rows),
        amounts=tuple(round(float(a), 2) for a in frame.amount[rows]),
        start=int(frame.ts[rows].min()),
        end=int(frame.ts[rows].max()),
        score=round(min(max(score_and_text[0], 0.0), 0.999), 4),
        explanation=score_and_text[1],
    )


def clamp01(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def ramp(value: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, linear between: a feature's soft threshold."""
    if high <= low:
        return 1.0 if value >= high else 0.0
    return clamp01((value - low) / (high - low))


def listing(names: Sequence[str], limit: int = 6) -> str:
    """ "A, B, C and 4 more": account lists stay readable in an explanation."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def burst_starts(times: np.ndarray, keys: np.ndarray, window: int, minimum: int) -> list[int]:
    """Where bursts start: indices i whose window [times[i], times[i] + window) holds at least
    `minimum` distinct `keys`, and where no such window started in the `window` seconds before.

    The second rule reports a burst once (not once per transaction in it) and keeps the result
    local: it depends only on data within one window either side of the start, so a sweep
    partition that reads that much context decides exactly like its neighbour. `times` must be
    sorted. A two-pointer pass with a counter: O(len(times)).
    """
    counts: dict[int, int] = {}
    starts: list[int] = []
    last_qualifying: int | None = None
    j = 0
    n = times.shape[0]
    t = times.tolist()
    k = keys.tolist()
    for i in range(n):
        while j < n and t[j] < t[i] + window:
            counts[k[j]] = counts.get(k[j], 0) + 1
            j += 1
        if len(counts) >= minimum:
            if last_qualifying is None or t[i] - last_qualifying >= window:
                starts.append(i)
            last_qualifying = t[i]
        counts[k[i]] -= 1
        if counts[k[i]] == 0:
            del counts[k[i]]
    return starts


def groups_of(keys: np.ndarray, minimum: int = 1) -> list[np.ndarray]:
    """Row indices grouped by equal key (each group in original order), groups of >= minimum.

    One stable sort instead of a mask per key: grouping cost stays O(n log n) however many
    groups there are.
    """
    if keys.shape[0] == 0:
        return []
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    bounds = np.flatnonzero(
        np.diff(sorted_keys, prepend=sorted_keys[0] - 1, append=sorted_keys[-1] + 1) != 0
    )
    sizes = np.diff(bounds)
    return [order[bounds[g] : bounds[g + 1]] for g in np.flatnonzero(sizes >= minimum).tolist()]


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (like `np.unique`, which since numpy 2.3 hashes when asked
    for values alone: ~100x slower than a sort on a million high-cardinality integers)."""
    ordered = np.sort(values)
    if ordered.shape[0] == 0:
        return ordered
    keep = np.empty(ordered.shape[0], dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
