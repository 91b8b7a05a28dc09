from __future__ import annotations

from services.graph.core.frame import build_frame
from services.graph.core.hops import HopRule, successor_pairs
from services.graph.core.model import HOUR, Transaction
from tests.services.graph.core.graphs import tx


def pairs(transactions: list[Transaction], rule: HopRule) -> set[tuple[str, str]]:
    frame = build_frame(transactions)
    succ = successor_pairs(frame, rule)
    return {
        (str(frame.tx_ids[a]), str(frame.tx_ids[b]))
        for a, b in zip(succ.first, succ.nxt, strict=True)
    }


RULE = HopRule(max_gap=10 * HOUR, min_ratio=0.8)


def test_a_hop_continues_a_transfer_only_later_smaller_and_soon() -> None:
    found = pairs(
        [
            tx("in", "A", "M", 10, 1_000),
            tx("ok", "M", "B", 12, 950),
            tx("before", "M", "C", 9, 950),
            tx("bigger", "M", "D", 12, 1_100),
            tx("too_small", "M", "E", 12, 700),
            tx("too_late", "M", "F", 21, 950),
        ],
        RULE,
    )
    assert found == {("in", "ok")}


def test_same_timestamp_hops_chain_in_file_order() -> None:
    # AMLSim stamps whole days: two hops of one day must still chain, in the order listed.
    found = pairs([tx("first", "A", "M", 0, 1_000), tx("second", "M", "B", 0, 990)], RULE)
    assert found == {("first", "second")}


def test_self_transfers_never_take_part() -> None:
    found = pairs([tx("self", "M", "M", 0, 1_000), tx("on", "M", "B", 1, 990)], RULE)
    assert found == set()
