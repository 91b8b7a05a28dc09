"""The customer record's life: opened by a decision, reviewed, linked, held, closed, shredded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.common.alerts import Severity
from services.common.errors import FailedPrecondition, InvalidArgument
from services.onboarding.core.checks import IdentityFinding, IdentityVerdict
from services.onboarding.core.customer import (
    CustomerStatus,
    LegalHold,
    end_relationship,
    link_account,
    mark_shredded,
    place_legal_hold,
    record_rerating,
    release_legal_hold,
    resolve_review,
    retention_clock_start,
)
from services.onboarding.core.policy import EddMeasure
from services.onboarding.core.rerating import rerate_customer
from services.onboarding.core.risk import CountryRole, RingInvolvement
from tests.services.onboarding.factories import (
    NOW,
    checks,
    customer,
    default_policy,
    identity,
    profile,
)

HOLD = LegalHold("court order 2026/17", "officer:mlro", NOW)


def test_approved_customer_is_active_from_the_decision_day() -> None:
    record = customer()
    assert record.status is CustomerStatus.ACTIVE
    assert record.relationship_started_on == NOW.date()
    assert record.next_review_on == date(2031, 3, 2)
    assert retention_clock_start(record) is None


def test_pending_customer_is_resolved_by_an_officer() -> None:
    record = customer(risk_profile=profile((CountryRole.RESIDENCE, "IR")))
    assert record.status is CustomerStatus.PENDING
    assert record.edd_measures == frozenset(EddMeasure)
    later = NOW + timedelta(days=3)
    approved = resolve_review(record, approved=True, at=later)
    assert (approved.status, approved.relationship_started_on) == (
        CustomerStatus.ACTIVE,
        later.date(),
    )
    with pytest.raises(FailedPrecondition, match="only a pending customer"):
        resolve_review(approved, approved=False, at=later)


def test_rejected_application_starts_its_retention_clock_at_the_decision() -> None:
    record = customer(
        outcomes=checks(identity(IdentityVerdict.DECLINED, IdentityFinding.DOCUMENT_EXPIRED))
    )
    assert record.status is CustomerStatus.REJECTED
    assert retention_clock_start(record) == NOW.date()


def test_ending_the_relationship_starts_the_clock() -> None:
    closed = end_relationship(customer(), date(2027, 1, 31))
    assert closed.status is CustomerStatus.CLOSED
    assert retention_clock_start(closed) == date(2027, 1, 31)
    with pytest.raises(FailedPrecondition):
        end_relationship(closed, date(2027, 2, 1))
    with pytest.raises(InvalidArgument):
        end_relationship(customer(), date(2020, 1, 1))


def test_rerating_history_is_kept() -> None:
    record = customer()
    assert record.risk_inputs is not None
    ring = RingInvolvement("ring:1", "fan_in", Severity.CRITICAL, ("acc_1",))
    later = NOW + timedelta(days=30)
    result = rerate_customer(record.risk_inputs, record.rating, ring, default_policy(), later)
    updated = record_rerating(record, result)
    assert [r.level.value for r in updated.ratings] == ["low", "high"]
    assert updated.next_review_on == date(2027, 4, 1)
    assert updated.risk_inputs is not None
    again = rerate_customer(updated.risk_inputs, updated.rating, ring, default_policy(), later)
    assert record_rerating(updated, again) == updated
    with pytest.raises(FailedPrecondition, match="shredded"):
        record_rerating(mark_shredded(record, later), result)


def test_accounts_and_holds() -> None:
    record = link_account(link_account(customer(), "acc_1"), "acc_1")
    assert record.accounts == {"acc_1"}
    with pytest.raises(InvalidArgument):
        link_account(record, "")
    held = place_legal_hold(record, HOLD)
    with pytest.raises(FailedPrecondition, match="legal hold"):
        mark_shredded(held, NOW)
    shredded = mark_shredded(release_legal_hold(held), NOW)
    assert shredded.personal is None
    assert shredded.risk_inputs is None
    assert shredded.shredded
    # The non-personal skeleton remains; factor details (countries, list entries) go.
    assert [(r.level, r.score) for r in shredded.ratings] == [
        (r.level, r.score) for r in record.ratings
    ]
    assert all(r.factors == () for r in shredded.ratings)
    with pytest.raises(FailedPrecondition, match="shredded"):
        place_legal_hold(shredded, HOLD)
