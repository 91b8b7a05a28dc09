from __future__ import annotations

from services.graph.core.detectors.structuring import detect_structuring
from services.graph.core.model import Typology
from tests.services.graph.core.graphs import background, ctx_of, tx


def test_repeated_amounts_just_under_the_threshold_are_structuring() -> None:
    runs = [
        tx(f"s{i}", "CASHIER", "NEPHEW", 20 * i, amount)
        for i, amount in enumerate((9_500, 9_700, 9_800, 9_600))
    ]
    findings = detect_structuring(ctx_of(runs, background(9)))
    assert [(f.anchor, f.typology) for f in findings] == [("CASHIER", Typology.STRUCTURING)]
    assert findings[0].tx_ids == ("s0", "s1", "s2", "s3")
    assert "just under the 10,000.00 USD reporting threshold" in findings[0].explanation


def test_several_senders_depositing_into_one_account_are_reported_from_the_receiver() -> None:
    deposits = [tx(f"d{i}", f"RUNNER{i}", "COLLECTOR", 10 * i, 9_400 + 10 * i) for i in range(4)]
    assert [f.anchor for f in detect_structuring(ctx_of(deposits))] == ["COLLECTOR"]


def test_monthly_rent_just_under_the_threshold_is_not_structuring() -> None:
    rent = [tx(f"r{m}", "TENANT", "LANDLORD", m * 720, 9_500) for m in range(4)]
    assert detect_structuring(ctx_of(rent)) == []


def test_a_busy_account_with_an_odd_large_payment_is_not_structuring() -> None:
    busy = [tx(f"b{i}", "COMPANY", f"SUPPLIER{i}", i * 3, 2_000) for i in range(40)]
    busy += [tx(f"n{i}", "COMPANY", "LAWYER", i * 30, 9_600) for i in range(3)]
    assert detect_structuring(ctx_of(busy)) == []
