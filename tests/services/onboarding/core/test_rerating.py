"""Re-rating on events after onboarding: re-screening hits and transaction rings."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from services.common.alerts import Severity
from services.onboarding.core.checks import ListCategory, ScreeningOutcome
from services.onboarding.core.rerating import customers_in_ring, rerate_customer
from services.onboarding.core.risk import RatingInput, RescreeningHit, RingInvolvement
from services.onboarding.core.risk_model import RiskLevel
from tests.services.onboarding.factories import NOW, checks, default_policy, hit, profile, rate

LATER = NOW + timedelta(days=400)


def inputs() -> RatingInput:
    return RatingInput(profile(), checks())


def ring(severity: Severity = Severity.HIGH, key: str = "ring:abc") -> RingInvolvement:
    return RingInvolvement(key, "round_tripping", severity, ("acc_1", "acc_9"))


def test_a_high_severity_ring_makes_the_customer_high_risk() -> None:
    first = rate(inputs().checks, inputs().profile)
    result = rerate_customer(inputs(), first, ring(), default_policy(), LATER)
    assert result.applied
    assert result.escalated
    assert result.rating.level is RiskLevel.HIGH
    (factor,) = [f for f in result.rating.factors if f.code == "event.ring"]
    assert (factor.points, factor.detail) == (40, "ring ring:abc (round_tripping, high)")
    assert result.rating.review_due == date(2028, 4, 6)  # high: 1 year after the event
    assert result.inputs.events == (ring(),)


def test_the_same_event_twice_is_applied_once() -> None:
    first = rate(inputs().checks, inputs().profile)
    once = rerate_customer(inputs(), first, ring(), default_policy(), LATER)
    twice = rerate_customer(once.inputs, once.rating, ring(), default_policy(), LATER)
    assert not twice.applied
    assert twice.rating == once.rating
    assert twice.inputs == once.inputs


def test_a_rescreening_hit_on_an_entry_already_rated_adds_nothing() -> None:
    """Onboarding screened against the new version; its re-screening finds the same entry."""
    decided = RatingInput(profile(), checks(screening_outcome=ScreeningOutcome((hit(),))))
    first = rate(decided.checks, decided.profile)
    same = RescreeningHit(
        "screening:c:ofac_sdn:36:e", "ofac_sdn:36", ListCategory.SANCTIONS, 0.91, True
    )
    result = rerate_customer(decided, first, same, default_policy(), LATER)
    assert not result.applied
    assert result.rating == first
    near_before = RatingInput(
        profile(), checks(screening_outcome=ScreeningOutcome((hit(is_match=False, score=0.7),)))
    )
    stronger = rerate_customer(
        near_before, rate(near_before.checks, near_before.profile), same, default_policy(), LATER
    )
    assert stronger.applied  # a near match that became a match is news


def test_rescreening_sanctions_match_adds_points_and_pep_match_sets_the_floor() -> None:
    first = rate(inputs().checks, inputs().profile)
    sanctions = RescreeningHit("rs:1", "ofac_sdn:7", ListCategory.SANCTIONS, 0.9, True)
    pep = RescreeningHit("rs:2", "pep:Q1", ListCategory.PEP, 0.88, True)
    after_sanctions = rerate_customer(inputs(), first, sanctions, default_policy(), LATER)
    after_pep = rerate_customer(
        after_sanctions.inputs, after_sanctions.rating, pep, default_policy(), LATER
    )
    assert after_sanctions.rating.score == first.score + 30
    assert after_sanctions.rating.level is RiskLevel.MEDIUM
    assert after_pep.rating.level is RiskLevel.HIGH
    assert [f.code for f in after_pep.rating.factors].count("event.rescreening") == 2


def test_a_low_ring_changes_the_score_but_never_postpones_the_review() -> None:
    first = dataclasses.replace(
        rate(inputs().checks, inputs().profile), review_due=date(2026, 6, 1)
    )
    result = rerate_customer(inputs(), first, ring(Severity.LOW), default_policy(), LATER)
    assert result.rating.score == first.score + 10
    assert not result.escalated
    assert result.rating.review_due == date(2026, 6, 1)


def test_customers_in_ring_by_linked_accounts() -> None:
    accounts = {
        "cus_b": frozenset({"acc_9"}),
        "cus_a": frozenset({"acc_1", "acc_2"}),
        "cus_c": frozenset({"acc_3"}),
    }
    assert customers_in_ring(ring(), accounts) == ("cus_a", "cus_b")
