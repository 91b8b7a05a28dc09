"""The retention purge over the in-memory ports: dry run, shredding, exemptions, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from services.common.errors import FailedPrecondition
from services.onboarding.adapters.areas import CasesNotDeployed, LoggedAuditTrail
from services.onboarding.core.checks import IdentityFinding, IdentityOutcome, IdentityVerdict
from services.onboarding.handlers import end_relationship, link_account, set_legal_hold
from services.onboarding.pii import CustomerShredded
from services.onboarding.ports import InMemoryOpenCases
from services.onboarding.purge import PurgeCommand, purge_expired
from tests.services.onboarding.world import Clock, World, applicant, command

OPENED = datetime(2012, 5, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
CLOSED = date(2019, 6, 30)


@dataclass
class Setup:
    world: World
    ids: dict[str, str]

    def names(self, customer_ids: tuple[str, ...]) -> list[str]:
        back = {v: k for k, v in self.ids.items()}
        return sorted(back[c] for c in customer_ids)


@pytest.fixture
def setup() -> Setup:
    """Six customers: one closed long ago (due), one rejected long ago (due), one closed
    recently, one active, one closed long ago under legal hold, one closed long ago with an
    open case on one of its accounts."""
    expired = IdentityOutcome(
        IdentityVerdict.DECLINED, frozenset({IdentityFinding.DOCUMENT_EXPIRED})
    )
    world = World(identity_outcomes={"OLD": expired}, clock=Clock(OPENED))
    people = [
        ("due", "D1"),
        ("rejected", "OLD"),
        ("recent", "R1"),
        ("active", "A1"),
        ("held", "H1"),
        ("cased", "C1"),
    ]
    ids = {
        name: world.onboard(
            command(name, applicant(name.title(), document_number=number))
        ).customer_id
        for name, number in people
    }
    deps = world.customer_deps
    link_account(ids["cased"], "acc_case", deps)
    for name in ("due", "held", "cased"):
        end_relationship(ids[name], CLOSED, "bank-core", deps)
    end_relationship(ids["recent"], date(2023, 1, 1), "bank-core", deps)
    set_legal_hold(ids["held"], "litigation 2026/17", "legal", deps)
    world.open_cases.subjects.add("account:acc_case")
    world.clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    return Setup(world, ids)


def test_dry_run_reports_and_audits_but_changes_nothing(setup: Setup) -> None:
    world = setup.world
    report = purge_expired(PurgeCommand(TODAY, dry_run=True), world.customer_deps)
    assert setup.names(report.purged) == ["due", "rejected"]
    assert sorted((setup.names((c,))[0], r) for c, r in report.exempted) == [
        ("cased", "open_case"),
        ("held", "legal_hold"),
    ]
    assert world.audit.actions()[-1] == "retention.purge_dry_run"
    assert not any(r.shredded for r in world.customers.records.values())


def test_purge_shreds_due_records_only_and_audits_each(setup: Setup) -> None:
    world = setup.world
    due = setup.ids["due"]
    application_id = world.customers.get(due).application_id
    report = purge_expired(PurgeCommand(TODAY, dry_run=False), world.customer_deps)
    assert setup.names(report.purged) == ["due", "rejected"]
    gone = world.customers.get(due)
    assert gone.personal is None
    assert gone.shredded
    assert world.applications.get(application_id).applicant is None
    assert world.applications.evidence(application_id) == ()
    with pytest.raises(CustomerShredded):
        world.vault.open(due, "personal", b"\x01")
    for kept in ("recent", "active", "held", "cased"):
        assert world.customers.get(setup.ids[kept]).personal is not None
    purges = [e for e in world.audit.events if e.action == "retention.purge"]
    assert sorted(e.target for e in purges) == sorted(f"customer:{c}" for c in report.purged)
    (event,) = [e for e in purges if e.target == f"customer:{due}"]
    assert event.details == {
        "record_type": "customer",
        "clock_started_on": "2019-06-30",
        "due_on": "2024-06-30",
        "method": "crypto_shred",
    }
    assert "Due" not in repr(world.audit.events)  # no personal data in the audit trail


def test_second_run_finds_nothing_left(setup: Setup) -> None:
    world = setup.world
    purge_expired(PurgeCommand(TODAY, dry_run=False), world.customer_deps)
    assert purge_expired(PurgeCommand(TODAY, dry_run=False), world.customer_deps).purged == ()


def test_a_case_opened_after_planning_still_wins(setup: Setup) -> None:
    world = setup.world
    due = setup.ids["due"]

    class OpensACaseWhenAskedTwice(InMemoryOpenCases):
        calls = 0

        def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
            self.calls += 1
            if self.calls > 1:
                self.subjects.add(f"customer:{due}")
            return super().open_subjects(subjects)

    world.open_cases = OpensACaseWhenAskedTwice(frozenset({"account:acc_case"}))
    report = purge_expired(PurgeCommand(TODAY, dry_run=False), world.customer_deps)
    assert due in report.skipped
    assert world.customers.get(due).personal is not None


def test_without_case_management_nothing_is_purged_and_shredding_is_refused(setup: Setup) -> None:
    world = setup.world
    world.open_cases = CasesNotDeployed()  # type: ignore[assignment]
    report = purge_expired(PurgeCommand(TODAY, dry_run=True), world.customer_deps)
    assert report.purged == ()
    world.audit = LoggedAuditTrail()  # type: ignore[assignment]
    with pytest.raises(FailedPrecondition, match="durable audit"):
        purge_expired(PurgeCommand(TODAY, dry_run=False), world.customer_deps)
