from __future__ import annotations

from services.graph.core.detectors.cycles import detect_cycles
from services.graph.core.model import Transaction, Typology
from tests.services.graph.core.graphs import background, chain, ctx_of, tx


def four_cycle() -> list[Transaction]:
    return chain(
        "c", ["A", "B", "C", "D", "A"], start_hours=10, gap_hours=5, amount=9_000, keep=0.98
    )


def test_time_respecting_decaying_cycle_is_found_once_from_its_first_transfer() -> None:
    findings = detect_cycles(ctx_of(four_cycle(), background(1)))
    cycles = [f for f in findings if set(f.accounts) == {"A", "B", "C", "D"}]
    assert len(cycles) == 1
    found = cycles[0]
    assert found.typology is Typology.CYCLE
    assert found.anchor == "A"
    assert found.tx_ids == ("c0", "c1", "c2", "c3")
    assert found.amounts[0] == 9_000.0
    assert found.end - found.start == 15 * 3600
    assert 0.5 <= found.score < 1.0
    assert "came back to it 15.0 h later" in found.explanation


def test_a_hop_earlier_than_the_previous_one_breaks_the_cycle() -> None:
    hops = four_cycle()
    hops[2] = tx("c2", "C", "D", 1, 9_000 * 0.98**2)  # C pays D before C was paid
    assert detect_cycles(ctx_of(hops)) == []


def test_amounts_must_shrink_by_a_plausible_fee() -> None:
    growing = chain("g", ["A", "B", "C", "A"], 0, 5, 5_000, keep=1.05)
    big_fee = chain("f", ["P", "Q", "R", "P"], 0, 5, 5_000, keep=0.5)
    assert detect_cycles(ctx_of(growing, big_fee)) == []


def test_no_fee_at_all_is_still_a_cycle() -> None:
    exact = chain("x", ["A", "B", "C", "A"], 0, 5, 5_000, keep=1.0)
    assert len(detect_cycles(ctx_of(exact))) == 1


def test_two_party_back_and_forth_is_not_a_cycle() -> None:
    household = [tx(f"h{i}", "MUM", "SON", i * 48, 200.0) for i in range(5)]
    household += [tx(f"r{i}", "SON", "MUM", i * 48 + 20, 200.0) for i in range(5)]
    assert detect_cycles(ctx_of(household)) == []


def test_supplier_chain_weeks_apart_is_too_slow_to_be_a_cycle() -> None:
    slow = chain("s", ["RETAIL", "WHOLESALE", "FACTORY", "RETAIL"], 0, 24 * 14, 50_000, 0.95)
    assert detect_cycles(ctx_of(slow)) == []


def test_family_paying_each_other_around_is_an_established_relationship() -> None:
    family = []
    for week in range(6):  # three relatives settle up with each other every week
        family += chain(f"w{week}-", ["ANN", "BOB", "CAT", "ANN"], week * 24 * 7, 20, 300, 0.95)
    assert detect_cycles(ctx_of(family)) == []


def test_cycles_longer_than_the_bound_are_not_reported() -> None:
    accounts = [f"L{i}" for i in range(10)] + ["L0"]
    assert detect_cycles(ctx_of(chain("l", accounts, 0, 2, 9_000, 0.99))) == []
