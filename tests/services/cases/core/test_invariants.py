"""Random officer behaviour never breaks the case invariants (hypothesis drives the commands)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.cases.core import assignment, decisions
from services.cases.core.decisions import Proposal, Reopening
from services.cases.core.events import CaseEvent
from services.cases.core.fold import replay
from services.cases.core.intake import IntakeContext, intake_alert
from services.cases.core.model import Case, CaseStatus, HitVerdict, Outcome
from services.cases.core.roles import Officer
from services.common.alerts import Severity
from services.common.errors import WardenError
from tests.services.cases.factory import (
    ALEX,
    ANA,
    AUD,
    MIA,
    POLICY,
    QUEUES,
    RITA,
    T0,
    apply,
    open_case,
    screening_alert,
)

OFFICERS = [ANA, ALEX, RITA, MIA, AUD]
Step = Callable[[Case, Officer, int], tuple[CaseEvent, ...]]


def _hit(case: Case, n: int) -> str:
    return case.hits[n % len(case.hits)].alert_key if case.hits else "none"


def _new_alert(case: Case, _: Officer, n: int) -> tuple[CaseEvent, ...]:
    severity = list(Severity)[n % 4]
    ctx = IntakeContext(now=T0 + timedelta(minutes=n), new_case_id="x", queues=QUEUES)
    return intake_alert(
        screening_alert(n % 5, severity=severity), case, already_recorded=False, ctx=ctx
    ).events


def _review_all(case: Case, officer: Officer, n: int) -> tuple[CaseEvent, ...]:
    """The assignee goes through every pending hit with one verdict (a common real session)."""
    verdict = HitVerdict.TRUE_MATCH if n % 2 else HitVerdict.FALSE_POSITIVE
    events: list[CaseEvent] = []
    current = case
    for hit in case.hits:
        if hit.verdict is not verdict:
            step = decisions.review_hit(
                current, officer, hit.alert_key, verdict, "why", T0 + timedelta(minutes=n)
            )
            current = apply(current, step)
            events.extend(step)
    return tuple(events)


STEPS: list[Step] = [
    lambda c, o, n: assignment.claim(c, o, T0 + timedelta(minutes=n)),
    lambda c, o, n: assignment.assign(c, o, OFFICERS[n % 5], T0 + timedelta(minutes=n)),
    lambda c, o, n: assignment.release(c, o, "r", T0 + timedelta(minutes=n)),
    lambda c, o, n: assignment.snooze(
        c, o, T0 + timedelta(minutes=n + 60), "w", T0 + timedelta(minutes=n)
    ),
    lambda c, o, n: decisions.review_hit(
        c, o, _hit(c, n), list(HitVerdict)[n % 3], "why", T0 + timedelta(minutes=n)
    ),
    lambda c, o, n: decisions.propose(
        c, o, Proposal(f"d{n}", list(Outcome)[n % 4], "why"), POLICY, T0 + timedelta(minutes=n)
    ),
    lambda c, o, n: decisions.approve(c, o, "", T0 + timedelta(minutes=n)).events,
    lambda c, o, n: decisions.reject(c, o, "again", T0 + timedelta(minutes=n)),
    lambda c, o, n: decisions.withdraw(c, o, "", T0 + timedelta(minutes=n)),
    lambda c, o, n: decisions.reopen(
        c, o, Reopening("new", QUEUES.named(c.queue)), T0 + timedelta(minutes=n)
    ),
    _new_alert,
    _review_all,
]


def actor(case: Case, who: int) -> Officer:
    """0 is whoever holds the case (so scripts often act as the assignee), else a fixed officer."""
    if who == 0 and case.assignee is not None:
        return next(o for o in OFFICERS if o.id == case.assignee)
    return OFFICERS[who]


def check_invariants(case: Case, before: Case) -> None:
    assert (case.status is CaseStatus.PENDING_APPROVAL) == (case.pending is not None)
    assert (
        (case.status is CaseStatus.CLOSED)
        == (case.outcome is not None)
        == (case.closed_at is not None)
    )
    if case.status is CaseStatus.INVESTIGATING:
        assert case.assignee is not None
    if case.status is CaseStatus.OPEN:
        assert case.assignee is None
    assert case.severity.rank >= before.severity.rank
    assert len(case.alert_keys) == len(set(case.alert_keys))
    if case.pending is not None:
        assert case.pending.proposed_by in case.pending.makers
        assert case.pending.checker_roles


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 4), st.integers(0, 50)),
        max_size=40,
    )
)
def test_random_commands_keep_the_invariants_and_the_stream_replays(
    script: list[tuple[int, int, int]],
) -> None:
    ctx = IntakeContext(now=T0, new_case_id="case-1", queues=QUEUES)
    stream: list[CaseEvent] = list(
        intake_alert(screening_alert(), None, already_recorded=False, ctx=ctx).events
    )
    case = replay(stream)
    assert case == open_case()
    for minute, (step, who, n) in enumerate(script, start=1):
        try:
            events = STEPS[step](case, actor(case, who), n + minute * 100)
        except WardenError:
            continue  # refused: the state must not have changed, which immutability guarantees
        before, case = case, apply(case, events)
        stream.extend(events)
        check_invariants(case, before)
        if step == 6:  # an approval: the checker is not a maker
            assert before.pending is not None
            assert actor(before, who).id not in before.pending.makers
    assert replay(stream) == case
