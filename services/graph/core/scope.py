"""Which findings a detector run is responsible for: a hash range of anchor accounts x a time range.

Real transaction graphs are one giant weakly connected component, so a sweep cannot be split by
component. It is split by *pattern start* instead: every finding has an anchor account (where
its search starts) and a start time (its earliest transaction). A partition owns the findings
whose anchor hashes into its bucket range and whose start falls in its time range; it reads
enough data around that range to see every pattern it owns completely (see `sweep.py`).
Ownership is a pure function of the finding, so a pattern that crosses a boundary is reported
by exactly one partition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from services.graph.core.frame import BoolArray, TransactionFrame

BUCKETS = 1 << 32


def account_bucket(account: str) -> int:
    """A stable hash of an account id in [0, 2**32): the same on every machine and run."""
    return int.from_bytes(hashlib.blake2b(account.encode(), digest_size=4).digest(), "big")


@dataclass(frozen=True, slots=True)
class Scope:
    """Anchor buckets [bucket_lo, bucket_hi) and anchor start times [start, end)."""

    bucket_lo: int = 0
    bucket_hi: int = BUCKETS
    start: int | None = None
    end: int | None = None

    @property
    def all_accounts(self) -> bool:
        return self.bucket_lo == 0 and self.bucket_hi == BUCKETS

    def owns_account(self, account: str) -> bool:
        return self.all_accounts or self.bucket_lo <= account_bucket(account) < self.bucket_hi

    def owns_time(self, timestamp: int) -> bool:
        after_start = self.start is None or timestamp >= self.start
        return after_start and (self.end is None or timestamp < self.end)

    def owns(self, anchor: str, start: int) -> bool:
        """True if a finding anchored at `anchor` and starting at `start` belongs here."""
        return self.owns_time(start) and self.owns_account(anchor)

    def account_mask(self, frame: TransactionFrame) -> BoolArray:
        """Per account index of `frame`: may a pattern start there?"""
        if self.all_accounts:
            return np.ones(frame.n_accounts, dtype=np.bool_)
        buckets = frame.derived("account_buckets", lambda: _buckets(frame))
        return (buckets >= self.bucket_lo) & (buckets < self.bucket_hi)

    def time_mask(self, ts: np.ndarray) -> BoolArray:
        """Per timestamp: may a pattern start then?"""
        mask = np.ones(ts.shape[0], dtype=np.bool_)
        if self.start is not None:
            mask &= ts >= self.start
        if self.end is not None:
            mask &= ts < self.end
        return mask


def _buckets(frame: TransactionFrame) -> np.ndarray:
    return np.fromiter((account_bucket(str(a)) for a in frame.accounts), np.int64, frame.n_accounts)


EVERYTHING = Scope()
