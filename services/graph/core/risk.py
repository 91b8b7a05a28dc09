"""Risk propagation from known-bad accounts (personalised PageRank).

An account that trades with a sanctioned customer, or with accounts that do, deserves a closer
look even when no typology fired on it. A random walk that restarts at the known-bad accounts
(personalised PageRank) measures exactly that closeness, weighted by how much the accounts
trade. It runs on a scipy sparse matrix (power iteration), so it scales to the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from services.graph.core.frame import FloatArray, TransactionFrame


@dataclass(frozen=True, slots=True)
class RiskParams:
    """`damping` is the chance the walk follows a transfer rather than restarting at a
    known-bad account: lower keeps the risk closer to the seeds."""

    damping: float = 0.7
    iterations: int = 60
    tolerance: float = 1e-10


def propagate_risk(
    frame: TransactionFrame, known_bad: Iterable[str], params: RiskParams | None = None
) -> dict[str, float]:
    """Risk in [0, 1] per account near a known-bad one (seeds get 1.0).

    Transfers count in both directions (laundering risk flows both ways along a relationship);
    the PageRank mass is divided by the mean mass on a seed so scores read as "how close to a
    known-bad account", then capped at 1. Unknown seeds are ignored; no seeds, no risk.
    """
    p = params or RiskParams()
    seeds = [i for a in known_bad if (i := frame.index_of(a)) is not None]
    if not seeds or len(frame) == 0:
        return {}
    rank = _personalised_pagerank(_transition(frame), seeds, p)
    reference = float(rank[seeds].mean())
    risk = np.minimum(rank / reference, 1.0) if reference > 0 else rank
    risk[seeds] = 1.0
    keep = np.flatnonzero(risk > 1e-4)
    return {str(frame.accounts[i]): round(float(risk[i]), 4) for i in keep.tolist()}


def _transition(frame: TransactionFrame) -> csr_matrix:
    """Row-stochastic, symmetric-by-construction transfer-count matrix."""
    n = frame.n_accounts
    rows = np.concatenate([frame.src, frame.dst])
    cols = np.concatenate([frame.dst, frame.src])
    weights = csr_matrix((np.ones(rows.shape[0]), (rows, cols)), shape=(n, n))
    out_weight = np.asarray(weights.sum(axis=1)).ravel()
    scale = np.divide(1.0, out_weight, out=np.zeros(n), where=out_weight > 0)
    return csr_matrix(weights.multiply(scale[:, None]))


def _personalised_pagerank(transition: csr_matrix, seeds: list[int], p: RiskParams) -> FloatArray:
    n = transition.shape[0]
    restart = np.zeros(n)
    restart[seeds] = 1.0 / len(seeds)
    rank = restart.copy()
    step = transition.T.tocsr()
    for _ in range(p.iterations):
        nxt = p.damping * (step @ rank) + (1 - p.damping) * restart
        # Mass that reached accounts with no transfers restarts at the seeds.
        nxt += restart * (1.0 - nxt.sum())
        if np.abs(nxt - rank).sum() < p.tolerance:
            return np.asarray(nxt, dtype=np.float64)
        rank = nxt
    return np.asarray(rank, dtype=np.float64)
