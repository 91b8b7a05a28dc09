from __future__ import annotations

from services.graph.core.detectors.bipartite import detect_bipartite
from services.graph.core.model import Transaction, Typology
from tests.services.graph.core.graphs import background, ctx_of, tx


def dense_layer(senders: int = 4, receivers: int = 4) -> list[Transaction]:
    return [
        tx(f"b{s}-{r}", f"SEND{s}", f"RECV{r}", 10 + s * 2 + r, 2_000 + 10 * s)
        for s in range(senders)
        for r in range(receivers)
    ]


def test_dense_one_off_many_to_many_transfer_is_bipartite_layering() -> None:
    findings = detect_bipartite(ctx_of(dense_layer(), background(10)))
    assert len(findings) == 1
    found = findings[0]
    assert found.typology is Typology.BIPARTITE
    assert set(found.accounts) == {*(f"SEND{i}" for i in range(4)), *(f"RECV{i}" for i in range(4))}
    assert len(found.tx_ids) == 16
    assert "using 100% of the possible sender-receiver pairs" in found.explanation


def test_customers_of_the_same_busy_shops_are_not_bipartite() -> None:
    crowd = [
        tx(f"c{c}-{s}", f"CUST{c}", f"SHOP{s}", c * 0.5 + s, 3_000)
        for c in range(6)
        for s in range(3)
    ]
    regulars = [
        tx(f"o{s}-{p}", f"PAYER{p}", f"SHOP{s}", 200 + p, 50) for s in range(3) for p in range(100)
    ]
    assert detect_bipartite(ctx_of(crowd, regulars)) == []


def test_two_by_two_is_too_small() -> None:
    assert detect_bipartite(ctx_of(dense_layer(2, 2))) == []


def test_a_busy_payer_is_not_taken_for_a_member_of_the_burst() -> None:
    # SEND0 also pays 40 other people in the same days: it meets the others by chance.
    busy = [tx(f"busy{i}", "SEND0", f"SHOPPER{i}", 5 + i * 0.5, 40) for i in range(40)]
    findings = detect_bipartite(ctx_of(dense_layer(), busy))
    assert len(findings) == 1
    assert "SEND0" not in findings[0].accounts
    assert {f"SEND{i}" for i in range(1, 4)} <= set(findings[0].accounts)
