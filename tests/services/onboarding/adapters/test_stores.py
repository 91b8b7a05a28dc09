"""One contract, every adapter: the in-memory stores and the SQL ones on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.alerts import Severity
from services.common.crypto import KeyRing, generate_key_spec
from services.common.errors import AlreadyExists, NotFound
from services.onboarding.adapters.applications import SqlApplicationStore
from services.onboarding.adapters.customers import SqlCustomerStore
from services.onboarding.adapters.keys import SqlDataKeyStore
from services.onboarding.adapters.tables import (
    onboarding_applications,
    onboarding_customers,
    onboarding_evidence,
)
from services.onboarding.core.application import ApplicationState
from services.onboarding.core.checks import (
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ScreeningOutcome,
)
from services.onboarding.core.customer import CustomerStatus, mark_shredded
from services.onboarding.core.policy import Outcome
from services.onboarding.core.risk import RingInvolvement
from services.onboarding.evaluation import decide_application, verify_application
from services.onboarding.handlers import (
    ResolveReview,
    end_relationship,
    link_account,
    raise_due_reviews,
    rerate_customers,
    resolve_review,
    set_legal_hold,
)
from services.onboarding.pii import CustomerShredded, InMemoryDataKeyStore, PiiVault
from tests.conftest import open_database
from tests.services.onboarding.factories import hit
from tests.services.onboarding.world import World, applicant, command

BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A World whose stores and key store are the adapter under test."""
    world = World(screening_outcomes={"Petrov": ScreeningOutcome((hit(),))})
    if request.param == "memory":
        yield world
        return
    db = open_database(request.param, request, tmp_path)
    world.vault = PiiVault(KeyRing.parse(generate_key_spec()), SqlDataKeyStore(db))
    world.customers = SqlCustomerStore(db, world.vault)  # type: ignore[assignment]
    world.applications = SqlApplicationStore(db, world.vault)  # type: ignore[assignment]
    world.db = db  # type: ignore[attr-defined]
    yield world
    db.dispose()


def test_application_is_idempotent_by_owner_and_request_id(world: World) -> None:
    first = world.submit(command("r"))
    assert world.submit(command("r")) == first
    with pytest.raises(AlreadyExists) as caught:
        world.submit(command("r", applicant("Other")))
    assert caught.value.reason == "REQUEST_ID_REUSED"
    stored = world.applications.get(first[1])
    assert stored.applicant == applicant()
    assert stored.state is ApplicationState.RECEIVED
    with pytest.raises(NotFound):
        world.applications.get("app_missing")


def test_evidence_round_trips_in_order(world: World) -> None:
    _, application_id = world.submit(command())
    cmd = command()
    assert world.applications.evidence(application_id) == cmd.evidence


def test_identity_is_recorded_once(world: World) -> None:
    _, application_id = world.submit(command())
    declined = IdentityOutcome(
        IdentityVerdict.DECLINED, frozenset({IdentityFinding.FACE_MISMATCH}), "idv_9"
    )
    world.applications.record_identity(application_id, declined)
    world.applications.record_identity(application_id, None)  # a late duplicate changes nothing
    stored = world.applications.get(application_id)
    assert (stored.state, stored.identity) == (ApplicationState.VERIFIED, declined)


def test_identity_not_run_is_kept_apart_from_not_yet(world: World) -> None:
    _, application_id = world.submit(command())
    world.applications.record_identity(application_id, None)
    stored = world.applications.get(application_id)
    assert (stored.state, stored.identity) == (ApplicationState.VERIFIED, None)


def test_decision_creates_the_customer_once_with_its_record(world: World) -> None:
    result = world.onboard(command(who=applicant("Petrov")))
    again = decide_application(result.application_id, world.evaluation)
    assert again == result
    stored = world.applications.get(result.application_id)
    assert stored.decision is not None
    assert stored.decision.outcome is Outcome.PENDING_REVIEW
    assert stored.checks is not None
    assert stored.checks.screening == ScreeningOutcome((hit(),))
    customer = world.customers.get(result.customer_id)
    assert customer.status is CustomerStatus.PENDING
    assert customer.personal == applicant("Petrov").personal
    assert customer.risk_inputs is not None
    assert customer.risk_inputs.checks == stored.checks
    assert customer.rating.factors
    assert customer.rating.level.value == "medium"


def test_customer_updates_round_trip(world: World) -> None:
    result = world.onboard(command())
    deps = world.customer_deps
    link_account(result.customer_id, "acc_1", deps)
    link_account(result.customer_id, "acc_2", deps)
    ring = RingInvolvement("ring:1", "fan_in", Severity.HIGH, ("acc_2", "acc_x"))
    assert rerate_customers((result.customer_id,), ring, deps) == (result.customer_id,)
    set_legal_hold(result.customer_id, "court order 17", "legal", deps)
    customer = world.customers.get(result.customer_id)
    assert customer.accounts == {"acc_1", "acc_2"}
    assert [r.level.value for r in customer.ratings] == ["low", "high"]
    assert customer.risk_inputs is not None
    assert customer.risk_inputs.events == (ring,)
    assert customer.legal_hold is not None
    assert customer.legal_hold.reference == "court order 17"
    assert world.customers.owners_of(frozenset({"acc_2", "nobody"})) == {
        result.customer_id: frozenset({"acc_1", "acc_2"})
    }
    assert world.customers.owners_of(frozenset()) == {}


def test_rerating_skips_parties_onboarding_does_not_hold(world: World) -> None:
    """Screening also monitors parties registered through ScreeningService directly; a
    re-screening hit on one of them has no onboarding rating to change."""
    result = world.onboard(command())
    ring = RingInvolvement("ring:2", "cycle", Severity.HIGH, ("acc_9",))
    assert rerate_customers(("applicant-1", result.customer_id), ring, world.customer_deps) == (
        result.customer_id,
    )


