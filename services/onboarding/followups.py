"""Alerts that change what a customer's risk is: queue a re-rating (registered in the registry as
the onboarding area's `alert_followups`, so producers never need to know onboarding exists)."""

from __future__ import annotations

from services.common.alerts import Alert, AlertSource, FollowUp, SubjectKind
from services.onboarding.core.checks import category_of_topics

RERATE_RING_TASK = "onboarding.rerate_ring"
RERATE_RESCREENING_TASK = "onboarding.rerate_rescreening"


def follow_ups(alert: Alert) -> list[FollowUp]:
    """A re-screening hit on a customer, or a ring through accounts, re-rates who it involves."""
    if alert.source is AlertSource.RESCREENING_HIT:
        return _rescreening(alert)
    if alert.source is AlertSource.GRAPH_RING:
        return [_ring(alert)]
    return []


def _rescreening(alert: Alert) -> list[FollowUp]:
    if alert.subject_kind is not SubjectKind.CUSTOMER or alert.match is None:
        return []
    raw_topics = alert.evidence.get("topics")
    topics = [str(t) for t in raw_topics] if isinstance(raw_topics, list) else []
    kwargs = {
        "customer_id": alert.subject_id,
        "key": alert.key,
        "entry_id": alert.match.list_entry_id,
        "category": category_of_topics(topics).value,
        "score": alert.match.score,
        # Re-screening raises only entries at or above the match threshold.
        "is_match": True,
    }
    return [FollowUp(RERATE_RESCREENING_TASK, kwargs)]


def _ring(alert: Alert) -> FollowUp:
    typology = str(alert.evidence.get("typology") or alert.typology or "ring")
    accounts = [alert.subject_id, *alert.related_subjects]
    kwargs = {
        "key": alert.key,
        "typology": typology,
        "severity": alert.severity.value,
        "accounts": accounts,
    }
    return FollowUp(RERATE_RING_TASK, kwargs)
