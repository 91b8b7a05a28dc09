from __future__ import annotations

from services.graph.core.detectors.mule import detect_mules
from services.graph.core.model import Typology
from tests.services.graph.core.graphs import background, ctx_of, tx


def test_account_relaying_money_again_and_again_is_a_mule() -> None:
    relays = []
    for i in range(4):
        relays.append(tx(f"in{i}", f"VICTIM{i}", "MULE", 48 * i, 3_000 + 500 * i))
        relays.append(tx(f"out{i}", "MULE", f"BOSS{i % 2}", 48 * i + 6, (3_000 + 500 * i) * 0.95))
    findings = detect_mules(ctx_of(relays, background(8)))
    assert [f.anchor for f in findings] == ["MULE"]
    found = findings[0]
    assert found.typology is Typology.MULE
    assert len(found.tx_ids) == 8
    assert "forwarded each one" in found.explanation
    assert "100% of the" in found.explanation


def test_paying_back_the_sender_is_not_passing_money_through() -> None:
    household = []
    for i in range(6):
        household.append(tx(f"lend{i}", "SISTER", "BROTHER", 72 * i, 800))
        household.append(tx(f"back{i}", "BROTHER", "SISTER", 72 * i + 20, 800))
    assert detect_mules(ctx_of(household)) == []


def test_a_salary_spent_in_small_amounts_is_not_a_mule() -> None:
    life = [tx(f"sal{m}", "EMPLOYER", "WORKER", m * 720, 3_000) for m in range(3)]
    life += [tx(f"buy{d}", "WORKER", f"SHOP{d % 7}", d * 24 + 12, 60) for d in range(90)]
    assert detect_mules(ctx_of(life)) == []
