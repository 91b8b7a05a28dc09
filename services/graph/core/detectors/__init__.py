"""The typology detectors and the one call that runs them all over a frame.

Each detector is a pure function `detect_<typology>(ctx, params) -> list[Finding]`; its
docstring is its documentation. `run_detectors` runs the enabled ones over one frame and
scope, sharing the derived indexes (hop pairs, adjacency) between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from services.graph.core.detectors.base import DetectionContext
from services.graph.core.detectors.bipartite import BipartiteParams, detect_bipartite
from services.graph.core.detectors.chains import ChainParams, detect_layering_chains
from services.graph.core.detectors.cycles import CycleParams, detect_cycles
from services.graph.core.detectors.fan import FanParams, detect_fan_in, detect_fan_out
from services.graph.core.detectors.mule import MuleParams, detect_mules
from services.graph.core.detectors.scatter import (
    GatherScatterParams,
    ScatterGatherParams,
    detect_gather_scatter,
    detect_scatter_gather,
)
from services.graph.core.detectors.structuring import StructuringParams, detect_structuring
from services.graph.core.frame import TransactionFrame
from services.graph.core.hops import HopRule
from services.graph.core.model import Finding, Typology
from services.graph.core.scope import EVERYTHING, Scope

__all__ = ["DetectionResult", "DetectorConfig", "run_detectors"]


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Every detector's parameters, and which typologies to run."""

    cycles: CycleParams = field(default_factory=CycleParams)
    fan: FanParams = field(default_factory=FanParams)
    scatter_gather: ScatterGatherParams = field(default_factory=ScatterGatherParams)
    gather_scatter: GatherScatterParams = field(default_factory=GatherScatterParams)
    chains: ChainParams = field(default_factory=ChainParams)
    mules: MuleParams = field(default_factory=MuleParams)
    structuring: StructuringParams = field(default_factory=StructuringParams)
    bipartite: BipartiteParams = field(default_factory=BipartiteParams)
    enabled: frozenset[Typology] = frozenset(Typology)

    @property
    def lookahead(self) -> int:
        """How long after its start a pattern may still be growing (seconds)."""
        return max(
            self.cycles.max_span,
            self.scatter_gather.window + self.scatter_gather.hop.max_gap,
            self.gather_scatter.fan.window * 2 + self.gather_scatter.follow_within,
            self.chains.max_span,
            self.mules.period + self.mules.hop.max_gap,
            self.structuring.period,
            self.bipartite.window * 2,
            self.fan.window * 2,
        )

    @property
    def hop_cover(self) -> HopRule:
        """One rule covering every detector's hop rule: the pairs are joined once, for it."""
        return HopRule.union(
            (self.cycles.hop, self.scatter_gather.hop, self.chains.hop, self.mules.hop)
        )

    @property
    def context(self) -> int:
        """Data a partition must read on each side of the patterns it owns (seconds): the
        longest pattern plus the longest history a feature compares against."""
        return self.lookahead + max(
            self.fan.history, self.gather_scatter.fan.history, self.cycles.relationship_horizon
        )


@dataclass(frozen=True, slots=True)
class DetectionResult:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


def _runners(config: DetectorConfig) -> dict[Typology, Callable[[DetectionContext], list[Finding]]]:
    return {
        Typology.CYCLE: lambda ctx: detect_cycles(ctx, config.cycles),
        Typology.FAN_IN: lambda ctx: detect_fan_in(ctx, config.fan),
        Typology.FAN_OUT: lambda ctx: detect_fan_out(ctx, config.fan),
        Typology.SCATTER_GATHER: lambda ctx: detect_scatter_gather(ctx, config.scatter_gather),
        Typology.GATHER_SCATTER: lambda ctx: detect_gather_scatter(ctx, config.gather_scatter),
        Typology.LAYERING_CHAIN: lambda ctx: detect_layering_chains(ctx, config.chains),
        Typology.MULE: lambda ctx: detect_mules(ctx, config.mules),
        Typology.STRUCTURING: lambda ctx: detect_structuring(ctx, config.structuring),
        Typology.BIPARTITE: lambda ctx: detect_bipartite(ctx, config.bipartite),
    }


def run_detectors(
    frame: TransactionFrame, scope: Scope = EVERYTHING, config: DetectorConfig | None = None
) -> DetectionResult:
    """Every enabled detector over `frame`, keeping the findings `scope` owns, de-duplicated."""
    cfg = config or DetectorConfig()
    ctx = DetectionContext(frame, scope, hop_cover=cfg.hop_cover)
    findings: dict[str, Finding] = {}
    for typology, run in _runners(cfg).items():
        if typology in cfg.enabled:
            for finding in run(ctx):
                if scope.owns(finding.anchor, finding.start):
                    findings.setdefault(finding.key, finding)
    return DetectionResult(tuple(findings.values()), tuple(ctx.notes))
