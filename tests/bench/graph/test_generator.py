from __future__ import annotations

from bench.graph.accuracy import evaluate
from services.graph.core.detectors import run_detectors
from services.graph.core.rings import assemble_rings
from services.graph.synthetic import PLANTERS, GeneratorConfig, generate

SMALL = GeneratorConfig(seed=3, accounts=4_000, background=30_000, days=60, rings_per_typology=3)


def test_the_same_seed_generates_the_same_set() -> None:
    a, b = generate(SMALL), generate(SMALL)
    assert list(a.frame.tx_ids) == list(b.frame.tx_ids)
    assert a.frame.amount.tolist() == b.frame.amount.tolist()
    assert [p.accounts for p in a.planted] == [p.accounts for p in b.planted]
    assert len(a.planted) == 3 * len(PLANTERS)


def test_detection_recalls_the_planted_rings_and_leaves_look_alikes_alone() -> None:
    data = generate(SMALL)
    result = evaluate(data, assemble_rings(run_detectors(data.frame).findings))
    assert result.ring_recall >= 0.9
    assert result.ring_precision >= 0.9
    assert sum(result.lookalike_rings.values()) <= 1
