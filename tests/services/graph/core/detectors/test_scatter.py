from __future__ import annotations

from services.graph.core.detectors.scatter import detect_gather_scatter, detect_scatter_gather
from services.graph.core.model import Transaction, Typology
from tests.services.graph.core.graphs import background, ctx_of, merchant, tx


def scatter_gather(middles: int = 4) -> list[Transaction]:
    out = []
    for i in range(middles):
        out.append(tx(f"a{i}", "SRC", f"MID{i}", 10 + i, 5_000))
        out.append(tx(f"b{i}", f"MID{i}", "DST", 16 + i, 4_900))
    return out


def test_scatter_gather_through_several_intermediaries_is_found() -> None:
    findings = detect_scatter_gather(ctx_of(scatter_gather(), background(5)))
    assert len(findings) == 1
    found = findings[0]
    assert found.typology is Typology.SCATTER_GATHER
    assert found.anchor == "SRC"
    assert set(found.accounts) == {"SRC", "DST", "MID0", "MID1", "MID2", "MID3"}
    assert len(found.tx_ids) == 8
    assert "over 4 intermediaries" in found.explanation


def test_intermediaries_paying_different_destinations_is_not_scatter_gather() -> None:
    spread = [
        t if not t.tx_id.startswith("b") else tx(t.tx_id, t.source, f"DST{t.tx_id}", 20, 4_900)
        for t in scatter_gather()
    ]
    assert detect_scatter_gather(ctx_of(spread)) == []


def test_two_intermediaries_are_not_enough() -> None:
    assert detect_scatter_gather(ctx_of(scatter_gather(middles=2))) == []


def gather_then_scatter() -> list[Transaction]:
    gather = [tx(f"g{i}", f"IN{i}", "POOL", 5 + 3 * i, 3_000) for i in range(6)]
    scatter = [tx(f"s{i}", "POOL", f"OUT{i}", 40 + 2 * i, 2_700) for i in range(6)]
    return gather + scatter


def test_gather_scatter_hub_is_found() -> None:
    findings = detect_gather_scatter(ctx_of(gather_then_scatter(), background(6)))
    assert [f.anchor for f in findings] == ["POOL"]
    assert findings[0].typology is Typology.GATHER_SCATTER
    assert len(findings[0].tx_ids) == 12
    assert "collected 18,000.00 USD from 6 one-off senders" in findings[0].explanation


def test_a_shop_paying_its_owner_is_not_gather_scatter() -> None:
    shop = merchant("GROCER", customers=30)
    weekly = [tx(f"bank{w}", "GROCER", "OWNER", w * 24 * 7 + 22, 5_000) for w in range(8)]
    assert detect_gather_scatter(ctx_of(shop, weekly)) == []