def test_retention_candidates_and_shredding(world: World) -> None:
    kept = world.onboard(command("a", applicant("Active", document_number="A1")))
    closed = world.onboard(command("b", applicant("Closed", document_number="B1")))
    end_relationship(closed.customer_id, date(2026, 3, 3), "bank", world.customer_deps)
    assert [c.id for c in world.customers.retention_candidates()] == [closed.customer_id]
    record = world.customers.get(closed.customer_id)
    world.vault.shred(record.id)
    world.applications.purge(record.application_id)
    world.customers.put(mark_shredded(record, datetime(2031, 4, 1, tzinfo=UTC)))
    gone = world.customers.get(closed.customer_id)
    assert (gone.personal, gone.risk_inputs, gone.shredded) == (None, None, True)
    assert [(r.level, r.score, r.factors) for r in gone.ratings] == [
        (r.level, r.score, ()) for r in record.ratings
    ]
    assert world.applications.get(record.application_id).applicant is None
    assert world.applications.evidence(record.application_id) == ()
    assert list(world.customers.retention_candidates()) == []
    assert world.customers.get(kept.customer_id).personal is not None


def test_pii_is_sealed_at_rest(world: World) -> None:
    if not hasattr(world, "db"):
        pytest.skip("the in-memory store keeps plain objects")
    result = world.onboard(command(who=applicant("Petrov", document_number="PX123456")))
    with world.db.read() as conn:
        raw = b"".join(
            bytes(v)
            for table in (onboarding_applications, onboarding_customers, onboarding_evidence)
            for row in conn.execute(sa.select(table))
            for v in row
            if isinstance(v, bytes | memoryview)
        )
        text = repr(
            [
                tuple(r)
                for t in (onboarding_applications, onboarding_customers)
                for r in conn.execute(sa.select(t))
            ]
        )
    for secret in (b"Petrov", b"PX123456", b"Hauptstr", b"1988-02-29", b"ofac_sdn"):
        assert secret not in raw
    assert "Petrov" not in text
    assert "PX123456" not in text
    assert "ofac_sdn" not in text
    # After shredding, the sealed columns cannot be opened even with the master key.
    world.vault.shred(result.customer_id)
    with pytest.raises(CustomerShredded):
        world.customers.get(result.customer_id)


class TestDataKeyStore:
    @pytest.fixture(
        params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
    )
    def keys(
        self, request: pytest.FixtureRequest, tmp_path: Path
    ) -> Iterator[InMemoryDataKeyStore | SqlDataKeyStore]:
        if request.param == "memory":
            yield InMemoryDataKeyStore()
            return
        db = open_database(request.param, request, tmp_path)
        yield SqlDataKeyStore(db)
        db.dispose()

    def test_contract(self, keys: InMemoryDataKeyStore | SqlDataKeyStore) -> None:
        assert keys.get("c1") is None
        assert keys.add("c1", b"first", "k1") == b"first"
        assert keys.add("c1", b"second", "k1") == b"first"  # the first key stored wins
        keys.add("c2", b"other", "k2")
        assert list(keys.wrapped_by_other_keys("k2")) == ["c1"]
        assert keys.replace("c1", b"stale", b"x", "k2") is False  # compare-and-swap
        assert keys.replace("c1", b"first", b"new", "k2") is True
        assert keys.get("c1") == b"new"
        assert list(keys.wrapped_by_other_keys("k2")) == []
        assert keys.delete("c1") is True
        assert keys.delete("c1") is False
        assert keys.get("c1") is None


def test_due_reviews_raise_one_alert_each(world: World) -> None:
    low = world.onboard(command("low", applicant("Low", document_number="L1")))
    pep = world.onboard(command("pep", applicant("Pep", document_number="P1", declared_pep=True)))
    resolve_review(
        ResolveReview(pep.customer_id, True, "EDD complete"), "officer", world.customer_deps
    )
    assert list(world.customers.due_for_review(date(2027, 3, 1))) == []
    assert list(world.customers.due_for_review(date(2027, 3, 2))) == [pep.customer_id]  # high: 1y
    both = sorted([low.customer_id, pep.customer_id])
    assert sorted(world.customers.due_for_review(date(2031, 3, 2))) == both  # low: 5y
    assert raise_due_reviews(date(2027, 3, 2), world.customer_deps) == (pep.customer_id,)
    raise_due_reviews(
        date(2027, 3, 3), world.customer_deps
    )  # the next day: same review, no new alert
    reviews = [a for a in world.alerts.alerts.values() if a.key.startswith("review:")]
    assert [(a.subject_id, a.severity) for a in reviews] == [(pep.customer_id, Severity.HIGH)]


def test_concurrent_decisions_create_one_customer(world: World) -> None:
    """Two deliveries of the decision step at once (a redelivery racing the original)."""
    _, application_id = world.submit(command())
    verify_application(application_id, world.evaluation)
    with ThreadPoolExecutor(max_workers=2) as pool:
        deciding = [pool.submit(decide_application, application_id, world.evaluation) for _ in "ab"]
        results = [future.result() for future in deciding]
    assert results[0] == results[1]
    stored = world.applications.get(application_id)
    assert world.customers.get(stored.customer_id).application_id == application_id
    if hasattr(world, "db"):
        with world.db.read() as conn:
            query = sa.select(sa.func.count()).select_from(onboarding_customers)
            count = conn.execute(query).scalar_one()
        assert count == 1
