"""Hand-built transaction graphs for the detector tests: small, readable, one scenario each."""

from __future__ import annotations

import itertools
import random

from services.graph.core.detectors.base import DetectionContext
from services.graph.core.frame import TransactionFrame, build_frame
from services.graph.core.model import DAY, HOUR, Transaction

T0 = 1_704_067_200  # 2024-01-01 00:00 UTC


def tx(
    tx_id: str, src: str, dst: str, hours: float, amount: float, currency: str = "USD"
) -> Transaction:
    """A transfer `hours` after T0."""
    return Transaction(tx_id, src, dst, T0 + int(hours * HOUR), amount, currency)


def frame_of(*groups: list[Transaction]) -> TransactionFrame:
    return build_frame([t for group in groups for t in group])


def ctx_of(*groups: list[Transaction]) -> DetectionContext:
    return DetectionContext(frame_of(*groups))


def chain(
    prefix: str,
    accounts: list[str],
    start_hours: float,
    gap_hours: float,
    amount: float,
    keep: float,
) -> list[Transaction]:
    """Money passed along `accounts`, each hop `gap_hours` later keeping `keep` of the amount."""
    out = []
    for i, (src, dst) in enumerate(itertools.pairwise(accounts)):
        out.append(tx(f"{prefix}{i}", src, dst, start_hours + i * gap_hours, amount))
        amount *= keep
    return out


def background(
    seed: int, accounts: int = 300, transfers: int = 3_000, days: int = 60
) -> list[Transaction]:
    """Random small everyday transfers among `accounts` ordinary accounts."""
    rng = random.Random(seed)
    out = []
    for i in range(transfers):
        src, dst = rng.sample(range(accounts), 2)
        hours = rng.uniform(0, days * 24)
        out.append(
            tx(f"bg{i}", f"P{src}", f"P{dst}", hours, round(rng.lognormvariate(4.5, 1.0), 2))
        )
    return out


def payroll(employer: str, staff: int, months: int = 3) -> list[Transaction]:
    """The same staff paid the same salary on the 25th of each month."""
    return [
        tx(f"pay{m}-{s}", employer, f"{employer}-staff{s}", (24 + 30 * m) * 24 + 9, 2_500 + 100 * s)
        for m in range(months)
        for s in range(staff)
    ]


def merchant(shop: str, customers: int, days: int = 60) -> list[Transaction]:
    """Loyal customers paying a shop every day: the same payers again and again."""
    rng = random.Random(shop)
    return [
        tx(
            f"{shop}-sale{d}-{c}",
            f"{shop}-cust{rng.randrange(customers)}",
            shop,
            d * 24 + 8 + c * 0.5,
            rng.uniform(40, 400),
        )
        for d in range(days)
        for c in range(20)
    ]


DAYS = DAY
