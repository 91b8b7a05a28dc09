"""Onboarding task bodies called directly (as the worker would), over a real container."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest

from services.common.alerts import InMemoryAlertSink, Severity
from services.common.runtime import Container
from services.onboarding.core.checks import IdentityOutcome, IdentityVerdict
from services.onboarding.core.customer import CustomerStatus
from services.onboarding.deps import AREA, AreaAdapters, OnboardingDeps, build_deps
from services.onboarding.evaluation import decide_application, start_evaluation, verify_application
from services.onboarding.handlers import end_relationship, link_account
from services.onboarding.ports import (
    InMemoryAuditTrail,
    InMemoryOpenCases,
    ScriptedIdentity,
    ScriptedScreener,
)
from services.onboarding.settings import OnboardingSettings
from tests.services.onboarding.world import command
from workers import deps
from workers.tasks import onboarding as tasks


@pytest.fixture
def onboarding(container: Container) -> Iterator[OnboardingDeps]:
    alerts = InMemoryAlertSink()
    adapters = AreaAdapters(
        ScriptedIdentity({}, IdentityOutcome(IdentityVerdict.APPROVED)),
        ScriptedScreener({}),
        InMemoryOpenCases(),
        InMemoryAuditTrail(),
    )

    def with_fakes(c: Container) -> OnboardingDeps:
        built = build_deps(c, OnboardingSettings(), adapters)
        return dataclasses.replace(
            built, customers=dataclasses.replace(built.customers, alerts=alerts)
        )

    built = container.area(AREA, with_fakes)
    deps.install(container)
    yield built
    deps.reset()


def onboard(onboarding: OnboardingDeps, request_id: str) -> str:
    evaluation = onboarding.evaluation
    _, application_id = start_evaluation(command(request_id), "client", evaluation)
    verify_application(application_id, evaluation)
    return decide_application(application_id, evaluation).customer_id


def test_rerate_ring_task_re_rates_account_owners(onboarding: OnboardingDeps) -> None:
    customer_id = onboard(onboarding, "r1")
    link_account(customer_id, "acc_9", onboarding.customers)
    assert tasks.rerate_ring("ring:f", "fan_in", "critical", ["acc_9", "acc_x"]) == 1
    assert tasks.rerate_ring("ring:f", "fan_in", "critical", ["acc_9"]) == 0  # same ring again
    record = onboarding.customers.customers.get(customer_id)
    assert [r.level.value for r in record.ratings] == ["low", "high"]
    (alert,) = onboarding.customers.alerts.alerts.values()  # type: ignore[attr-defined]
    assert alert.severity is Severity.HIGH


def test_rerate_rescreening_task(onboarding: OnboardingDeps) -> None:
    customer_id = onboard(onboarding, "r2")
    assert tasks.rerate_rescreening(customer_id, "rs:1", "pep:Q1", "pep", 0.9, True) == 1
    assert onboarding.customers.customers.get(customer_id).rating.level.value == "high"


def test_purge_task_is_a_dry_run_by_default(onboarding: OnboardingDeps) -> None:
    customer_id = onboard(onboarding, "r3")
    end_relationship(customer_id, date(2030, 1, 1), "bank", onboarding.customers)
    far = date(2040, 1, 1).isoformat()
    assert tasks.purge(as_of=far) == {"dry_run": True, "purged": 1, "exempted": 0}
    assert onboarding.customers.customers.get(customer_id).personal is not None
    assert tasks.purge(dry_run=False, as_of=far) == {"dry_run": False, "purged": 1, "exempted": 0}
    assert onboarding.customers.customers.get(customer_id).shredded


def test_reviews_task(onboarding: OnboardingDeps) -> None:
    customer_id = onboard(onboarding, "r4")
    assert onboarding.customers.customers.get(customer_id).status is CustomerStatus.ACTIVE
    assert tasks.reviews_due(as_of="2027-01-01") == 0
    assert tasks.reviews_due(as_of="2040-01-01") == 1
