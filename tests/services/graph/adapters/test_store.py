"""The GraphStore contract, on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.errors import NotFound
from services.graph.adapters.store import SqlGraphStore
from services.graph.core.model import Finding, Transaction, Typology
from services.graph.core.rings import assemble_rings
from services.graph.ports import Booked, GraphStore, InMemoryGraphStore, SweepRecord
from tests.conftest import BACKENDS, open_database
from tests.services.graph.core.graphs import T0, chain, tx


@pytest.fixture(params=["memory", *BACKENDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    if request.param == "memory":
        yield InMemoryGraphStore()
        return
    database = open_database(request.param, request, tmp_path)
    yield SqlGraphStore(database)
    database.dispose()


def booked(*transactions: Transaction) -> list[Booked]:
    return [Booked(t, t.amount) for t in transactions]


def test_adding_transactions_is_idempotent_by_id(store: GraphStore) -> None:
    rows = booked(*chain("c", ["A", "B", "C"], 0, 1, 1_000, 0.9))
    assert store.add_transactions(rows) == 2
    assert store.add_transactions(rows) == 0
    assert store.add_transactions([*rows, *booked(tx("new", "C", "D", 5, 10))]) == 1
    assert store.existing_ids(["c0", "zz"]) == {"c0"}
    assert store.time_range() == (T0, T0 + 5 * 3600)
    assert store.latest_of("C") == T0 + 5 * 3600
    assert store.latest_of("nobody") is None


def test_a_window_loads_as_a_frame(store: GraphStore) -> None:
    store.add_transactions(booked(*[tx(f"t{h}", "A", "B", h, 10 + h) for h in range(6)]))
    frame = store.load_frame(T0 + 3600, T0 + 4 * 3600)
    assert list(frame.tx_ids) == ["t1", "t2", "t3"]
    assert frame.amount.tolist() == [11.0, 12.0, 13.0]


def test_neighbourhood_is_breadth_first_within_the_window_and_capped(store: GraphStore) -> None:
    store.add_transactions(
        booked(
            tx("ab", "A", "B", 1, 10),
            tx("bc", "B", "C", 2, 10),
            tx("cd", "C", "D", 3, 10),
            tx("old", "A", "Z", -100, 10),
        )
    )
    span = (T0, T0 + 10 * 3600)
    edges, truncated = store.neighbourhood("A", 2, span, 100)
    assert [e.tx.tx_id for e in edges] == ["ab", "bc"]
    assert not truncated
    edges, truncated = store.neighbourhood("B", 1, span, 1)
    assert len(edges) == 1
    assert truncated


def finding(key_tx: str, account: str) -> Finding:
    return Finding(
        Typology.MULE, account, (account, "X"), (key_tx,), (1.0,), T0, T0 + 1, 0.7, "why"
    )


def test_partitions_are_saved_once_and_sweeps_finish(store: GraphStore) -> None:
    record = store.create_sweep(
        SweepRecord("s1", T0, T0 + 10, ({"key": "p1"}, {"key": "p2"}), "running")
    )
    assert store.create_sweep(record).id == "s1"  # a redelivered coordinator finds the same plan
    assert store.save_partition("s1", "p1", [finding("t1", "A")], ["note"])
    assert not store.save_partition("s1", "p1", [finding("t9", "Z")], [])  # a retry is a no-op
    assert store.finished_partitions("s1") == {"p1"}
    assert [[f.tx_ids for f in part] for part in store.partition_findings("s1")] == [[("t1",)]]
    assert store.claim_merge("s1")
    store.finish_sweep("s1", {"rings": 0})
    assert not store.claim_merge("s1")
    assert store.get_sweep("s1").state == "done"
    assert store.last_finished_until() == T0 + 10
    with pytest.raises(NotFound):
        store.get_sweep("nope")


def test_rings_are_upserted_and_indexed_by_finding_and_account(store: GraphStore) -> None:
    ring = assemble_rings([finding("t1", "A")])[0]
    assert store.upsert_ring(ring, "s1")
    assert not store.upsert_ring(ring, "s2")
    assert store.fingerprints_for([ring.findings[0].key, "other"]) == {
        ring.findings[0].key: ring.fingerprint
    }
    assert [r.fingerprint for r in store.rings(10, 0.0)] == [ring.fingerprint]
    assert store.rings(10, 0.99) == []
    assert [r.fingerprint for r in store.rings_of("X")] == [ring.fingerprint]
    assert store.rings_of("nobody") == []


def test_known_bad_accounts(store: GraphStore) -> None:
    store.add_known_bad("EVIL", "sanctioned")
    store.add_known_bad("EVIL", "again")
    assert store.known_bad() == {"EVIL"}
