"""Seeded synthetic transaction sets with planted laundering rings and legitimate look-alikes.

Used by the benchmarks (bench/graph) and the demo; never by production code paths.

Background traffic: accounts with heavy-tailed activity (Pareto weights, so a few accounts are
very busy and most are quiet), log-normal amounts, uniform times. Planted into it, after the
typologies of IBM AMLSim: cycles, fan-in, fan-out, scatter-gather, gather-scatter, layering
chains and stacks, mules, structuring, bipartite. And the ordinary business that looks like
them: payroll, merchants, households paying each other back, supplier chains weeks apart.
Planted ring members also take part in background traffic, as real mules do.

Everything is a function of the seed: the same config gives the same set on every machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from services.graph.core.frame import TransactionFrame, frame_from_columns
from services.graph.core.model import DAY, HOUR, Transaction

START = 1_704_067_200  # 2024-01-01 00:00 UTC
Edge = tuple[int, int, int, float]  # src, dst, time, amount (USD)


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    seed: int = 7
    accounts: int = 20_000
    background: int = 200_000
    days: int = 90
    rings_per_typology: int = 10
    payroll_employers: int = 8
    merchants: int = 20
    households: int = 150
    supplier_chains: int = 20


@dataclass(frozen=True, slots=True)
class PlantedRing:
    """Ground truth for one planted ring: `kind` refines the typology (chain vs stack)."""

    typology: str
    kind: str
    accounts: frozenset[str]


@dataclass(slots=True)
class GeneratedSet:
    frame: TransactionFrame
    planted: list[PlantedRing]
    lookalikes: dict[str, set[str]] = field(default_factory=dict)


class _Builder:
    """Accumulates edges; hands out fresh accounts for rings and look-alikes."""

    def __init__(self, cfg: GeneratorConfig) -> None:
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)
        self.edges: list[Edge] = []
        self.planted: list[PlantedRing] = []
        self.lookalikes: dict[str, set[str]] = {}
        # Special-role accounts come from the quiet majority (not the busiest 2%) so that the
        # background does not hand a planted ring hundreds of unrelated transfers.
        order = np.argsort(_activity(cfg, np.random.default_rng(cfg.seed + 1)))
        self._pool = [int(a) for a in self.rng.permutation(order[: int(cfg.accounts * 0.98)])]

    def fresh(self, n: int) -> list[int]:
        if n > len(self._pool):
            raise ValueError("too few accounts for the planted rings and look-alikes asked for")
        taken, self._pool = self._pool[:n], self._pool[n:]
        return taken

    def time(self, margin_days: float = 12) -> int:
        span = (self.cfg.days - margin_days) * DAY
        return START + int(self.rng.integers(0, int(span)))

    def add(self, src: int, dst: int, ts: int, amount: float) -> None:
        self.edges.append((src, dst, ts, round(float(amount), 2)))

    def plant(self, typology: str, kind: str, accounts: list[int]) -> None:
        self.planted.append(PlantedRing(typology, kind, frozenset(_name(a) for a in accounts)))

    def uniform(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def hours(self, lo: float, hi: float) -> int:
        return int(self.rng.uniform(lo, hi) * HOUR)


def generate(cfg: GeneratorConfig) -> GeneratedSet:
    """The full set: background, planted rings of every typology, look-alikes."""
    b = _Builder(cfg)
    for plant in PLANTERS.values():
        for _ in range(cfg.rings_per_typology):
            plant(b)
    for name, make in LOOKALIKES.items():
        b.lookalikes[name] = set()
        for _ in range(getattr(cfg, name)):
            b.lookalikes[name].update(_name(a) for a in make(b))
    src, dst, ts, amount = _background(cfg, b.rng)
    planted = np.array(b.edges, dtype=np.float64).reshape(-1, 4)
    all_src = np.concatenate([src, planted[:, 0].astype(np.int64)])
    all_dst = np.concatenate([dst, planted[:, 1].astype(np.int64)])
    all_ts = np.concatenate([ts, planted[:, 2].astype(np.int64)])
    all_amount = np.concatenate([amount, planted[:, 3]])
    ids = np.array([f"t{i:08d}" for i in range(all_src.shape[0])], dtype=object)
    names = np.array([_name(a) for a in range(cfg.accounts)], dtype=object)
    frame = frame_from_columns(ids, names[all_src], names[all_dst], all_ts, all_amount)
    return GeneratedSet(frame, b.planted, b.lookalikes)


def _name(account: int) -> str:
    return f"AC{account:07d}"


def _activity(cfg: GeneratorConfig, rng: np.random.Generator) -> np.ndarray:
    return rng.pareto(1.3, cfg.accounts) + 0.05


def _background(cfg: GeneratorConfig, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    weight = _activity(cfg, np.random.default_rng(cfg.seed + 1))
    p = weight / weight.sum()
    src = rng.choice(cfg.accounts, cfg.background, p=p)
    dst = rng.choice(cfg.accounts, cfg.background, p=np.roll(p, 7))  # busy payers != busy payees
    clash = src == dst
    dst[clash] = (dst[clash] + 1) % cfg.accounts
    ts = START + rng.integers(0, cfg.days * DAY, cfg.background)
    amount = np.round(rng.lognormal(np.log(180.0), 1.3, cfg.background), 2) + 1.0
    return src, dst, ts, amount


# --- planted typologies -------------------------------------------------------------------


def _cycle(b: _Builder) -> None:
    members = b.fresh(int(b.rng.integers(3, 8)))
    t, amount = b.time(), b.uniform(3_000, 50_000)
    for src, dst in zip(members, [*members[1:], members[0]], strict=True):
        b.add(src, dst, t, amount)
        t, amount = t + b.hours(1, 30), amount * b.uniform(0.96, 0.995)
    b.plant("cycle", "cycle", members)


def _fan_in(b: _Builder) -> None:
    """Half move the money on at once (a transit hub); half are AMLSim-style: similar amounts
    collected and left there."""
    hub, exit_account = b.fresh(2)
    senders = b.fresh(int(b.rng.integers(6, 16)))
    t0, total, transit = b.time(), 0.0, b.rng.random() < 0.5
    base = b.uniform(1_500, 9_000)
    for s in senders:
        amount = b.uniform(1_000, 9_900) if transit else base * b.uniform(0.95, 1.05)
        b.add(s, hub, t0 + b.hours(0, 48), amount)
        total += amount
    if transit:
        b.add(hub, exit_account, t0 + b.hours(50, 90), total * b.uniform(0.85, 0.95))
    b.plant("fan_in", "fan_in", [hub, *senders])


def _fan_out(b: _Builder) -> None:
    """Half are funded just before (a transit hub); half pay out similar amounts from balance."""
    source, hub = b.fresh(2)
    recipients = b.fresh(int(b.rng.integers(6, 16)))
    t0, transit, base = b.time(), b.rng.random() < 0.5, b.uniform(1_500, 9_000)
    amounts = [
        b.uniform(1_000, 9_900) if transit else base * b.uniform(0.95, 1.05) for _ in recipients
    ]
    if transit:
        b.add(source, hub, t0, sum(amounts) * b.uniform(1.02, 1.1))
    for r, amount in zip(recipients, amounts, strict=True):
        b.add(hub, r, t0 + b.hours(2, 48), amount)
    b.plant("fan_out", "fan_out", [hub, *recipients])


def _scatter_gather(b: _Builder) -> None:
    source, sink = b.fresh(2)
    middles = b.fresh(int(b.rng.integers(3, 9)))
    t0 = b.time()
    for m in middles:
        amount, t = b.uniform(2_000, 9_000), t0 + b.hours(0, 24)
        b.add(source, m, t, amount)
        b.add(m, sink, t + b.hours(2, 30), amount * b.uniform(0.9, 0.99))
    b.plant("scatter_gather", "scatter_gather", [source, sink, *middles])


def _gather_scatter(b: _Builder) -> None:
    hub = b.fresh(1)[0]
    senders = b.fresh(int(b.rng.integers(5, 11)))
    recipients = b.fresh(int(b.rng.integers(5, 11)))
    t0, total = b.time(), 0.0
    for s in senders:
        amount = b.uniform(1_000, 9_500)
        b.add(s, hub, t0 + b.hours(0, 36), amount)
        total += amount
    share = total * b.uniform(0.85, 0.95) / len(recipients)
    for r in recipients:
        b.add(hub, r, t0 + b.hours(40, 72), share * b.uniform(0.9, 1.1))
    b.plant("gather_scatter", "gather_scatter", [hub, *senders, *recipients])


def _layering_chain(b: _Builder) -> None:
    members = b.fresh(int(b.rng.integers(4, 8)))
    t, amount = b.time(), b.uniform(5_000, 80_000)
    for src, dst in itertools.pairwise(members):
        b.add(src, dst, t, amount)
        t, amount = t + b.hours(0.5, 6), amount * b.uniform(0.97, 0.995)
    b.plant("layering_chain", "chain", members)


def _stack(b: _Builder) -> None:
    layers = [b.fresh(int(b.rng.integers(3, 5))) for _ in range(3)]
    t = b.time()
    for upper, lower in itertools.pairwise(layers):
        for src in upper:
            for dst in lower:
                b.add(src, dst, t + b.hours(0, 10), b.uniform(1_500, 9_000))
        t += b.hours(10, 20)
    b.plant("layering_chain", "stack", [a for layer in layers for a in layer])


def _mule(b: _Builder) -> None:
    mule = b.fresh(1)[0]
    senders, receivers = b.fresh(6), b.fresh(6)
    t, used = b.time(margin_days=25), {mule}
    for _ in range(int(b.rng.integers(4, 8))):
        s, r = senders[int(b.rng.integers(0, 6))], receivers[int(b.rng.integers(0, 6))]
        amount = b.uniform(1_000, 9_000)
        b.add(s, mule, t, amount)
        b.add(mule, r, t + b.hours(2, 30), amount * b.uniform(0.9, 0.98))
        t += b.hours(24, 72)
        used.update((s, r))
    b.plant("mule", "mule", sorted(used))


def _structuring(b: _Builder) -> None:
    sender = b.fresh(1)[0]
    recipients = b.fresh(int(b.rng.integers(1, 4)))
    t = b.time()
    for _ in range(int(b.rng.integers(4, 8))):
        b.add(
            sender, recipients[int(b.rng.integers(0, len(recipients)))], t, b.uniform(9_000, 9_950)
        )
        t += b.hours(6, 48)
    b.plant("structuring", "structuring", [sender, *recipients])


def _bipartite(b: _Builder) -> None:
    senders = b.fresh(int(b.rng.integers(3, 6)))
    receivers = b.fresh(int(b.rng.integers(3, 6)))
    t0 = b.time()
    for s in senders:
        for r in receivers:
            if b.rng.random() < 0.9:
                b.add(s, r, t0 + b.hours(0, 48), b.uniform(1_000, 9_000))
    b.plant("bipartite", "bipartite", [*senders, *receivers])


PLANTERS: dict[str, Callable[[_Builder], None]] = {
    "cycle": _cycle,
    "fan_in": _fan_in,
    "fan_out": _fan_out,
    "scatter_gather": _scatter_gather,
    "gather_scatter": _gather_scatter,
    "chain": _layering_chain,
    "stack": _stack,
    "mule": _mule,
    "structuring": _structuring,
    "bipartite": _bipartite,
}


# --- legitimate look-alikes -----------------------------------------------------------------


def _payroll(b: _Builder) -> list[int]:
    """One employer pays the same staff the same salary on the 25th of every month."""
    employer = b.fresh(1)[0]
    staff = b.fresh(int(b.rng.integers(15, 60)))
    salaries = [b.uniform(2_000, 8_000) for _ in staff]
    for payday in range(24, b.cfg.days, 30):
        for person, salary in zip(staff, salaries, strict=True):
            b.add(employer, person, START + payday * DAY + b.hours(8, 12), salary)
    customers = b.fresh(10)
    for week in range(0, b.cfg.days, 7):  # revenue: a few large client payments a week
        b.add(
            customers[week % 10],
            employer,
            START + week * DAY + b.hours(0, 100),
            b.uniform(5e4, 2e5),
        )
    return [employer]


def _merchant(b: _Builder) -> list[int]:
    """A shop with a loyal clientele, paid every day, banking its takings weekly."""
    shop, owner = b.fresh(2)
    customers = b.fresh(int(b.rng.integers(60, 200)))
    takings = 0.0
    for day in range(b.cfg.days):
        for _ in range(int(b.rng.integers(5, 25))):
            amount = b.uniform(5, 300)
            b.add(
                customers[int(b.rng.integers(0, len(customers)))],
                shop,
                START + day * DAY + b.hours(8, 20),
                amount,
            )
            takings += amount
        if day % 7 == 6:
            b.add(shop, owner, START + day * DAY + b.hours(20, 23), takings * 0.7)
            takings = 0.0
    return [shop]


def _household(b: _Builder) -> list[int]:
    """Two or three people paying each other back and forth, often the same amount."""
    people = b.fresh(int(b.rng.integers(2, 4)))
    t = START + b.hours(0, 72)
    while t < START + b.cfg.days * DAY:
        src, dst = (int(x) for x in b.rng.choice(people, 2, replace=False))
        amount = b.uniform(20, 3_000)
        b.add(src, dst, t, amount)
        if b.rng.random() < 0.5:  # paid back, in full, a few days later
            b.add(dst, src, t + b.hours(24, 120), amount)
        t += b.hours(24, 120)
    return people


def _supplier_chain(b: _Builder) -> list[int]:
    """Retailer pays wholesaler pays manufacturer pays raw supplier, weeks apart."""
    firms = b.fresh(4)
    t, amount = START + b.hours(0, 240), b.uniform(20_000, 90_000)
    for src, dst in itertools.pairwise(firms):
        b.add(src, dst, t, amount)
        t, amount = t + b.hours(7 * 24, 20 * 24), amount * b.uniform(0.8, 0.95)
    return firms


LOOKALIKES: dict[str, Callable[[_Builder], list[int]]] = {
    "payroll_employers": _payroll,
    "merchants": _merchant,
    "households": _household,
    "supplier_chains": _supplier_chain,
}


def transactions_of(data: GeneratedSet) -> list[Transaction]:
    """The generated set as transactions (amounts in USD), in time order."""
    frame = data.frame
    return [
        Transaction(str(tx_id), str(frame.accounts[s]), str(frame.accounts[d]), int(t), float(a))
        for tx_id, s, d, t, a in zip(
            frame.tx_ids, frame.src, frame.dst, frame.ts, frame.amount, strict=True
        )
    ]
