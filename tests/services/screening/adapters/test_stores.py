"""The SQL stores on SQLite and PostgreSQL: round trips, encryption at rest, idempotency."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from services.common.crypto import development_key_ring
from services.common.db import Database
from services.screening.adapters.stores import SqlCustomerStore, SqlSuppressionStore
from services.screening.adapters.tables import screening_customers
from services.screening.ports import Partition, Suppression
from tests.services.screening.support import NOW, PUTIN
from watchlists.model import PartialDate


def test_customer_round_trip_and_party_is_encrypted_at_rest(
    database: Database, tmp_path: Path
) -> None:
    store = SqlCustomerStore(database, development_key_ring(tmp_path))
    customer = dataclasses.replace(PUTIN, id="cust-42", source="")
    stored = store.upsert(customer, NOW)
    assert stored.party_hash == customer.content_hash()
    loaded = store.get("cust-42")
    assert loaded is not None
    assert loaded.party == customer
    with database.read() as conn:
        raw = conn.execute(sa.select(screening_customers.c.party_ciphertext)).scalar_one()
    assert b"PUTIN" not in raw
    assert b"1952" not in raw


def test_customer_update_changes_the_hash_and_keeps_enrolment(
    database: Database, tmp_path: Path
) -> None:
    store = SqlCustomerStore(database, development_key_ring(tmp_path))
    first = store.upsert(dataclasses.replace(PUTIN, id="c1", source=""), NOW)
    changed = dataclasses.replace(PUTIN, id="c1", source="", birth_dates=(PartialDate(1953),))
    second = store.upsert(changed, NOW.replace(year=2027))
    assert second.party_hash != first.party_hash
    assert second.enrolled_at == NOW
    assert [c.reference for c in store.iterate(batch_size=1)] == ["c1"]


def test_iterate_pages_through_every_customer(database: Database, tmp_path: Path) -> None:
    store = SqlCustomerStore(database, development_key_ring(tmp_path))
    for i in range(5):
        store.upsert(dataclasses.replace(PUTIN, id=f"c{i}", source=""), NOW)
    assert [c.reference for c in store.iterate(batch_size=2)] == [f"c{i}" for i in range(5)]
    halves = [[c.reference for c in store.iterate(2, Partition(i, 2))] for i in range(2)]
    assert sorted(halves[0] + halves[1]) == [f"c{i}" for i in range(5)]
    assert halves[0]
    assert halves[1]


def test_suppressions_are_idempotent_and_keyed_on_both_hashes(database: Database) -> None:
    store = SqlSuppressionStore(database)
    item = Suppression("c1", "ofac:1", "a" * 64, "b" * 64, "not him", "officer", NOW)
    store.add(item)
    store.add(item)
    assert store.is_suppressed("c1", "ofac:1", "a" * 64, "b" * 64)
    assert not store.is_suppressed("c1", "ofac:1", "a" * 64, "c" * 64)
    assert not store.is_suppressed("c1", "ofac:1", "d" * 64, "b" * 64)
