from __future__ import annotations

from services.graph.core.detectors.fan import detect_fan_in, detect_fan_out
from services.graph.core.model import Transaction, Typology
from tests.services.graph.core.graphs import background, ctx_of, merchant, payroll, tx


def smurfed_deposits() -> list[Transaction]:
    """Eight one-off senders pay a fresh account just under 10,000 each; it moves on at once."""
    deposits = [tx(f"s{i}", f"SMURF{i}", "HUB", 100 + 3 * i, 9_000 + 100 * i) for i in range(8)]
    return [*deposits, tx("out", "HUB", "OFFSHORE", 140, 70_000)]


def test_smurfing_fan_in_is_found_with_its_features_explained() -> None:
    findings = detect_fan_in(ctx_of(smurfed_deposits(), background(2)))
    assert [f.anchor for f in findings] == ["HUB"]
    found = findings[0]
    assert found.typology is Typology.FAN_IN
    assert set(found.accounts) == {"HUB", *(f"SMURF{i}" for i in range(8))}
    assert len(found.tx_ids) == 8
    assert "out" not in found.tx_ids
    assert found.score > 0.9
    assert "8 distinct accounts" in found.explanation
    assert "100% of these counterparties dealt with HUB only in this burst" in found.explanation


def test_fan_out_from_a_freshly_funded_hub_is_found() -> None:
    payouts = [tx(f"p{i}", "HUB", f"MULE{i}", 30 + 2 * i, 7_000) for i in range(8)]
    findings = detect_fan_out(ctx_of([tx("in", "SOURCE", "HUB", 24, 58_000), *payouts]))
    assert [(f.anchor, len(f.tx_ids)) for f in findings] == [("HUB", 8)]
    assert "had just been received" in findings[0].explanation


def test_payroll_paying_the_same_staff_every_month_stays_quiet() -> None:
    assert detect_fan_out(ctx_of(payroll("EMPLOYER", staff=25), background(3))) == []


def test_a_shop_with_returning_customers_stays_quiet() -> None:
    assert detect_fan_in(ctx_of(merchant("BAKERY", customers=40), background(4))) == []


def test_few_small_payments_do_not_make_a_burst() -> None:
    small = [tx(f"s{i}", f"FRIEND{i}", "BIRTHDAY", i, 30.0) for i in range(8)]  # sum < threshold
    assert detect_fan_in(ctx_of(small)) == []


def test_amounts_over_the_threshold_are_not_smurfing() -> None:
    big = [tx(f"b{i}", f"CORP{i}", "HOLDING", i, 50_000.0) for i in range(8)]
    assert detect_fan_in(ctx_of(big)) == []
