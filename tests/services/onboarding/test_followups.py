"""Alerts that re-rate customers: re-screening hits and graph rings, mapped to onboarding tasks."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest

from services.common.alerts import Alert, AlertSource, ScreeningMatch, Severity, SubjectKind
from services.onboarding.followups import RERATE_RESCREENING_TASK, RERATE_RING_TASK, follow_ups
from workers.tasks import onboarding as tasks

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _rescreening(topics: list[str], match: ScreeningMatch | None = None) -> Alert:
    return Alert(
        key="screening:cus_1:ofac_sdn:36:abc:def",
        source=AlertSource.RESCREENING_HIT,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id="cus_1",
        severity=Severity.HIGH,
        title="New list match",
        raised_at=NOW,
        evidence={"topics": topics},
        match=match or ScreeningMatch("ofac_sdn:36", "e" * 64, "c" * 64, 1.2),
    )


def _ring() -> Alert:
    return Alert(
        key="graph:ring:f1",
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id="acc_1",
        severity=Severity.MEDIUM,
        title="Suspected cycle",
        raised_at=NOW,
        evidence={"typology": "cycle"},
        related_subjects=("acc_2", "acc_3"),
    )


@pytest.mark.parametrize(
    ("topics", "category"),
    [(["sanction"], "sanctions"), (["role.pep"], "pep"), (["debarment"], "other"), ([], "other")],
)
def test_rescreening_hit_rerates_the_customer(topics: list[str], category: str) -> None:
    (work,) = follow_ups(_rescreening(topics))
    assert work.task_name == RERATE_RESCREENING_TASK
    assert work.kwargs == {
        "customer_id": "cus_1",
        "key": "screening:cus_1:ofac_sdn:36:abc:def",
        "entry_id": "ofac_sdn:36",
        "category": category,
        "score": 1.2,
        "is_match": True,
    }


def test_ring_rerates_the_owners_of_every_account() -> None:
    (work,) = follow_ups(_ring())
    assert work.task_name == RERATE_RING_TASK
    assert work.kwargs == {
        "key": "graph:ring:f1",
        "typology": "cycle",
        "severity": "medium",
        "accounts": ["acc_1", "acc_2", "acc_3"],
    }


def test_other_alerts_need_no_rerating() -> None:
    onboarding_alert = Alert(
        key="onboarding:x",
        source=AlertSource.ONBOARDING,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id="cus_1",
        severity=Severity.LOW,
        title="t",
        raised_at=NOW,
    )
    assert follow_ups(onboarding_alert) == []


def test_follow_up_arguments_fit_the_tasks() -> None:
    """The kwargs a follow-up sends must bind to the task's signature (drift fails here)."""
    for work in (*follow_ups(_rescreening(["sanction"])), *follow_ups(_ring())):
        task = {
            RERATE_RESCREENING_TASK: tasks.rerate_rescreening,
            RERATE_RING_TASK: tasks.rerate_ring,
        }[work.task_name]
        inspect.signature(task.run).bind(**work.kwargs)
