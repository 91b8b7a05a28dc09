"""A transaction ring as a network: accounts are nodes, transactions directed edges.

Built from the case's graph alerts. What the console reads from their evidence: `transactions`
(`{id, from, to, amount, currency, at}` with the aliases case management accepts for SAR
drafting: `tx_id`/`reference`, `from_account`/`source`/`src`, `to_account`/`target`/`dst`,
`timestamp`/`time`/`booked_at`), `accounts` (ids, or `{number, holder}`), `path` (the
suspicious path as a list of accounts, e.g. a cycle) and `tx_ids` (the flagged transactions).
Edges on the path or flagged are highlighted; when the evidence names neither, every evidence
transaction is the finding and all are. The output is cytoscape.js "elements" JSON.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_NODES = 400
MAX_EDGES = 1_500
_ID = ("id", "tx_id", "reference")
_FROM = ("from", "from_account", "source", "src")
_TO = ("to", "to_account", "target", "dst")
_AT = ("at", "timestamp", "time", "booked_at")


@dataclass(frozen=True, slots=True)
class Transfer:
    """One evidence transaction."""

    id: str
    source: str
    target: str
    amount: Decimal | None
    currency: str
    at: str

    @property
    def label(self) -> str:
        amount = f"{self.amount:,.2f} {self.currency}".strip() if self.amount is not None else "?"
        return f"{amount} · {self.at[:16].replace('T', ' ')}" if self.at else amount


@dataclass
class RingGraph:
    """The network and what was left out of it."""

    transfers: list[Transfer] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # account -> holder ("" unknown)
    path: list[str] = field(default_factory=list)
    flagged: set[str] = field(default_factory=set)
    skipped: int = 0
    truncated: bool = False


def _first(item: Mapping[str, object], keys: Sequence[str]) -> str:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _amount(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def parse_transfer(item: object, index: int) -> Transfer | None:
    """A transaction from evidence JSON; None when it has no source or target account."""
    if not isinstance(item, Mapping):
        return None
    source, target = _first(item, _FROM), _first(item, _TO)
    if not source or not target:
        return None
    return Transfer(
        id=_first(item, _ID) or f"tx-{index}",
        source=source,
        target=target,
        amount=_amount(item.get("amount")),
        currency=str(item.get("currency") or ""),
        at=_first(item, _AT),
    )


def _add_accounts(graph: RingGraph, raw: object) -> None:
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and item.get("number"):
            graph.accounts[str(item["number"])] = str(item.get("holder") or "")
        elif isinstance(item, str) and item:
            graph.accounts.setdefault(item, "")


def _add_evidence(graph: RingGraph, evidence: Mapping[str, object]) -> None:
    raw = evidence.get("transactions")
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        transfer = parse_transfer(item, len(graph.transfers) + index)
        if transfer is None:
            graph.skipped += 1
        else:
            graph.transfers.append(transfer)
    _add_accounts(graph, evidence.get("accounts"))
    path = evidence.get("path")
    if isinstance(path, list) and not graph.path:
        graph.path = [str(p) for p in path if p]
    ids = evidence.get("tx_ids")
    if isinstance(ids, list):
        graph.flagged.update(str(t) for t in ids if t)


def build_ring(evidences: Iterable[Mapping[str, object]], subject: str) -> RingGraph:
    """Merge the graph evidence of a case's alerts into one network around `subject`."""
    graph = RingGraph()
    graph.accounts[subject] = ""
    for evidence in evidences:
        _add_evidence(graph, evidence)
    for transfer in graph.transfers:
        graph.accounts.setdefault(transfer.source, "")
        graph.accounts.setdefault(transfer.target, "")
    if len(graph.transfers) > MAX_EDGES or len(graph.accounts) > MAX_NODES:
        graph.truncated = True
        graph.transfers = graph.transfers[:MAX_EDGES]
    return graph


def _path_pairs(path: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(path))


def highlighted(graph: RingGraph) -> set[str]:
    """Ids of the transactions on the suspicious path (see the module docstring)."""
    pairs = _path_pairs(graph.path)
    if not pairs and not graph.flagged:
        return {t.id for t in graph.transfers}
    return {t.id for t in graph.transfers if t.id in graph.flagged or (t.source, t.target) in pairs}


def _node_totals(transfers: Iterable[Transfer]) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for t in transfers:
        if t.amount is not None:
            totals[t.source][f"out {t.currency}".strip()] += t.amount
            totals[t.target][f"in {t.currency}".strip()] += t.amount
    return totals


def cytoscape_elements(graph: RingGraph, subject: str) -> list[dict[str, object]]:
    """The network as cytoscape.js elements, each carrying what a click shows."""
    hot = highlighted(graph)
    on_path = set(graph.path) | {
        n for t in graph.transfers if t.id in hot for n in (t.source, t.target)
    }
    totals = _node_totals(graph.transfers)
    degree: dict[str, int] = defaultdict(int)
    for t in graph.transfers:
        degree[t.source] += 1
        degree[t.target] += 1
    nodes: list[dict[str, object]] = []
    for account, holder in list(graph.accounts.items())[:MAX_NODES]:
        role = "subject" if account == subject else ("path" if account in on_path else "other")
        sums = {k: f"{v:,.2f}" for k, v in sorted(totals[account].items())}
        data = {"id": account, "label": account, "role": role, "holder": holder}
        nodes.append({"group": "nodes", "data": {**data, "transfers": degree[account], **sums}})
    known = {n["data"]["id"] for n in nodes}  # type: ignore[index]
    edges: list[dict[str, object]] = [
        {
            "group": "edges",
            "data": {
                "id": f"e{i}:{t.id}",
                "tx": t.id,
                "source": t.source,
                "target": t.target,
                "label": t.label,
                "hot": "yes" if t.id in hot else "no",
            },
        }
        for i, t in enumerate(graph.transfers)
        if t.source in known and t.target in known
    ]
    return nodes + edges
