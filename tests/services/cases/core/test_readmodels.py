"""Read models: onboarding's standing, queue rows, the timeline and the dashboard figures."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta

from services.cases.core.assignment import comment
from services.cases.core.decisions import Proposal, approve, propose, reject
from services.cases.core.model import Case, CaseStatus, Outcome
from services.cases.core.queues import SlaState
from services.cases.core.readmodels import (
    CaseSummary,
    Rate,
    SubjectStanding,
    dashboard,
    officer_activity,
    standing_of,
    summarise,
    timeline,
)
from services.common.alerts import Severity
from tests.services.cases.factory import (
    ANA,
    MIA,
    POLICY,
    QUEUES,
    RITA,
    T0,
    apply,
    investigating,
    later,
    open_case,
    pending,
    ring_alert,
)


def closed(outcome: Outcome) -> Case:
    case = pending(outcome)
    return apply(case, approve(case, RITA, "", later(5)).events)


def escalated() -> Case:
    case = investigating()
    return apply(
        case, propose(case, ANA, Proposal("d", Outcome.ESCALATED, "wires"), POLICY, later(4))
    )


def test_onboarding_sees_under_review_while_any_case_is_open() -> None:
    assert standing_of([open_case()]) is SubjectStanding.UNDER_REVIEW
    assert standing_of([closed(Outcome.FALSE_POSITIVE), pending()]) is SubjectStanding.UNDER_REVIEW


def test_onboarding_learns_of_a_confirmed_match_and_nothing_else() -> None:
    assert standing_of([]) is SubjectStanding.CLEAR
    assert standing_of([closed(Outcome.TRUE_MATCH)]) is SubjectStanding.CONFIRMED_MATCH
    assert standing_of([closed(Outcome.FALSE_POSITIVE)]) is SubjectStanding.CLEAR


def test_an_escalation_is_indistinguishable_from_a_cleared_case_for_onboarding() -> None:
    assert standing_of([escalated()]) is standing_of([closed(Outcome.FALSE_POSITIVE)])


def test_no_case_read_model_can_express_a_sar() -> None:
    # Structural: the case outcome has no SAR value and no case-side type has a SAR field.
    assert "sar" not in " ".join(o.value for o in Outcome)
    for cls in (Case, CaseSummary):
        assert not [f.name for f in fields(cls) if "sar" in f.name.lower()]
    assert {s.value for s in SubjectStanding} == {"clear", "under_review", "confirmed_match"}


def test_a_queue_row_carries_its_sla_and_age() -> None:
    row = summarise(open_case(), QUEUES, T0 + timedelta(hours=30))
    assert (row.sla, row.age, row.snoozed) == (SlaState.BREACHED, "1-3d", False)


def test_the_timeline_shows_who_did_what_with_old_and_new_values() -> None:
    case = pending()
    events = (
        *reject(case, RITA, "check the dob", later(5)),
        *comment(case, MIA, "noted", "c1", later(6)),
    )
    entries = timeline(events)
    assert [(e.actor, e.what) for e in entries] == [
        ("rita", "DecisionRejected"),
        ("rita", "StatusChanged"),
        ("mia", "CommentAdded"),
    ]
    assert entries[1].changes[0].old is CaseStatus.PENDING_APPROVAL
    assert entries[0].note == "check the dob"
    assert entries[2].note == "noted"


def test_dashboard_figures() -> None:
    fp = closed(Outcome.FALSE_POSITIVE)
    tm = replace(closed(Outcome.TRUE_MATCH), id="case-2")
    late_open = replace(open_case(ring_alert(severity=Severity.CRITICAL)), id="case-3")
    waiting = replace(pending(), id="case-4")
    now = T0 + timedelta(days=2)
    board = dashboard([fp, tm, late_open, waiting], [], QUEUES, now)
    assert board.open_by_queue == {"transactions": 1, "sanctions": 1}
    assert board.sla_by_queue["transactions"] == {SlaState.BREACHED: 1}
    assert board.breached == 2
    assert board.pending_approval == 1
    assert board.ageing == {"1-3d": 2}
    assert board.fp_by_list == {"ofac_sdn": Rate(1, 2)}
    assert board.fp_by_list["ofac_sdn"].rate == 0.5
    assert board.fp_by_typology == {"sanctions": Rate(1, 2)}


def test_activity_per_officer_counts_proposals_approvals_and_closures() -> None:
    case = pending()
    events = list(approve(case, RITA, "", later(5)).events)
    activity = officer_activity(events)
    assert activity["rita"].approved == 1
    assert activity["rita"].closed == 1
    assert "ana" not in activity
    assert Rate(0, 0).rate == 0.0
