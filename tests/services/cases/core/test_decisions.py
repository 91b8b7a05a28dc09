"""Hit-by-hit review and four-eyes decisions: who may approve what, and what approval yields."""

from __future__ import annotations

import pytest

from services.cases.core.assignment import assign, claim
from services.cases.core.decisions import (
    FourEyesPolicy,
    Proposal,
    Reopening,
    approve,
    propose,
    reject,
    reopen,
    review_hit,
    withdraw,
)
from services.cases.core.events import DecisionApproved, DecisionProposed
from services.cases.core.model import CaseStatus, HitVerdict, Outcome
from services.cases.core.roles import Role
from services.common.alerts import ScreeningMatch, Suppression
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from tests.services.cases.factory import (
    ALEX,
    ANA,
    AUD,
    MIA,
    POLICY,
    QUEUES,
    RITA,
    ROB,
    apply,
    investigating,
    later,
    officer,
    open_case,
    pending,
    screening_alert,
)


@pytest.mark.parametrize("outcome", [Outcome.TRUE_MATCH, Outcome.FALSE_POSITIVE])
def test_the_maker_cannot_approve_their_own_decision(outcome: Outcome) -> None:
    both = officer("bea", Role.ANALYST, Role.REVIEWER)
    case = pending(outcome, by=both)
    with pytest.raises(PermissionDenied) as refused:
        approve(case, both, "fine", later(5))
    assert refused.value.reason == "FOUR_EYES"


@pytest.mark.parametrize("checker", [ANA, ALEX, AUD, officer("ada", Role.ADMIN)])
def test_a_checker_without_the_right_role_cannot_approve(checker: object) -> None:
    case = pending()
    with pytest.raises(PermissionDenied):
        approve(case, checker, "fine", later(5))  # type: ignore[arg-type]  # officers


@pytest.mark.parametrize("checker", [RITA, MIA])
def test_a_reviewer_or_mlro_approves_and_both_officers_are_recorded(checker: object) -> None:
    case = pending(Outcome.TRUE_MATCH)
    result = approve(case, checker, "same passport number", later(5))  # type: ignore[arg-type]
    approval = result.events[0]
    assert isinstance(approval, DecisionApproved)
    assert approval.actor == checker.id  # type: ignore[attr-defined]
    assert approval.makers == frozenset({"ana"})
    closed = apply(case, result.events)
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, Outcome.TRUE_MATCH)
    assert result.suppressions == ()


def test_whoever_reviewed_a_hit_is_a_maker_too() -> None:
    case = investigating(ANA)
    case = apply(
        case,
        review_hit(
            case, ANA, case.hits[0].alert_key, HitVerdict.FALSE_POSITIVE, "other dob", later(2)
        ),
    )
    # The case moves to a reviewer, who proposes: the analyst's hit verdict is still in it.
    case = apply(case, assign(case, RITA, ROB, later(3)))
    case = apply(
        case, propose(case, ROB, Proposal("d1", Outcome.FALSE_POSITIVE, "agree"), POLICY, later(4))
    )
    assert case.pending is not None
    assert case.pending.makers == frozenset({"ana", "rob"})
    with pytest.raises(PermissionDenied):
        approve(case, ROB, "", later(5))
    assert apply(case, approve(case, RITA, "", later(5)).events).status is CaseStatus.CLOSED


def test_clearing_a_hit_as_false_positive_yields_a_suppression_keyed_on_both_hashes() -> None:
    case = pending(Outcome.FALSE_POSITIVE)
    result = approve(case, RITA, "date of birth differs", later(5))
    hit = case.hits[0]
    assert result.suppressions == (
        Suppression(
            "cust-1", hit.list_entry_id, customer_hash=hit.subject_hash, entry_hash=hit.entry_hash
        ),
    )
    suppression = result.suppressions[0]
    same = ScreeningMatch(hit.list_entry_id, hit.entry_hash, hit.subject_hash)
    assert suppression.applies_to("cust-1", same)
    assert not suppression.applies_to("cust-2", same)
    changed_entry = ScreeningMatch(hit.list_entry_id, "new-hash", hit.subject_hash)
    assert not suppression.applies_to("cust-1", changed_entry)
    changed_customer = ScreeningMatch(hit.list_entry_id, hit.entry_hash, "new-hash")
    assert not suppression.applies_to("cust-1", changed_customer)


def test_hits_are_reviewed_one_by_one_and_a_mixed_decision_suppresses_only_the_cleared_one() -> (
    None
):
    case = open_case(screening_alert(1), screening_alert(2))
    case = apply(case, claim(case, ANA, later(1)))
    first, second = (h.alert_key for h in case.hits)
    case = apply(
        case, review_hit(case, ANA, first, HitVerdict.TRUE_MATCH, "passport matches", later(2))
    )
    with pytest.raises(FailedPrecondition) as refused:
        propose(case, ANA, Proposal("d1", Outcome.TRUE_MATCH, "match"), POLICY, later(3))
    assert refused.value.reason == "HITS_UNREVIEWED"
    case = apply(
        case, review_hit(case, ANA, second, HitVerdict.FALSE_POSITIVE, "other person", later(3))
    )
    case = apply(
        case, propose(case, ANA, Proposal("d1", Outcome.TRUE_MATCH, "match"), POLICY, later(4))
    )
    result = approve(case, MIA, "", later(5))
    assert [s.list_entry_id for s in result.suppressions] == ["ofac_sdn:1002"]


