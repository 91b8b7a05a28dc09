"""Onboarding over the case area's real use cases (in-memory case adapters)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.cases.core.audit import verify_chain
from services.cases.core.model import SubjectRef
from services.cases.core.sar.model import IdKind, PartyType
from services.cases.handlers import intake
from services.cases.ports import CaseQuery
from services.cases.wiring import case_deps
from services.common.alerts import Alert, AlertSource, Severity, SubjectKind
from services.common.runtime import Container
from services.onboarding.adapters.cases_area import CaseAuditTrail, CaseStanding, CustomerDirectory
from services.onboarding.core.checks import ScreeningOutcome
from services.onboarding.deps import onboarding_deps
from services.onboarding.handlers import (
    ResolveReview,
    end_relationship,
    link_account,
    resolve_review,
)
from services.onboarding.purge import PurgeCommand, purge_expired
from tests.services.cases.memory import memory_deps
from tests.services.onboarding.factories import hit
from tests.services.onboarding.world import Clock, World, applicant, command


def test_onboarding_alerts_open_cases_that_hold_back_retention() -> None:
    cases = memory_deps()
    world = World(
        screening_outcomes={"Petrov": ScreeningOutcome((hit(),))},
        clock=Clock(datetime(2012, 5, 1, tzinfo=UTC)),
    )
    world.open_cases = CaseStanding(cases.deps)  # type: ignore[assignment]
    world.audit = CaseAuditTrail(cases.deps)  # type: ignore[assignment]
    flagged = world.onboard(command("a", applicant("Petrov", document_number="P1")))
    clean = world.onboard(command("b", applicant("Clean", document_number="C1")))
    for alert in world.alerts.alerts.values():
        assert intake(alert, cases.deps).opened
    subjects = frozenset({f"customer:{flagged.customer_id}", f"customer:{clean.customer_id}"})
    assert world.open_cases.open_subjects(subjects) == {f"customer:{flagged.customer_id}"}
    approve = ResolveReview(flagged.customer_id, True, "namesake, EDD done")
    resolve_review(approve, "officer", world.customer_deps)
    for customer_id in (flagged.customer_id, clean.customer_id):
        end_relationship(customer_id, date(2019, 1, 1), "bank", world.customer_deps)
    world.clock.now = datetime(2026, 3, 2, tzinfo=UTC)
    report = purge_expired(PurgeCommand(date(2026, 3, 2), dry_run=False), world.customer_deps)
    assert report.purged == (clean.customer_id,)
    assert report.exempted == ((flagged.customer_id, "open_case"),)
    # Every onboarding audit event landed in the case area's hash-chained log, which verifies.
    actions = [e.action for e in cases.audit.entries()]
    assert "onboarding.review_resolved" in actions
    assert actions[-2:] == ["retention.purge", "retention.purge_run"]
    assert verify_chain(cases.audit.entries()).ok


def test_customer_directory_gives_sar_subjects_for_customers_and_accounts() -> None:
    world = World()
    result = world.onboard(command())
    link_account(result.customer_id, "acc_7", world.customer_deps)
    directory = CustomerDirectory(world.customers)
    (subject,) = directory.sar_subjects(SubjectRef(SubjectKind.CUSTOMER, result.customer_id))
    assert (subject.ref, subject.party_type) == (result.customer_id, PartyType.PERSON)
    assert (subject.first_name, subject.last_name) == ("Anna Maria", "Schmidt")
    assert (subject.birth_date, subject.nationality, subject.occupation) == (
        date(1988, 2, 29),
        "DE",
        "employee",
    )
    assert subject.identifications[0].kind is IdKind.PASSPORT
    assert subject.address is not None
    assert subject.address.city == "Berlin"
    by_account = directory.sar_subjects(SubjectRef(SubjectKind.ACCOUNT, "acc_7"))
    assert by_account == (subject,)
    assert directory.sar_subjects(SubjectRef(SubjectKind.CUSTOMER, "cus_unknown")) == ()


def test_the_decision_step_records_its_alerts_itself_not_through_redis(
    container: Container,
) -> None:
    """Queued for intake, a decision's alerts were lost with a Redis restart (docs/e2e.md)."""
    sink = onboarding_deps(container).evaluation.alerts
    alert = Alert(
        key="onboarding:cus_1:edd",
        source=AlertSource.ONBOARDING,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id="cus_1",
        severity=Severity.MEDIUM,
        title="enhanced due diligence",
        raised_at=datetime.now(UTC),
    )
    sink.raise_alert(alert)
    sink.raise_alert(alert)  # raised again by a redelivered decision step
    assert case_deps(container).cases.find(CaseQuery()).total == 1
