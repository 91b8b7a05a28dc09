"""Two reason vocabularies: what an applicant may be told, and what officers record.

Tipping-off rules (FATF Recommendation 21, EU AMLD art. 39, UK POCA s.333A) forbid telling a
customer that they were matched against a sanctions or PEP list, that their country raised
their risk, or that a suspicious activity report exists. So the two vocabularies are separate
types: a `Decision` carries `ClientReason`s for the client view and `InternalReason`s for the
case file, and the client view is built from `ClientReason`s alone. A policy file cannot put
an internal code in a client list (it fails validation), and rules driven by confidential
signals (screening, country, PEP, risk) may only give the *neutral* client reasons, which say
that something happens without saying why.
"""

from __future__ import annotations

from enum import StrEnum


class ClientReason(StrEnum):
    """Reason codes an applicant (and the onboarding app) may see."""

    ADDITIONAL_REVIEW_REQUIRED = "ADDITIONAL_REVIEW_REQUIRED"
    ADDITIONAL_INFORMATION_REQUIRED = "ADDITIONAL_INFORMATION_REQUIRED"
    APPLICATION_DECLINED = "APPLICATION_DECLINED"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
    DOCUMENT_INVALID = "DOCUMENT_INVALID"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    DOCUMENT_NOT_ACCEPTED = "DOCUMENT_NOT_ACCEPTED"
    DOCUMENT_DATA_MISMATCH = "DOCUMENT_DATA_MISMATCH"
    AGE_REQUIREMENT_NOT_MET = "AGE_REQUIREMENT_NOT_MET"
    SELFIE_MISMATCH = "SELFIE_MISMATCH"
    SELFIE_RETAKE_REQUIRED = "SELFIE_RETAKE_REQUIRED"
    LIVENESS_CHECK_FAILED = "LIVENESS_CHECK_FAILED"
    RESUBMISSION_REQUIRED = "RESUBMISSION_REQUIRED"

    @property
    def neutral(self) -> bool:
        """True when the code says nothing about which check caused it (safe for any rule)."""
        return self in NEUTRAL_CLIENT_REASONS


NEUTRAL_CLIENT_REASONS = frozenset(
    {
        ClientReason.ADDITIONAL_REVIEW_REQUIRED,
        ClientReason.ADDITIONAL_INFORMATION_REQUIRED,
        ClientReason.APPLICATION_DECLINED,
    }
)


class InternalReason(StrEnum):
    """Reason codes recorded for compliance officers; never shown to the applicant."""

    SANCTIONS_POSSIBLE_MATCH = "SANCTIONS_POSSIBLE_MATCH"
    SANCTIONS_NEAR_MATCH = "SANCTIONS_NEAR_MATCH"
    SANCTIONS_IDENTIFIER_MATCH = "SANCTIONS_IDENTIFIER_MATCH"
    PEP_MATCH = "PEP_MATCH"
    PEP_NEAR_MATCH = "PEP_NEAR_MATCH"
    PEP_SELF_DECLARED = "PEP_SELF_DECLARED"
    WATCHLIST_MATCH = "WATCHLIST_MATCH"
    SCREENING_NOT_PERFORMED = "SCREENING_NOT_PERFORMED"
    HIGH_RISK_JURISDICTION = "HIGH_RISK_JURISDICTION"
    MONITORED_JURISDICTION = "MONITORED_JURISDICTION"
    HIGH_RISK_RATING = "HIGH_RISK_RATING"
    MEDIUM_RISK_RATING = "MEDIUM_RISK_RATING"
    IDENTITY_DECLINED = "IDENTITY_DECLINED"
    IDENTITY_REVIEW = "IDENTITY_REVIEW"
    IDENTITY_RETRY = "IDENTITY_RETRY"
    IDENTITY_NOT_PERFORMED = "IDENTITY_NOT_PERFORMED"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
    DOCUMENT_INVALID = "DOCUMENT_INVALID"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    DOCUMENT_DATA_MISMATCH = "DOCUMENT_DATA_MISMATCH"
    DOCUMENT_ISSUER_NOT_ACCEPTED = "DOCUMENT_ISSUER_NOT_ACCEPTED"
    APPLICANT_UNDERAGE = "APPLICANT_UNDERAGE"
    SELFIE_MISMATCH = "SELFIE_MISMATCH"
    SELFIE_UNUSABLE = "SELFIE_UNUSABLE"
    LIVENESS_FAILED = "LIVENESS_FAILED"
    PRESENTATION_ATTACK = "PRESENTATION_ATTACK"
    PRESENTATION_ATTACK_SUSPECTED = "PRESENTATION_ATTACK_SUSPECTED"
    POLICY_DEFAULT = "POLICY_DEFAULT"