@pytest.mark.parametrize(
    ("verdicts", "outcome"),
    [
        ((HitVerdict.FALSE_POSITIVE,), Outcome.TRUE_MATCH),
        ((HitVerdict.TRUE_MATCH,), Outcome.FALSE_POSITIVE),
    ],
)
def test_an_outcome_that_contradicts_the_hits_is_refused(
    verdicts: tuple[HitVerdict, ...], outcome: Outcome
) -> None:
    case = investigating()
    case = apply(case, review_hit(case, ANA, case.hits[0].alert_key, verdicts[0], "why", later(2)))
    with pytest.raises(FailedPrecondition):
        propose(case, ANA, Proposal("d1", outcome, "why"), POLICY, later(3))


def test_escalation_is_never_blocked_and_needs_no_checker() -> None:
    case = investigating()  # hits still unreviewed
    events = propose(
        case, ANA, Proposal("d1", Outcome.ESCALATED, "unexplained wires"), POLICY, later(3)
    )
    assert not any(isinstance(e, DecisionProposed) for e in events)
    closed = apply(case, events)
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, Outcome.ESCALATED)


def test_inconclusive_closes_at_once_unless_it_clears_a_hit() -> None:
    case = investigating()
    assert (
        apply(
            case,
            propose(case, ANA, Proposal("d1", Outcome.INCONCLUSIVE, "no data"), POLICY, later(3)),
        ).status
        is CaseStatus.CLOSED
    )
    case = apply(
        case,
        review_hit(
            case, ANA, case.hits[0].alert_key, HitVerdict.FALSE_POSITIVE, "other dob", later(2)
        ),
    )
    after = apply(
        case, propose(case, ANA, Proposal("d1", Outcome.INCONCLUSIVE, "no data"), POLICY, later(3))
    )
    assert after.status is CaseStatus.PENDING_APPROVAL


def test_only_the_assignee_works_the_case() -> None:
    case = investigating(ANA)
    with pytest.raises(PermissionDenied) as refused:
        review_hit(case, ALEX, case.hits[0].alert_key, HitVerdict.TRUE_MATCH, "x", later(2))
    assert refused.value.reason == "NOT_ASSIGNEE"
    with pytest.raises(PermissionDenied):
        propose(case, RITA, Proposal("d1", Outcome.ESCALATED, "x"), POLICY, later(2))


def test_a_rejected_decision_returns_to_the_maker_with_reasons() -> None:
    case = pending()
    with pytest.raises(InvalidArgument):
        reject(case, RITA, " ", later(5))
    back = apply(case, reject(case, RITA, "compare the place of birth", later(5)))
    assert (back.status, back.pending, back.assignee) == (CaseStatus.INVESTIGATING, None, "ana")


def test_only_the_proposer_withdraws() -> None:
    case = pending()
    with pytest.raises(PermissionDenied):
        withdraw(case, ALEX, "", later(5))
    assert apply(case, withdraw(case, ANA, "", later(5))).status is CaseStatus.INVESTIGATING


def test_reopening_is_refused_while_another_case_is_open_for_the_subject() -> None:
    case = pending()
    closed = apply(case, approve(case, RITA, "", later(5)).events)
    with pytest.raises(FailedPrecondition) as refused:
        reopen(
            closed,
            RITA,
            Reopening("new info", QUEUES.named("sanctions"), other_case_open=True),
            later(9),
        )
    assert refused.value.reason == "CASE_ALREADY_OPEN"
    with pytest.raises(PermissionDenied):
        reopen(closed, ANA, Reopening("new info", QUEUES.named("sanctions")), later(9))


def test_the_policy_refuses_configurations_that_would_break_four_eyes() -> None:
    with pytest.raises(InvalidArgument):
        FourEyesPolicy(checkers={Outcome.ESCALATED: frozenset({Role.REVIEWER})})
    with pytest.raises(InvalidArgument):
        FourEyesPolicy(hit_clearance=frozenset())
    with pytest.raises(InvalidArgument):
        FourEyesPolicy(
            checkers={Outcome.TRUE_MATCH: frozenset({Role.MLRO})},
            hit_clearance=frozenset({Role.REVIEWER}),
        )


def test_a_stricter_policy_requires_the_mlro() -> None:
    strict = FourEyesPolicy(checkers={Outcome.TRUE_MATCH: frozenset({Role.MLRO})})
    case = investigating()
    case = apply(
        case, review_hit(case, ANA, case.hits[0].alert_key, HitVerdict.TRUE_MATCH, "same", later(2))
    )
    case = apply(
        case, propose(case, ANA, Proposal("d1", Outcome.TRUE_MATCH, "same"), strict, later(3))
    )
    with pytest.raises(PermissionDenied) as refused:
        approve(case, RITA, "", later(4))
    assert refused.value.reason == "CHECKER_ROLE"
    assert apply(case, approve(case, MIA, "", later(4)).events).outcome is Outcome.TRUE_MATCH
