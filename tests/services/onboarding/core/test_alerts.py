"""Alerts raised for case management by decisions and re-ratings."""

from __future__ import annotations

from datetime import timedelta

from services.common.alerts import (
    AlertSource,
    InMemoryAlertSink,
    ScreeningMatch,
    Severity,
    SubjectKind,
)
from services.onboarding.core.alerts import AlertContext, decision_alerts, rerating_alert
from services.onboarding.core.checks import IdentityFinding, IdentityVerdict, ListCategory
from services.onboarding.core.rerating import rerate_customer
from services.onboarding.core.risk import CountryRole, RatingInput, RingInvolvement
from tests.services.onboarding.factories import (
    NOW,
    checks,
    default_policy,
    evaluate,
    hit,
    identity,
    profile,
    rate,
    screening,
)

CONTEXT = AlertContext("cus_1", "app_1", NOW, subject_hash="s" * 64)


def test_one_screening_alert_per_flagged_entry_keyed_like_rescreening() -> None:
    outcomes = checks(
        screening_outcome=screening(
            hit(entry_id="ofac_sdn:36"),
            hit(entry_id="un_sc:QDi.1", score=0.8),
            hit(entry_id="eu_fsf:9", is_match=False, score=0.7),
        )
    )
    alerts = decision_alerts(evaluate(outcomes), outcomes, CONTEXT)
    assert [a.key for a in alerts] == [
        "screening:cus_1:ofac_sdn:36:" + "e" * 64,
        "screening:cus_1:un_sc:QDi.1:" + "e" * 64,
    ]
    first = alerts[0]
    assert first.source is AlertSource.SCREENING_HIT
    assert (first.subject_kind, first.subject_id) == (SubjectKind.CUSTOMER, "cus_1")
    assert first.severity is Severity.HIGH
    assert first.evidence["list_entry_id"] == "ofac_sdn:36"
    assert first.evidence["policy_version"] == default_policy().version
    assert first.related_subjects == ("applicant:app_1",)
    # What case management needs to turn a false-positive clearance into a suppression.
    assert first.match == ScreeningMatch("ofac_sdn:36", "e" * 64, "s" * 64, 0.91)


def test_identity_and_edd_alerts_are_keyed_by_application() -> None:
    outcomes = checks(identity(IdentityVerdict.DECLINED, IdentityFinding.PRESENTATION_ATTACK))
    (alert,) = decision_alerts(evaluate(outcomes), outcomes, CONTEXT)
    assert alert.key == "onboarding:app_1:identity"
    assert alert.source is AlertSource.IDENTITY_CHECK
    assert alert.evidence["identity_findings"] == ["presentation_attack"]
    assert alert.summary == "PRESENTATION_ATTACK (presentation-attack)"

    pep = checks(screening_outcome=screening(hit(ListCategory.PEP, entry_id="pep:Q1")))
    alerts = {a.source: a for a in decision_alerts(evaluate(pep), pep, CONTEXT)}
    assert set(alerts) == {AlertSource.SCREENING_HIT, AlertSource.ONBOARDING}
    assert alerts[AlertSource.ONBOARDING].evidence["edd_measures"] == [
        "enhanced_ongoing_monitoring",
        "senior_management_approval",
        "source_of_funds",
        "source_of_wealth",
    ]


def test_retried_evaluation_raises_nothing_twice() -> None:
    outcomes = checks(screening_outcome=screening(hit()))
    sink = InMemoryAlertSink()
    for _ in range(2):
        for alert in decision_alerts(evaluate(outcomes), outcomes, CONTEXT):
            sink.raise_alert(alert)
    assert len(sink.alerts) == 1


def test_approved_decisions_raise_nothing_and_no_pii_travels() -> None:
    assert decision_alerts(evaluate(), checks(), CONTEXT) == ()
    risky = profile((CountryRole.RESIDENCE, "IR"))
    alerts = decision_alerts(evaluate(risk_profile=risky), checks(), CONTEXT)
    assert [a.key for a in alerts] == ["onboarding:app_1:onboarding"]
    assert "residence IR" in repr(alerts[0].evidence)  # evidence for the officer...
    assert "Schmidt" not in repr(alerts)  # ...but no personal data


def test_rerating_alert_only_when_the_level_rises() -> None:
    inputs = RatingInput(profile(), checks())
    first = rate(inputs.checks, inputs.profile)
    later = NOW + timedelta(days=10)
    high = RingInvolvement("ring:f1", "fan_in", Severity.HIGH, ("acc_1",))
    low = RingInvolvement("ring:f2", "fan_in", Severity.LOW, ("acc_1",))
    raised = rerating_alert(
        "cus_1", rerate_customer(inputs, first, high, default_policy(), later), high.key
    )
    assert raised is not None
    assert raised.key == "rerating:cus_1:ring:f1"
    assert (raised.severity, raised.title) == (Severity.HIGH, "Customer risk rating raised to high")
    same = rerate_customer(inputs, first, low, default_policy(), later)
    assert rerating_alert("cus_1", same, low.key) is None
