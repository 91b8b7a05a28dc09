from __future__ import annotations

from services.graph.core.risk import propagate_risk
from tests.services.graph.core.graphs import frame_of, tx


def test_risk_decays_with_distance_from_the_known_bad_account() -> None:
    line = [tx(f"e{i}", f"N{i}", f"N{i + 1}", i, 100) for i in range(6)]
    risk = propagate_risk(frame_of(line), ["N0"])
    assert risk["N0"] == 1.0
    assert risk["N1"] > risk["N2"] > risk["N3"] > risk.get("N5", 0.0)


def test_an_unconnected_account_gets_no_risk() -> None:
    transfers = [tx("a", "BAD", "NEAR", 0, 100), tx("b", "FAR1", "FAR2", 1, 100)]
    risk = propagate_risk(frame_of(transfers), ["BAD"])
    assert risk["NEAR"] > 0
    assert "FAR1" not in risk
    assert "FAR2" not in risk


def test_no_known_bad_accounts_means_no_risk() -> None:
    transfers = [tx("a", "X", "Y", 0, 100)]
    assert propagate_risk(frame_of(transfers), []) == {}
    assert propagate_risk(frame_of(transfers), ["not-a-customer"]) == {}
