"""Columnar transactions: what every detector reads.

A nightly sweep looks at millions of transactions; Python objects per transaction would cost
~10x the memory and time of numpy columns (networkx alone holds ~400 bytes per edge). So the
core's working set is a `TransactionFrame`: accounts interned to int32 indices, one numpy
column per field, rows sorted by time, amounts already in the reporting currency (USD). A frame
is immutable; `window()` and `subset()` return new frames that share the account table.

`Adjacency` is the per-account view (CSR): the edges leaving (or entering) each account, in
time order. It is built lazily, once per frame, because not every caller needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt

from services.common.errors import FieldViolation, InvalidArgument
from services.graph.core.currency import RateTable, default_rates
from services.graph.core.model import Transaction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
T = TypeVar("T")

# A single request may carry at most this many bad rows in its error, so a garbage file does
# not produce a multi-megabyte error message.
MAX_REPORTED_VIOLATIONS = 20


class Adjacency:
    """Edges grouped by account (CSR): `edges[ptr[a]:ptr[a + 1]]` in time order."""

    __slots__ = ("edges", "ptr")

    def __init__(self, owner: npt.NDArray[np.int32], n_accounts: int) -> None:
        # The frame is sorted by time, so a stable sort by account keeps each group in time order.
        self.edges: IntArray = np.argsort(owner, kind="stable").astype(np.int64)
        counts = np.bincount(owner, minlength=n_accounts)
        self.ptr: IntArray = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def of(self, account: int) -> IntArray:
        return self.edges[self.ptr[account] : self.ptr[account + 1]]

    def degree(self) -> IntArray:
        return np.diff(self.ptr)


class TransactionFrame:
    """Transactions as columns, sorted by timestamp; accounts interned to indices."""

    __slots__ = (
        "_derived",
        "_index",
        "_inn",
        "_out",
        "accounts",
        "amount",
        "dst",
        "src",
        "ts",
        "tx_ids",
    )

    def __init__(
        self,
        accounts: ObjArray,
        tx_ids: ObjArray,
        endpoints: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]],
        ts: IntArray,
        amount: FloatArray,
    ) -> None:
        order = np.argsort(ts, kind="stable")
        self.accounts = accounts
        self.tx_ids = tx_ids[order]
        self.src = endpoints[0][order]
        self.dst = endpoints[1][order]
        self.ts = ts[order]
        self.amount = amount[order]
        self._out: Adjacency | None = None
        self._inn: Adjacency | None = None
        self._index: dict[str, int] | None = None
        self._derived: dict[object, object] = {}

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    @property
    def n_accounts(self) -> int:
        return int(self.accounts.shape[0])

    @property
    def out(self) -> Adjacency:
        """Edges leaving each account, in time order."""
        if self._out is None:
            self._out = Adjacency(self.src, self.n_accounts)
        return self._out

    @property
    def inn(self) -> Adjacency:
        """Edges entering each account, in time order."""
        if self._inn is None:
            self._inn = Adjacency(self.dst, self.n_accounts)
        return self._inn

    def derived(self, key: object, build: Callable[[], T]) -> T:
        """A value computed from this frame alone, built once and kept with it.

        Sweep partitions of one window share a frame (see `sweeps.run_sweep_partition`), so
        what does not depend on the partition's scope (hop pairs, account hashes, whole-frame
        candidate sets) is computed by the first partition a worker runs and reused by the rest.
        `key` must identify the computation and its parameters (frozen dataclasses hash)."""
        if key not in self._derived:
            self._derived[key] = build()
        return cast(T, self._derived[key])

    def index_of(self, account: str) -> int | None:
        """The interned index of an account id, or None if it has no transaction here."""
        if self._index is None:
            self._index = {str(a): i for i, a in enumerate(self.accounts)}
        return self._index.get(account)

    def subset(self, rows: BoolArray | IntArray) -> TransactionFrame:
        """The rows selected by a mask or an index array (already time-ordered)."""
        return TransactionFrame(
            self.accounts,
            self.tx_ids[rows],
            (self.src[rows], self.dst[rows]),
            self.ts[rows],
            self.amount[rows],
        )

    def window(self, start: int, end: int) -> TransactionFrame:
        """Transactions with start <= timestamp < end (a slice: the rows are time-sorted)."""
        lo, hi = np.searchsorted(self.ts, [start, end], side="left")
        if lo == 0 and hi == len(self):
            return self  # immutable: sharing keeps its derived indexes for the next partition
        return self.subset(np.arange(lo, hi))

    def names(self, indices: Iterable[int]) -> tuple[str, ...]:
        return tuple(str(self.accounts[i]) for i in indices)

    def tx_names(self, edges: Iterable[int]) -> tuple[str, ...]:
        return tuple(str(self.tx_ids[e]) for e in edges)


def frame_from_columns(
    tx_ids: Sequence[str] | ObjArray,
    sources: Sequence[str] | ObjArray,
    targets: Sequence[str] | ObjArray,
    timestamps: Sequence[int] | IntArray,
    amounts_usd: Sequence[float] | FloatArray,
) -> TransactionFrame:
    """A frame from parallel columns; amounts must already be in the reporting currency."""
    src_ids = np.asarray(sources, dtype=object)
    dst_ids = np.asarray(targets, dtype=object)
    both = np.concatenate([src_ids, dst_ids]).astype(str)
    accounts, inverse = np.unique(both, return_inverse=True)
    index = inverse.astype(np.int32)
    n = src_ids.shape[0]
    return TransactionFrame(
        accounts.astype(object),
        np.asarray(tx_ids, dtype=object),
        (index[:n], index[n:]),
        np.asarray(timestamps, dtype=np.int64),
        np.asarray(amounts_usd, dtype=np.float64),
    )


def build_frame(
    transactions: Iterable[Transaction], rates: RateTable | None = None
) -> TransactionFrame:
    """A frame from transactions; amounts are converted to USD with `rates` (default table).

    Raises InvalidArgument listing the bad rows (empty ids, non-positive or non-finite amounts,
    unknown currencies, duplicate transaction ids) rather than detecting on partial data.
    """
    table = rates or default_rates()
    txs = list(transactions)
    violations = [v for i, tx in enumerate(txs) for v in transaction_violations(i, tx, table)]
    seen: set[str] = set()
    for i, tx in enumerate(txs):
        if tx.tx_id in seen:
            violations.append(FieldViolation(f"transactions[{i}].tx_id", "duplicate id"))
        seen.add(tx.tx_id)
    if violations:
        raise InvalidArgument(
            f"{len(violations)} invalid transaction field(s)",
            violations[:MAX_REPORTED_VIOLATIONS],
        )
    return frame_from_columns(
        [t.tx_id for t in txs],
        [t.source for t in txs],
        [t.target for t in txs],
        [t.timestamp for t in txs],
        [table.to_reporting(t.amount, t.currency) for t in txs],
    )


def transaction_violations(i: int, tx: Transaction, rates: RateTable) -> list[FieldViolation]:
    """What is wrong with transaction number `i` (empty ids, amount, currency), field by field."""
    out: list[FieldViolation] = []
    for name in ("tx_id", "source", "target"):
        if not str(getattr(tx, name)).strip():
            out.append(FieldViolation(f"transactions[{i}].{name}", "must not be empty"))
    if tx.timestamp < 0:
        out.append(FieldViolation(f"transactions[{i}].time", "is required (after 1970)"))
    if not np.isfinite(tx.amount) or tx.amount <= 0:
        out.append(FieldViolation(f"transactions[{i}].amount", "must be a positive number"))
    try:
        rates.code(tx.currency)
    except InvalidArgument:
        out.append(FieldViolation(f"transactions[{i}].currency", f"unknown {tx.currency!r}"))
    return out
