"""Every decision path of the default policy, and how rules combine."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.alerts import Severity
from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityVerdict,
    ListCategory,
)
from services.onboarding.core.decision import Decision, client_view
from services.onboarding.core.policy import (
    CaseKind,
    EddMeasure,
    EnhancedDueDiligence,
    OpenCase,
    Outcome,
    RequestResubmission,
    ResubmissionItem,
)
from services.onboarding.core.policy_file import load_policy
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk import CountryRole
from services.onboarding.core.risk_model import RiskLevel
from tests.services.onboarding.factories import (
    checks,
    default_policy,
    evaluate,
    hit,
    identity,
    profile,
    rule,
    screening,
    write_policy,
)

ALL_EDD = frozenset(EddMeasure)


def cases_of(decision: Decision) -> dict[CaseKind, Severity]:
    return {a.kind: a.severity for a in decision.actions if isinstance(a, OpenCase)}


def internal_codes(decision: Decision) -> list[InternalReason]:
    return [f.code for f in decision.internal_reasons]


def edd_of(decision: Decision) -> frozenset[EddMeasure]:
    found = [a.measures for a in decision.actions if isinstance(a, EnhancedDueDiligence)]
    return frozenset().union(*found)


def test_clean_applicant_is_approved_with_no_reasons_and_no_actions() -> None:
    decision = evaluate()
    assert decision.outcome is Outcome.APPROVED
    assert decision.client_reasons == ()
    assert decision.internal_reasons == ()
    assert decision.actions == ()
    assert decision.risk_level is RiskLevel.LOW
    assert decision.policy_version == default_policy().version
    assert decision.policy_sha256 == default_policy().content_sha256
    assert "screening.clear" in decision.signals


@pytest.mark.parametrize(
    ("finding", "client", "internal"),
    [
        (
            IdentityFinding.DOCUMENT_EXPIRED,
            ClientReason.DOCUMENT_EXPIRED,
            InternalReason.DOCUMENT_EXPIRED,
        ),
        (
            IdentityFinding.DOCUMENT_INVALID,
            ClientReason.DOCUMENT_INVALID,
            InternalReason.DOCUMENT_INVALID,
        ),
        (
            IdentityFinding.DOCUMENT_ISSUER_NOT_ACCEPTED,
            ClientReason.DOCUMENT_NOT_ACCEPTED,
            InternalReason.DOCUMENT_ISSUER_NOT_ACCEPTED,
        ),
        (
            IdentityFinding.APPLICANT_UNDERAGE,
            ClientReason.AGE_REQUIREMENT_NOT_MET,
            InternalReason.APPLICANT_UNDERAGE,
        ),
        (
            IdentityFinding.FACE_MISMATCH,
            ClientReason.SELFIE_MISMATCH,
            InternalReason.SELFIE_MISMATCH,
        ),
        (
            IdentityFinding.LIVENESS_FAILED,
            ClientReason.LIVENESS_CHECK_FAILED,
            InternalReason.LIVENESS_FAILED,
        ),
        (
            IdentityFinding.PRESENTATION_ATTACK,
            ClientReason.LIVENESS_CHECK_FAILED,
            InternalReason.PRESENTATION_ATTACK,
        ),
    ],
)
def test_failed_document_or_person_is_rejected_with_the_specific_reason(
    finding: IdentityFinding, client: ClientReason, internal: InternalReason
) -> None:
    decision = evaluate(checks(identity(IdentityVerdict.DECLINED, finding)))
    assert decision.outcome is Outcome.REJECTED
    assert decision.client_reasons == (client,)
    # The catch-all "identity-declined" rule stays out when a specific rule covers the finding.
    assert internal_codes(decision) == [internal]


def test_forgery_signs_and_impersonation_open_an_identity_case() -> None:
    invalid = evaluate(checks(identity(IdentityVerdict.DECLINED, IdentityFinding.DOCUMENT_INVALID)))
    attack = evaluate(
        checks(identity(IdentityVerdict.DECLINED, IdentityFinding.PRESENTATION_ATTACK))
    )
    expired = evaluate(checks(identity(IdentityVerdict.DECLINED, IdentityFinding.DOCUMENT_EXPIRED)))
    assert cases_of(invalid) == {CaseKind.IDENTITY: Severity.MEDIUM}
    assert cases_of(attack) == {CaseKind.IDENTITY: Severity.HIGH}
    assert cases_of(expired) == {}


def test_identity_declined_without_a_known_finding_is_rejected_neutrally() -> None:
    decision = evaluate(checks(identity(IdentityVerdict.DECLINED)))
    assert decision.outcome is Outcome.REJECTED
    assert decision.client_reasons == (ClientReason.APPLICATION_DECLINED,)
    assert internal_codes(decision) == [InternalReason.IDENTITY_DECLINED]
    assert cases_of(decision) == {CaseKind.IDENTITY: Severity.MEDIUM}


@pytest.mark.parametrize(
    ("findings", "client", "items"),
    [
        ((IdentityFinding.DOCUMENT_UNREADABLE,), ClientReason.DOCUMENT_UNREADABLE, {"document"}),
        ((IdentityFinding.SELFIE_UNUSABLE,), ClientReason.SELFIE_RETAKE_REQUIRED, {"selfie"}),
        ((), ClientReason.RESUBMISSION_REQUIRED, {"document", "selfie"}),
    ],
)
def test_identity_retry_asks_again(
    findings: tuple[IdentityFinding, ...], client: ClientReason, items: set[str]
) -> None:
    decision = evaluate(checks(identity(IdentityVerdict.RETRY, *findings)))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (client,)
    view = client_view(decision)
    assert {item.value for item in view.resubmit} == items
    assert cases_of(decision) == {}


def test_suspected_presentation_attack_is_reviewed_with_a_high_identity_case() -> None:
    decision = evaluate(
        checks(identity(IdentityVerdict.REVIEW, IdentityFinding.PRESENTATION_ATTACK_SUSPECTED))
    )
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
    assert internal_codes(decision) == [InternalReason.PRESENTATION_ATTACK_SUSPECTED]
    assert cases_of(decision) == {CaseKind.IDENTITY: Severity.HIGH}


def test_identity_review_and_inconclusive_face_go_to_an_officer() -> None:
    review = evaluate(checks(identity(IdentityVerdict.REVIEW)))
    inconclusive = evaluate(
        checks(identity(IdentityVerdict.REVIEW, IdentityFinding.FACE_INCONCLUSIVE))
    )
    for decision in (review, inconclusive):
        assert decision.outcome is Outcome.PENDING_REVIEW
        assert decision.client_reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
        assert cases_of(decision) == {CaseKind.IDENTITY: Severity.LOW}


def test_data_mismatch_is_reviewed_and_the_applicant_told_why() -> None:
    decision = evaluate(
        checks(identity(IdentityVerdict.REVIEW, IdentityFinding.DOCUMENT_DATA_MISMATCH))
    )
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.DOCUMENT_DATA_MISMATCH,)


def test_checks_that_did_not_run_never_approve() -> None:
    no_identity = evaluate(CheckOutcomes(identity=None, screening=screening()))
    no_screening = evaluate(CheckOutcomes(identity=identity(), screening=None))
    assert no_identity.outcome is Outcome.PENDING_REVIEW
    assert internal_codes(no_identity) == [InternalReason.IDENTITY_NOT_PERFORMED]
    assert no_screening.outcome is Outcome.PENDING_REVIEW
    assert internal_codes(no_screening) == [InternalReason.SCREENING_NOT_PERFORMED]
    assert cases_of(no_screening) == {CaseKind.ONBOARDING: Severity.MEDIUM}


def test_possible_sanctions_hit_is_reviewed_with_a_screening_case() -> None:
    decision = evaluate(checks(screening_outcome=screening(hit())))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
    assert cases_of(decision) == {CaseKind.SCREENING: Severity.HIGH}
    (finding,) = [f for f in decision.internal_reasons if f.rule_id == "sanctions-possible-match"]
    assert finding.code is InternalReason.SANCTIONS_POSSIBLE_MATCH
    assert finding.evidence == ("screening.sanctions.match: ofac_sdn:36 score 0.91",)
    # The residual doubt of a possible match raises the rating (10 + 30 points: medium).
    assert decision.risk_level is RiskLevel.MEDIUM
    assert internal_codes(decision) == [InternalReason.SANCTIONS_POSSIBLE_MATCH]


def test_identifier_match_on_a_sanctions_entry_is_critical() -> None:
    decision = evaluate(checks(screening_outcome=screening(hit(identifier_match=True))))
    assert cases_of(decision)[CaseKind.SCREENING] is Severity.CRITICAL
    assert InternalReason.SANCTIONS_IDENTIFIER_MATCH in internal_codes(decision)


def test_near_sanctions_match_is_recorded_but_approved() -> None:
    decision = evaluate(checks(screening_outcome=screening(hit(is_match=False, score=0.65))))
    assert decision.outcome is Outcome.APPROVED
    assert internal_codes(decision) == [InternalReason.SANCTIONS_NEAR_MATCH]
    assert decision.client_reasons == ()


def test_near_match_below_the_policy_floor_is_not_a_signal() -> None:
    decision = evaluate(checks(screening_outcome=screening(hit(is_match=False, score=0.55))))
    assert "screening.sanctions.near" not in decision.signals
    assert "screening.clear" in decision.signals


def test_pep_list_match_gets_edd_a_screening_case_and_an_onboarding_case() -> None:
    decision = evaluate(
        checks(screening_outcome=screening(hit(ListCategory.PEP, entry_id="pep:Q1")))
    )
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.ADDITIONAL_INFORMATION_REQUIRED,)
    assert cases_of(decision) == {
        CaseKind.SCREENING: Severity.MEDIUM,
        CaseKind.ONBOARDING: Severity.MEDIUM,
    }
    assert edd_of(decision) == ALL_EDD
    assert decision.risk_level is RiskLevel.HIGH


def test_declared_pep_gets_edd_and_an_onboarding_case() -> None:
    decision = evaluate(risk_profile=profile(declared_pep=True))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert InternalReason.PEP_SELF_DECLARED in internal_codes(decision)
    assert edd_of(decision) == ALL_EDD
    assert cases_of(decision) == {CaseKind.ONBOARDING: Severity.MEDIUM}


def test_other_watchlist_match_is_reviewed() -> None:
    decision = evaluate(
        checks(screening_outcome=screening(hit(ListCategory.OTHER, entry_id="us_bis_dpl:9")))
    )
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert cases_of(decision) == {CaseKind.SCREENING: Severity.MEDIUM}
    assert internal_codes(decision)[0] is InternalReason.WATCHLIST_MATCH


def test_high_risk_jurisdiction_means_edd_and_a_high_onboarding_case() -> None:
    decision = evaluate(risk_profile=profile((CountryRole.RESIDENCE, "IR")))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert cases_of(decision) == {CaseKind.ONBOARDING: Severity.HIGH}
    assert edd_of(decision) == ALL_EDD
    (finding,) = [f for f in decision.internal_reasons if f.rule_id == "high-risk-jurisdiction"]
    assert finding.evidence == ("country.call_for_action: residence IR",)


def test_monitored_jurisdiction_is_approved_with_enhanced_monitoring() -> None:
    decision = evaluate(risk_profile=profile((CountryRole.NATIONALITY, "KE")))
    assert decision.outcome is Outcome.APPROVED
    assert decision.client_reasons == ()
    assert edd_of(decision) == {EddMeasure.ENHANCED_ONGOING_MONITORING}
    assert internal_codes(decision) == [InternalReason.MONITORED_JURISDICTION]


def test_high_risk_rating_alone_is_reviewed() -> None:
    decision = evaluate(
        risk_profile=profile(
            (CountryRole.NATIONALITY, "KE"),
            product="private_banking",
            occupation="cash_intensive_business",
        )
    )
    assert decision.risk_level is RiskLevel.HIGH
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert InternalReason.HIGH_RISK_RATING in internal_codes(decision)


def test_most_severe_outcome_wins_and_every_action_is_kept() -> None:
    decision = evaluate(
        checks(
            identity(IdentityVerdict.DECLINED, IdentityFinding.DOCUMENT_EXPIRED),
            screening(hit()),
        ),
        profile(channel="branch"),  # keeps the rating medium: only two rules match
    )
    assert decision.outcome is Outcome.REJECTED
    # The client learns about the document only: the review reason belonged to a rule that
    # did not decide the outcome.
    assert decision.client_reasons == (ClientReason.DOCUMENT_EXPIRED,)
    assert cases_of(decision) == {CaseKind.SCREENING: Severity.HIGH}
    assert set(decision.matched_rules) >= {"document-expired", "sanctions-possible-match"}


def test_one_case_per_kind_at_the_highest_severity_asked() -> None:
    decision = evaluate(
        checks(screening_outcome=screening(hit(identifier_match=True), hit(ListCategory.PEP)))
    )
    assert cases_of(decision)[CaseKind.SCREENING] is Severity.CRITICAL
    assert sum(isinstance(a, OpenCase) for a in decision.actions) == len(cases_of(decision))


def test_selfie_mismatch_can_be_sent_to_review_by_policy(tmp_path: Path) -> None:
    def to_review(document: dict[str, object]) -> None:
        entry = rule(document, "selfie-mismatch")
        entry["outcome"] = "PENDING_REVIEW"

    policy = load_policy(write_policy(tmp_path, to_review))
    decision = evaluate(
        checks(identity(IdentityVerdict.DECLINED, IdentityFinding.FACE_MISMATCH)), policy=policy
    )
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.SELFIE_MISMATCH,)
    assert decision.policy_sha256 != default_policy().content_sha256


def test_default_outcome_applies_when_no_rule_matches(tmp_path: Path) -> None:
    def cautious(document: dict[str, object]) -> None:
        document["default_outcome"] = "PENDING_REVIEW"

    decision = evaluate(policy=load_policy(write_policy(tmp_path, cautious)))
    assert decision.outcome is Outcome.PENDING_REVIEW
    assert decision.client_reasons == (ClientReason.ADDITIONAL_REVIEW_REQUIRED,)
    assert internal_codes(decision) == [InternalReason.POLICY_DEFAULT]


def test_resubmission_items_are_merged_into_one_action() -> None:
    decision = evaluate(
        checks(
            identity(
                IdentityVerdict.RETRY,
                IdentityFinding.DOCUMENT_UNREADABLE,
                IdentityFinding.SELFIE_UNUSABLE,
            )
        )
    )
    (resubmit,) = [a for a in decision.actions if isinstance(a, RequestResubmission)]
    assert resubmit.items == {ResubmissionItem.DOCUMENT, ResubmissionItem.SELFIE}
    assert decision.client_reasons == (
        ClientReason.DOCUMENT_UNREADABLE,
        ClientReason.SELFIE_RETAKE_REQUIRED,
    )
