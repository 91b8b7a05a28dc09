"""The retention purge use case over the in-memory ports: dry run, shredding, exemptions, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.crypto import KeyRing, generate_key_spec
from services.onboarding.codec import personal_to_json
from services.onboarding.core.checks import IdentityFinding, IdentityVerdict
from services.onboarding.core.customer import (
    CustomerRecord,
    LegalHold,
    end_relationship,
    link_account,
    place_legal_hold,
)
from services.onboarding.core.periods import Period
from services.onboarding.core.retention import RecordType, RetentionPolicy
from services.onboarding.handlers import PurgeCommand, RetentionDeps, purge_expired
from services.onboarding.pii import CustomerShredded, InMemoryDataKeyStore, PiiVault
from services.onboarding.ports import (
    InMemoryAuditTrail,
    InMemoryCustomerStore,
    InMemoryEvidenceStore,
    InMemoryOpenCases,
)
from tests.services.onboarding.factories import checks, customer, identity

OPENED = datetime(2012, 5, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
POLICY = RetentionPolicy(
    {
        RecordType.CUSTOMER: Period(5),
        RecordType.APPLICATION: Period(5),
        RecordType.IDENTITY_EVIDENCE: Period(5),
    }
)


class World:
    """Every port in memory, with five customers in different retention situations."""

    def __init__(self) -> None:
        self.customers = InMemoryCustomerStore()
        self.open_cases = InMemoryOpenCases(frozenset({"account:acc_case"}))
        self.vault = PiiVault(KeyRing.parse(generate_key_spec()), InMemoryDataKeyStore())
        self.evidence = InMemoryEvidenceStore()
        self.audit = InMemoryAuditTrail()
        self.tokens: dict[str, bytes] = {}
        closed = date(2019, 6, 30)
        declined = checks(identity(IdentityVerdict.DECLINED, IdentityFinding.DOCUMENT_EXPIRED))
        self.add(end_relationship(customer("expired", at=OPENED), closed))
        self.add(customer("rejected_old", outcomes=declined, at=OPENED))
        self.add(end_relationship(customer("recent", at=OPENED), date(2023, 1, 1)))
        self.add(customer("active", at=OPENED))
        held = place_legal_hold(customer("held", at=OPENED), LegalHold("lit-9", "mlro", OPENED))
        self.add(end_relationship(held, closed))
        self.add(end_relationship(link_account(customer("cased", at=OPENED), "acc_case"), closed))

    def add(self, record: CustomerRecord) -> None:
        self.customers.put(record)
        assert record.personal is not None
        self.tokens[record.id] = self.vault.seal(
            record.id, "personal", personal_to_json(record.personal)
        )
        self.evidence.add(record.application_id, b"jpeg")

    def deps(self) -> RetentionDeps:
        return RetentionDeps(
            customers=self.customers,
            open_cases=self.open_cases,
            vault=self.vault,
            evidence=self.evidence,
            audit=self.audit,
            policy=POLICY,
            clock=lambda: datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        )


@pytest.fixture
def world() -> World:
    return World()


def test_dry_run_reports_and_audits_but_changes_nothing(world: World) -> None:
    report = purge_expired(PurgeCommand(TODAY, dry_run=True), world.deps())
    assert sorted(report.purged) == ["expired", "rejected_old"]
    assert sorted(report.exempted) == [("cased", "open_case"), ("held", "legal_hold")]
    assert world.audit.actions() == ["retention.purge_dry_run"]
    assert world.vault.open("expired", "personal", world.tokens["expired"])
    assert not any(r.shredded for r in world.customers.all())
    assert len(world.evidence.blobs) == 6


def test_purge_shreds_due_records_only_and_audits_each(world: World) -> None:
    report = purge_expired(PurgeCommand(TODAY, dry_run=False), world.deps())
    assert sorted(report.purged) == ["expired", "rejected_old"]
    for gone in ("expired", "rejected_old"):
        with pytest.raises(CustomerShredded):
            world.vault.open(gone, "personal", world.tokens[gone])
        assert world.customers.get(gone).personal is None
        assert f"app_{gone}" not in world.evidence.blobs
    for kept in ("recent", "active", "held", "cased"):
        assert world.vault.open(kept, "personal", world.tokens[kept])
        assert world.customers.get(kept).personal is not None
    purges = [e for e in world.audit.events if e.action == "retention.purge"]
    assert sorted(e.target for e in purges) == ["customer:expired", "customer:rejected_old"]
    (expired,) = [e for e in purges if e.target == "customer:expired"]
    assert expired.details == {
        "record_type": "customer",
        "clock_started_on": "2019-06-30",
        "due_on": "2024-06-30",
        "method": "crypto_shred",
    }
    assert world.audit.actions()[-1] == "retention.purge_run"
    # No personal data in the audit trail.
    assert "Schmidt" not in repr(world.audit.events)


def test_second_run_finds_nothing_left(world: World) -> None:
    purge_expired(PurgeCommand(TODAY, dry_run=False), world.deps())
    again = purge_expired(PurgeCommand(TODAY, dry_run=False), world.deps())
    assert again.purged == ()


def test_a_case_opened_after_planning_still_wins(world: World) -> None:
    class OpensACaseWhenAskedTwice(InMemoryOpenCases):
        calls = 0

        def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
            self.calls += 1
            if self.calls > 1:
                self.subjects.add("customer:expired")
            return super().open_subjects(subjects)

    world.open_cases = OpensACaseWhenAskedTwice(frozenset({"account:acc_case"}))
    report = purge_expired(PurgeCommand(TODAY, dry_run=False), world.deps())
    assert report.skipped == ("expired",)
    assert world.customers.get("expired").personal is not None
