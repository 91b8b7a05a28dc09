"""Alert intake: idempotency, one open case per (subject, kind), severity only rises."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.cases.core.assignment import snooze
from services.cases.core.decisions import approve
from services.cases.core.events import (
    AlertAttached,
    CaseOpened,
    DecisionRejected,
    SeverityRaised,
    SnoozeChanged,
    StatusChanged,
)
from services.cases.core.intake import IntakeContext, case_key, intake_alert
from services.cases.core.model import CaseKind, CaseStatus, SubjectRef
from services.common.alerts import AlertSource, Severity, SubjectKind
from services.common.errors import FailedPrecondition, InvalidArgument
from tests.services.cases.factory import (
    ANA,
    QUEUES,
    RITA,
    T0,
    apply,
    investigating,
    later,
    open_case,
    pending,
    ring_alert,
    screening_alert,
)

CTX = IntakeContext(now=T0, new_case_id="case-9", queues=QUEUES)


def test_a_first_alert_opens_a_case_in_its_queue_with_its_sla() -> None:
    result = intake_alert(
        screening_alert(severity=Severity.CRITICAL), None, already_recorded=False, ctx=CTX
    )
    assert result.opened
    assert [type(e) for e in result.events] == [CaseOpened, AlertAttached]
    case = apply(None, result.events)
    assert case.id == "case-9"
    assert case.kind is CaseKind.SCREENING
    assert case.queue == "sanctions"
    assert case.status is CaseStatus.OPEN
    assert case.due_at == T0 + timedelta(hours=4)
    assert case.subject == SubjectRef(SubjectKind.CUSTOMER, "cust-1")
    assert [h.list_entry_id for h in case.hits] == ["ofac_sdn:1001"]
    assert case.typologies == ("sanctions",)


def test_the_sla_runs_from_when_the_alert_was_raised_not_from_a_late_intake() -> None:
    ctx = replace(CTX, now=T0 + timedelta(hours=3))
    case = apply(
        None,
        intake_alert(
            screening_alert(severity=Severity.CRITICAL), None, already_recorded=False, ctx=ctx
        ).events,
    )
    assert case.due_at == T0 + timedelta(hours=4)
    assert case.opened_at == T0 + timedelta(hours=3)


def test_an_alert_already_recorded_changes_nothing() -> None:
    case = open_case()
    again = intake_alert(screening_alert(), case, already_recorded=False, ctx=CTX)
    assert again.duplicate
    assert again.case_id == case.id
    elsewhere = intake_alert(screening_alert(), None, already_recorded=True, ctx=CTX)
    assert elsewhere.duplicate
    assert elsewhere.events == ()


def test_a_second_alert_for_the_same_subject_and_kind_attaches() -> None:
    case = open_case(screening_alert(1), screening_alert(2))
    assert case.id == "case-1"
    assert len(case.alert_keys) == 2
    assert len(case.hits) == 2


def test_rescreening_hits_join_the_open_screening_case() -> None:
    rescreen = screening_alert(2, source=AlertSource.RESCREENING_HIT)
    assert case_key(rescreen) == case_key(screening_alert(1))
    case = open_case(screening_alert(1), rescreen)
    assert len(case.hits) == 2


def test_different_kinds_of_the_same_subject_are_different_cases() -> None:
    identity = replace(
        ring_alert(),
        source=AlertSource.IDENTITY_CHECK,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id="cust-1",
    )
    assert case_key(identity)[1] is CaseKind.IDENTITY
    assert case_key(identity) != case_key(screening_alert())
    with pytest.raises(FailedPrecondition):
        intake_alert(identity, open_case(), already_recorded=False, ctx=CTX)


def test_a_closed_case_takes_no_new_alert() -> None:
    case = pending()
    closed = apply(case, approve(case, RITA, "", later(5)).events)
    with pytest.raises(FailedPrecondition):
        intake_alert(screening_alert(2), closed, already_recorded=False, ctx=CTX)


def test_severity_rises_and_brings_the_due_date_closer() -> None:
    case = open_case(screening_alert(1, severity=Severity.LOW))
    assert case.due_at == T0 + timedelta(days=5)
    ctx = replace(CTX, now=T0 + timedelta(hours=1))
    result = intake_alert(
        screening_alert(2, severity=Severity.CRITICAL), case, already_recorded=False, ctx=ctx
    )
    raised = [e for e in result.events if isinstance(e, SeverityRaised)]
    assert len(raised) == 1
    assert (raised[0].old_severity, raised[0].new_severity) == (Severity.LOW, Severity.CRITICAL)
    case = apply(case, result.events)
    assert case.severity is Severity.CRITICAL
    # four hours from the critical alert's arrival, not from the case's opening
    assert case.due_at == T0 + timedelta(hours=5)


def test_severity_never_falls() -> None:
    case = open_case(
        screening_alert(1, severity=Severity.CRITICAL), screening_alert(2, severity=Severity.LOW)
    )
    assert case.severity is Severity.CRITICAL
    assert case.due_at == T0 + timedelta(hours=4)


def test_a_new_alert_wakes_a_snoozed_case() -> None:
    case = investigating()
    case = apply(case, snooze(case, ANA, later(60 * 24), "waiting for documents", later(2)))
    assert case.is_snoozed(later(3))
    result = intake_alert(
        screening_alert(2), case, already_recorded=False, ctx=replace(CTX, now=later(4))
    )
    assert any(isinstance(e, SnoozeChanged) and e.new_until is None for e in result.events)
    assert not apply(case, result.events).is_snoozed(later(5))


def test_a_new_alert_voids_a_decision_waiting_for_approval() -> None:
    case = pending()
    result = intake_alert(
        screening_alert(2), case, already_recorded=False, ctx=replace(CTX, now=later(10))
    )
    kinds = [type(e) for e in result.events]
    assert kinds == [AlertAttached, DecisionRejected, StatusChanged]
    after = apply(case, result.events)
    assert after.status is CaseStatus.INVESTIGATING
    assert after.pending is None
    assert result.events[1].actor == "system:screening_hit"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": " "}, "key"),
        ({"key": "k" * 513}, "key"),
        ({"subject_id": ""}, "subject_id"),
        ({"title": ""}, "title"),
        ({"summary": "s" * 10_001}, "summary"),
        ({"raised_at": T0.replace(tzinfo=None)}, "raised_at"),
        ({"related_subjects": tuple(str(i) for i in range(1001))}, "related_subjects"),
        ({"source": AlertSource.GRAPH_RING}, "match"),
    ],
)
def test_a_malformed_alert_is_refused_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    alert = replace(screening_alert(), **change)  # type: ignore[arg-type]  # test data
    with pytest.raises(InvalidArgument) as refused:
        intake_alert(alert, None, already_recorded=False, ctx=CTX)
    assert field in [v.field for v in refused.value.violations]


def test_graph_alerts_carry_their_related_subjects_and_typology() -> None:
    case = open_case(ring_alert(1), replace(ring_alert(2), related_subjects=("acct-3", "acct-4")))
    assert case.queue == "transactions"
    assert case.related_subjects == ("acct-2", "acct-3", "acct-4")
    assert case.typologies == ("fan_in",)
    assert case.hits == ()
