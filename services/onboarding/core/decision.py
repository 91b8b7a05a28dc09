"""The onboarding decision: a pure function of the policy, the checks and the risk rating.

    decision = decide(policy, Application(checks, profile, rating))
    view = client_view(decision)      # the only thing the applicant's side ever receives

A `Decision` is the officers' record: every matched rule, internal reason with its evidence
(list entry ids, scores, countries), the actions to take and the policy version. A
`ClientView` is built from the outcome, the client reasons and what to capture again, and
nothing else, so no code path can hand watchlist or SAR details to the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.onboarding.core.policy import (
    Action,
    Outcome,
    Policy,
    RequestResubmission,
    ResubmissionItem,
    Rule,
    merge_actions,
)
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk_model import RiskLevel
from services.onboarding.core.signals import Application, Signals, derive_signals

# When the deciding rules give the client no reason, they get the neutral one for the outcome.
_FALLBACK_CLIENT_REASON = {
    Outcome.PENDING_REVIEW: ClientReason.ADDITIONAL_REVIEW_REQUIRED,
    Outcome.REJECTED: ClientReason.APPLICATION_DECLINED,
}


@dataclass(frozen=True, slots=True)
class InternalFinding:
    """An internal reason, the rule that gave it, and the evidence of the rule's signals."""

    code: InternalReason
    rule_id: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The officers' record of an onboarding decision."""

    outcome: Outcome
    client_reasons: tuple[ClientReason, ...]
    internal_reasons: tuple[InternalFinding, ...]
    actions: tuple[Action, ...]
    matched_rules: tuple[str, ...]
    signals: tuple[str, ...]
    risk_level: RiskLevel
    policy_version: str
    policy_sha256: str


@dataclass(frozen=True, slots=True)
class ClientView:
    """What the applicant's side may know: outcome, client reasons, what to capture again."""

    outcome: Outcome
    reasons: tuple[ClientReason, ...]
    resubmit: tuple[ResubmissionItem, ...] = ()


def decide(policy: Policy, application: Application) -> Decision:
    """Evaluate the policy's rules over the application's signals (see `core.policy`)."""
    signals = derive_signals(application, policy.risk.country_list, policy.signal_options)
    matched = policy.matching(signals)
    outcome = max(
        (rule.outcome for rule in matched),
        key=lambda o: o.severity,
        default=policy.default_outcome,
    )
    return Decision(
        outcome=outcome,
        client_reasons=_client_reasons(outcome, matched),
        internal_reasons=_internal_reasons(outcome, matched, signals),
        actions=merge_actions(action for rule in matched for action in rule.actions),
        matched_rules=tuple(rule.id for rule in matched),
        signals=tuple(sorted(signals)),
        risk_level=application.rating.level,
        policy_version=policy.version,
        policy_sha256=policy.content_sha256,
    )


def _client_reasons(outcome: Outcome, matched: tuple[Rule, ...]) -> tuple[ClientReason, ...]:
    reasons = [r for rule in matched if rule.outcome is outcome for r in rule.client_reasons]
    if not reasons and outcome in _FALLBACK_CLIENT_REASON:
        reasons.append(_FALLBACK_CLIENT_REASON[outcome])
    return tuple(dict.fromkeys(reasons))


def _internal_reasons(
    outcome: Outcome, matched: tuple[Rule, ...], signals: Signals
) -> tuple[InternalFinding, ...]:
    found = [
        InternalFinding(code, rule.id, _evidence(rule, signals))
        for rule in matched
        for code in rule.internal_reasons
    ]
    if not matched and outcome is not Outcome.APPROVED:
        found.append(InternalFinding(InternalReason.POLICY_DEFAULT, "default"))
    return tuple(found)


def _evidence(rule: Rule, signals: Signals) -> tuple[str, ...]:
    held = sorted(name for name in rule.when.positive if name in signals)
    return tuple(
        f"{name}: {item}" if item else name for name in held for item in signals[name] or ("",)
    )


def client_view(decision: Decision) -> ClientView:
    """The applicant-safe projection of a decision (tipping-off rules)."""
    resubmit: tuple[ResubmissionItem, ...] = ()
    for action in decision.actions:
        if isinstance(action, RequestResubmission):
            resubmit = tuple(sorted(action.items))
    return ClientView(decision.outcome, decision.client_reasons, resubmit)
