"""SLA states, due dates, ageing and the claim-next order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.cases.core.model import CaseKind, CaseStatus
from services.cases.core.queues import (
    DEFAULT_QUEUES,
    QueueBook,
    QueueConfig,
    SlaState,
    age_bucket,
    claim_order,
    next_to_claim,
    sla_state,
)
from services.common.alerts import Severity
from services.common.errors import InvalidArgument, NotFound
from tests.services.cases.factory import QUEUES, T0, open_case, screening_alert

SANCTIONS = QUEUES.named("sanctions")


def test_every_kind_has_exactly_one_queue() -> None:
    assert {QUEUES.for_kind(k).name for k in CaseKind} == {
        "sanctions",
        "identity",
        "onboarding",
        "transactions",
    }
    with pytest.raises(InvalidArgument):
        QueueBook(queues=DEFAULT_QUEUES[:2])
    with pytest.raises(InvalidArgument):
        QueueBook(queues=(*DEFAULT_QUEUES, replace(DEFAULT_QUEUES[0], name="copy")))
    with pytest.raises(NotFound):
        QUEUES.named("nope")


def test_a_queue_needs_a_positive_sla_for_every_severity() -> None:
    with pytest.raises(InvalidArgument):
        QueueConfig("q", frozenset(), {Severity.LOW: timedelta(days=1)})
    with pytest.raises(InvalidArgument):
        QueueConfig("q", frozenset(), {s: timedelta(0) for s in Severity})
    with pytest.raises(InvalidArgument):
        QueueConfig("q", frozenset(), {s: timedelta(1) for s in Severity}, at_risk_fraction=1.5)


@pytest.mark.parametrize(
    ("hours_later", "state"),
    [
        (1, SlaState.ON_TRACK),
        (17.9, SlaState.ON_TRACK),
        (18.5, SlaState.AT_RISK),
        (24, SlaState.AT_RISK),
        (24.1, SlaState.BREACHED),
    ],
)
def test_sla_state_of_an_open_case(hours_later: float, state: SlaState) -> None:
    case = open_case(screening_alert(severity=Severity.HIGH))  # 24 h, at risk in the last 6 h
    assert sla_state(case, SANCTIONS, T0 + timedelta(hours=hours_later)) is state


def test_closed_cases_met_or_missed_their_sla() -> None:
    case = open_case(screening_alert(severity=Severity.HIGH))
    on_time = replace(case, status=CaseStatus.CLOSED, closed_at=T0 + timedelta(hours=23))
    late = replace(on_time, closed_at=T0 + timedelta(hours=25))
    assert sla_state(on_time, SANCTIONS, T0 + timedelta(days=9)) is SlaState.MET
    assert sla_state(late, SANCTIONS, T0) is SlaState.MISSED


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, "<1d"), (2, "1-3d"), (5, "3-7d"), (10, "7-30d"), (45, ">30d")]
)
def test_ageing_buckets(days: int, bucket: str) -> None:
    assert age_bucket(open_case(), T0 + timedelta(days=days, minutes=1)) == bucket


def test_claim_next_takes_the_earliest_due_then_the_most_severe_then_the_oldest() -> None:
    base = open_case()
    a = replace(base, id="a", due_at=T0 + timedelta(hours=5), severity=Severity.LOW)
    b = replace(base, id="b", due_at=T0 + timedelta(hours=4), severity=Severity.LOW)
    c = replace(base, id="c", due_at=T0 + timedelta(hours=4), severity=Severity.CRITICAL)
    d = replace(
        base,
        id="d",
        due_at=T0 + timedelta(hours=4),
        severity=Severity.CRITICAL,
        opened_at=T0 - timedelta(hours=1),
    )
    assert [x.id for x in sorted([a, b, c, d], key=claim_order)] == ["d", "c", "b", "a"]


def test_claim_next_skips_assigned_snoozed_and_other_queues() -> None:
    base = open_case()
    taken = replace(base, id="taken", assignee="ana", due_at=T0)
    asleep = replace(base, id="asleep", snoozed_until=T0 + timedelta(days=1), due_at=T0)
    other = replace(base, id="other", queue="transactions", due_at=T0)
    free = replace(base, id="free")
    woke = replace(
        base, id="woke", snoozed_until=T0 - timedelta(minutes=1), due_at=T0 + timedelta(hours=1)
    )
    cases = [taken, asleep, other, free, woke]
    assert next_to_claim(cases, frozenset({"sanctions"}), T0).id == "woke"  # type: ignore[union-attr]
    assert next_to_claim([taken, asleep], frozenset({"sanctions"}), T0) is None
