from __future__ import annotations

from services.graph.core.frame import build_frame
from services.graph.core.hops import HopRule, successor_pairs
from services.graph.core.model import HOUR, Transaction
from tests.services.graph.core.graphs import background, tx


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


def test_a_narrower_rule_filtered_from_a_covering_one_gives_the_same_pairs() -> None:
    frame = build_frame(background(5, accounts=40, transfers=2_000, days=20))
    cover = HopRule(max_gap=48 * HOUR, min_ratio=0.5)
    for rule in (RULE, HopRule(max_gap=24 * HOUR, min_ratio=0.9), cover):
        assert cover.covers(rule)
        direct = successor_pairs(frame, rule)
        filtered = successor_pairs(frame, cover).restricted(frame, rule)
        assert direct.first.tolist() == filtered.first.tolist()
        assert direct.nxt.tolist() == filtered.nxt.tolist()
        assert direct.ptr.tolist() == filtered.ptr.tolist()
    assert len(successor_pairs(frame, RULE)) > 0


def test_the_union_of_rules_covers_each_of_them() -> None:
    rules = [RULE, HopRule(max_gap=96 * HOUR, min_ratio=0.9), HopRule(min_ratio=0.85)]
    union = HopRule.union(rules)
    assert all(union.covers(r) for r in rules)
    assert union == HopRule(max_gap=96 * HOUR, min_ratio=0.8)
    assert not RULE.covers(union)
