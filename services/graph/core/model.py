"""The transaction-graph domain model: transactions in, findings and rings out.

A `Transaction` is one transfer between two accounts as the bank reported it (amount in its own
currency). Detectors do not work on lists of `Transaction` objects: they work on a
`TransactionFrame` (see `frame.py`), the same data as columnar numpy arrays with amounts
normalised to one reporting currency, because a nightly sweep sees millions of rows.

A `Finding` is what one typology detector reports: the accounts and transactions that form the
pattern, its time span and amounts, a score in [0, 1) and a paragraph an officer can read. Rings
(`rings.py`) merge overlapping findings.

Times are integer seconds since the Unix epoch, UTC, everywhere in the core: they compare and
subtract cheaply in numpy and carry no time-zone ambiguity.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

HOUR = 3600
DAY = 24 * HOUR


class Typology(StrEnum):
    """The laundering patterns Warden looks for (after IBM AMLSim / AMLworld)."""

    CYCLE = "cycle"
    FAN_IN = "fan_in"
    FAN_OUT = "fan_out"
    SCATTER_GATHER = "scatter_gather"
    GATHER_SCATTER = "gather_scatter"
    LAYERING_CHAIN = "layering_chain"
    MULE = "mule"
    STRUCTURING = "structuring"
    BIPARTITE = "bipartite"


# When a ring holds findings of several typologies it is labelled with the most specific one:
# a cycle also contains layering hops and pass-through accounts, but "cycle" is what explains it.
TYPOLOGY_PRIORITY: tuple[Typology, ...] = (
    Typology.CYCLE,
    Typology.SCATTER_GATHER,
    Typology.GATHER_SCATTER,
    Typology.BIPARTITE,
    Typology.FAN_OUT,
    Typology.FAN_IN,
    Typology.STRUCTURING,
    Typology.LAYERING_CHAIN,
    Typology.MULE,
)


@dataclass(frozen=True, slots=True)
class Transaction:
    """One transfer as reported: `amount` is in `currency` (ISO 4217, or XBT for bitcoin)."""

    tx_id: str
    source: str
    target: str
    timestamp: int
    amount: float
    currency: str = "USD"
    payment_format: str = ""

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=UTC)


@dataclass(frozen=True, slots=True)
class Finding:
    """One occurrence of a typology, as a detector reports it.

    `anchor` is the account the pattern starts from (the account whose search found it) and
    `start` its earliest transaction time: the sweep uses both to decide which partition owns
    the finding, so a pattern crossing a partition boundary is reported exactly once.
    `amounts` are in the reporting currency, in the order of `tx_ids`.
    """

    typology: Typology
    anchor: str
    accounts: tuple[str, ...]
    tx_ids: tuple[str, ...]
    amounts: tuple[float, ...]
    start: int
    end: int
    score: float
    explanation: str

    @property
    def key(self) -> str:
        """Stable identity: the typology and the exact transactions, independent of the run."""
        return finding_key(self.typology, self.tx_ids)

    @property
    def total_amount(self) -> float:
        return float(sum(self.amounts))


def finding_key(typology: Typology, tx_ids: tuple[str, ...] | list[str]) -> str:
    """SHA-256 (truncated to 128 bits) of the typology and the sorted transaction ids."""
    digest = hashlib.sha256(typology.value.encode())
    for tx_id in sorted(tx_ids):
        digest.update(b"\x1f" + tx_id.encode())
    return digest.hexdigest()[:32]


def iso(timestamp: int) -> str:
    """A timestamp as an officer reads it: "2024-03-05 14:20 UTC"."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def duration_text(seconds: int) -> str:
    """A span in the largest sensible unit: "40 min", "7.5 h", "3.2 days"."""
    if seconds < 2 * HOUR:
        return f"{max(seconds, 0) // 60} min"
    if seconds < 2 * DAY:
        return f"{seconds / HOUR:.1f} h"
    return f"{seconds / DAY:.1f} days"


def money(amount: float, currency: str = "USD") -> str:
    """An amount as an officer reads it: "12,345.00 USD"."""
    return f"{amount:,.2f} {currency}"
