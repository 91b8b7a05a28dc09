"""The alerts an onboarding decision or a re-rating hands to case management.

One `OpenCase` action of kind screening becomes one alert per list entry (officers review hit
by hit), keyed like the screening area's own alerts ("screening:<customer>:<entry>:<entry
hash>") so that a later re-screening hit on the same entry joins the same case instead of
duplicating it. Identity and onboarding (EDD, high risk) actions become one alert each, keyed
by the application, so a retried evaluation raises nothing twice. Alerts carry ids, codes and
scores, never the applicant's personal data: the case file reads that from the customer record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.alerts import Alert, AlertSource, ScreeningMatch, Severity, SubjectKind
from services.onboarding.core.checks import CheckOutcomes, ScreeningHit
from services.onboarding.core.customer import CustomerRecord
from services.onboarding.core.decision import Decision
from services.onboarding.core.policy import CaseKind, EnhancedDueDiligence, OpenCase
from services.onboarding.core.rerating import Rerating
from services.onboarding.core.risk_model import RiskLevel


@dataclass(frozen=True, slots=True)
class AlertContext:
    """Who the alerts are about and when they are raised. `subject_hash` is the content hash
    of the customer as screened (`Party.content_hash()`): with the entry's hash it keys the
    suppression an officer's false-positive clearance creates."""

    customer_id: str
    application_id: str
    raised_at: datetime
    subject_hash: str = ""


def decision_alerts(
    decision: Decision, checks: CheckOutcomes, context: AlertContext
) -> tuple[Alert, ...]:
    """Every alert the decision's `OpenCase` actions call for."""
    alerts: list[Alert] = []
    for action in decision.actions:
        if not isinstance(action, OpenCase):
            continue
        if action.kind is CaseKind.SCREENING:
            alerts.extend(_screening_alerts(decision, checks, action.severity, context))
        else:
            alerts.append(_review_alert(decision, checks, action, context))
    return tuple(alerts)


def _screening_alerts(
    decision: Decision, checks: CheckOutcomes, severity: Severity, context: AlertContext
) -> list[Alert]:
    hits = checks.screening.hits if checks.screening else ()
    flagged = [h for h in hits if h.is_match] or list(hits)
    return [_hit_alert(hit, decision, severity, context) for hit in flagged]


def _hit_alert(
    hit: ScreeningHit, decision: Decision, severity: Severity, context: AlertContext
) -> Alert:
    kind = "possible match" if hit.is_match else "near match"
    return Alert(
        key=f"screening:{context.customer_id}:{hit.entry_id}:{hit.entry_hash}",
        source=AlertSource.SCREENING_HIT,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=context.customer_id,
        severity=severity,
        title=f"Onboarding screening: {hit.category.value} {kind} ({hit.list_source})",
        raised_at=context.raised_at,
        summary=hit.explanation,
        evidence={
            "list_entry_id": hit.entry_id,
            "entry_hash": hit.entry_hash,
            "category": hit.category.value,
            "score": round(hit.score, 4),
            "is_match": hit.is_match,
            "identifier_match": hit.identifier_match,
            **_decision_evidence(decision, context),
        },
        related_subjects=(f"applicant:{context.application_id}",),
        match=ScreeningMatch(hit.entry_id, hit.entry_hash, context.subject_hash, hit.score),
        typology=f"onboarding_{hit.category.value}",
    )


_REVIEW_SOURCES = {
    CaseKind.IDENTITY: AlertSource.IDENTITY_CHECK,
    CaseKind.ONBOARDING: AlertSource.ONBOARDING,
}
_REVIEW_TITLES = {
    CaseKind.IDENTITY: "Onboarding identity verification needs an officer",
    CaseKind.ONBOARDING: "Onboarding review: enhanced due diligence / risk",
}


def _review_alert(
    decision: Decision, checks: CheckOutcomes, action: OpenCase, context: AlertContext
) -> Alert:
    evidence = _decision_evidence(decision, context)
    if action.kind is CaseKind.IDENTITY and checks.identity is not None:
        evidence["verification_id"] = checks.identity.verification_id
        evidence["identity_verdict"] = checks.identity.verdict.value
        evidence["identity_findings"] = sorted(f.value for f in checks.identity.findings)
    edd = [a for a in decision.actions if isinstance(a, EnhancedDueDiligence)]
    if action.kind is CaseKind.ONBOARDING and edd:
        evidence["edd_measures"] = sorted(m.value for m in edd[0].measures)
    return Alert(
        key=f"onboarding:{context.application_id}:{action.kind.value}",
        source=_REVIEW_SOURCES[action.kind],
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=context.customer_id,
        severity=action.severity,
        title=_REVIEW_TITLES[action.kind],
        raised_at=context.raised_at,
        summary="; ".join(f"{f.code.value} ({f.rule_id})" for f in decision.internal_reasons),
        evidence=evidence,
        related_subjects=(f"applicant:{context.application_id}",),
        typology=f"onboarding_{action.kind.value}",
    )


def _decision_evidence(decision: Decision, context: AlertContext) -> dict[str, object]:
    return {
        "application_id": context.application_id,
        "outcome": decision.outcome.value,
        "risk_level": decision.risk_level.value,
        "internal_reasons": [
            {"code": f.code.value, "rule": f.rule_id, "evidence": list(f.evidence)}
            for f in decision.internal_reasons
        ],
        "policy_version": decision.policy_version,
        "policy_sha256": decision.policy_sha256,
    }


def rerating_alert(customer_id: str, rerating: Rerating, event_key: str) -> Alert | None:
    """An alert when a re-rating raised the customer's level (None otherwise)."""
    if not rerating.escalated:
        return None
    new = rerating.rating
    return Alert(
        key=f"rerating:{customer_id}:{event_key}",
        source=AlertSource.ONBOARDING,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=customer_id,
        severity=Severity.HIGH if new.level is RiskLevel.HIGH else Severity.MEDIUM,
        title=f"Customer risk rating raised to {new.level.value}",
        raised_at=new.rated_at,
        summary=f"{rerating.previous.level.value} ({rerating.previous.score}) -> "
        f"{new.level.value} ({new.score}) after {event_key}",
        evidence={
            "previous_level": rerating.previous.level.value,
            "level": new.level.value,
            "score": new.score,
            "factors": [
                {"code": f.code, "points": f.points, "detail": f.detail} for f in new.factors
            ],
            "review_due": new.review_due.isoformat(),
            "policy_version": new.policy_version,
        },
    )


_REVIEW_SEVERITY = {
    RiskLevel.LOW: Severity.LOW,
    RiskLevel.MEDIUM: Severity.MEDIUM,
    RiskLevel.HIGH: Severity.HIGH,
}


def review_due_alert(record: CustomerRecord, raised_at: datetime) -> Alert:
    """The periodic (risk-based) review of a customer is due: an officer refreshes the file.

    Keyed by the review date, so the daily job raises each due review once.
    """
    rating = record.rating
    return Alert(
        key=f"review:{record.id}:{rating.review_due.isoformat()}",
        source=AlertSource.ONBOARDING,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=record.id,
        severity=_REVIEW_SEVERITY[rating.level],
        title=f"Periodic review due ({rating.level.value} risk)",
        raised_at=raised_at,
        summary=f"review due {rating.review_due.isoformat()}, rated {rating.rated_at.date()}",
        evidence={
            "review_due": rating.review_due.isoformat(),
            "level": rating.level.value,
            "score": rating.score,
            "policy_version": rating.policy_version,
        },
    )
