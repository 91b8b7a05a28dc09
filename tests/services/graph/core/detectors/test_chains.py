from __future__ import annotations

from services.graph.core.detectors.chains import detect_layering_chains
from services.graph.core.model import Typology
from tests.services.graph.core.graphs import background, chain, ctx_of


def test_funds_passing_through_several_accounts_within_hours_are_found() -> None:
    layered = chain("l", ["A", "B", "C", "D", "E"], 30, 2, 20_000, 0.98)
    findings = detect_layering_chains(ctx_of(layered, background(7)))
    assert len(findings) == 1
    found = findings[0]
    assert found.typology is Typology.LAYERING_CHAIN
    assert found.accounts == ("A", "B", "C", "D", "E")
    assert found.tx_ids == ("l0", "l1", "l2", "l3")
    assert "moved through 5 accounts in 6.0 h" in found.explanation


def test_the_chain_is_reported_from_its_head_only() -> None:
    layered = chain("l", ["A", "B", "C", "D", "E", "F"], 0, 1, 20_000, 0.99)
    assert [f.anchor for f in detect_layering_chains(ctx_of(layered))] == ["A"]


def test_supplier_chain_weeks_apart_stays_quiet() -> None:
    supply = chain("s", ["SHOP", "WHOLESALER", "FACTORY", "MINE"], 0, 24 * 10, 80_000, 0.85)
    assert detect_layering_chains(ctx_of(supply)) == []


def test_small_sums_and_short_chains_stay_quiet() -> None:
    small = chain("m", ["A", "B", "C", "D", "E"], 0, 2, 500, 0.98)
    short = chain("s", ["P", "Q", "R"], 0, 2, 20_000, 0.98)
    assert detect_layering_chains(ctx_of(small, short)) == []
