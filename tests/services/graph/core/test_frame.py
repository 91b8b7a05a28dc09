from __future__ import annotations

import numpy as np
import pytest

from services.common.errors import InvalidArgument
from services.graph.core.frame import build_frame
from services.graph.core.model import Transaction
from tests.services.graph.core.graphs import T0, tx


def test_rows_are_time_sorted_and_amounts_normalised_to_usd() -> None:
    frame = build_frame([tx("late", "A", "B", 5, 100, "EUR"), tx("early", "B", "C", 1, 50)])
    assert list(frame.tx_ids) == ["early", "late"]
    assert frame.amount.tolist() == pytest.approx([50.0, 109.0])
    assert frame.names(frame.src) == ("B", "A")


def test_adjacency_lists_each_accounts_edges_in_time_order() -> None:
    frame = build_frame([tx("3", "A", "C", 3, 1), tx("1", "A", "B", 1, 1), tx("2", "B", "A", 2, 1)])
    a = frame.index_of("A")
    assert a is not None
    assert frame.tx_names(frame.out.of(a)) == ("1", "3")
    assert frame.tx_names(frame.inn.of(a)) == ("2",)
    assert frame.index_of("nobody") is None


def test_window_is_half_open() -> None:
    frame = build_frame([tx(str(h), "A", "B", h, 1) for h in range(5)])
    window = frame.window(T0 + 3600, T0 + 3 * 3600)
    assert list(window.tx_ids) == ["1", "2"]
    assert np.array_equal(window.accounts, frame.accounts)


def test_a_window_covering_the_whole_frame_is_the_frame_with_what_was_derived_from_it() -> None:
    frame = build_frame([tx(str(h), "A", "B", h, 1) for h in range(5)])
    builds: list[int] = []

    def build(value: int) -> int:
        builds.append(value)
        return value

    assert frame.derived("answer", lambda: build(42)) == 42
    window = frame.window(T0 - 3600, T0 + 10 * 3600)
    assert window is frame
    assert window.derived("answer", lambda: build(0)) == 42
    assert builds == [42]
    assert frame.window(T0, T0 + 3600) is not frame


def test_bad_transactions_are_reported_field_by_field() -> None:
    bad = [
        Transaction("dup", "A", "B", T0, 10.0),
        Transaction("dup", "A", "B", T0, 10.0),
        Transaction("neg", "A", "", T0, -1.0),
        Transaction("cur", "A", "B", T0, 1.0, "XYZ"),
    ]
    with pytest.raises(InvalidArgument) as caught:
        build_frame(bad)
    fields = {v.field for v in caught.value.violations}
    assert fields == {
        "transactions[1].tx_id",
        "transactions[2].target",
        "transactions[2].amount",
        "transactions[3].currency",
    }
