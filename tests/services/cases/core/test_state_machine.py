"""Every workflow command against every case status: legal ones act, the rest are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.cases.core import assignment, decisions
from services.cases.core.decisions import Proposal, Reopening
from services.cases.core.events import CaseEvent
from services.cases.core.model import Case, CaseStatus, HitVerdict, Outcome
from services.common.errors import FailedPrecondition
from tests.services.cases.factory import (
    ALEX,
    ANA,
    POLICY,
    QUEUES,
    RITA,
    apply,
    investigating,
    later,
    open_case,
    pending,
)

Command = Callable[[Case], tuple[CaseEvent, ...]]
NOW = later(30)
COMMANDS: dict[str, Command] = {
    "claim": lambda c: assignment.claim(c, ANA, NOW),
    "assign": lambda c: assignment.assign(c, RITA, ALEX, NOW),
    "release": lambda c: assignment.release(c, ANA, "handing over", NOW),
    "snooze": lambda c: assignment.snooze(c, ANA, later(600), "waiting for the customer", NOW),
    "review_hit": lambda c: decisions.review_hit(
        c, ANA, c.hits[0].alert_key, HitVerdict.TRUE_MATCH, "same passport", NOW
    ),
    "propose": lambda c: decisions.propose(
        c, ANA, Proposal("d9", Outcome.ESCALATED, "suspicious pattern"), POLICY, NOW
    ),
    "withdraw": lambda c: decisions.withdraw(c, ANA, "more to check", NOW),
    "approve": lambda c: decisions.approve(c, RITA, "agreed", NOW).events,
    "reject": lambda c: decisions.reject(c, RITA, "check the date of birth", NOW),
    "reopen": lambda c: decisions.reopen(
        c, RITA, Reopening("new information", QUEUES.named(c.queue)), NOW
    ),
}
LEGAL = {
    "claim": {CaseStatus.OPEN},
    "assign": {CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.PENDING_APPROVAL},
    "release": {CaseStatus.INVESTIGATING},
    "snooze": {CaseStatus.INVESTIGATING},
    "review_hit": {CaseStatus.INVESTIGATING},
    "propose": {CaseStatus.INVESTIGATING},
    "withdraw": {CaseStatus.PENDING_APPROVAL},
    "approve": {CaseStatus.PENDING_APPROVAL},
    "reject": {CaseStatus.PENDING_APPROVAL},
    "reopen": {CaseStatus.CLOSED},
}


def closed() -> Case:
    case = pending()
    return apply(case, decisions.approve(case, RITA, "", later(10)).events)


BUILDERS: dict[CaseStatus, Callable[[], Case]] = {
    CaseStatus.OPEN: open_case,
    CaseStatus.INVESTIGATING: investigating,
    CaseStatus.PENDING_APPROVAL: pending,
    CaseStatus.CLOSED: closed,
}


def test_the_tables_cover_every_command_and_status() -> None:
    assert set(LEGAL) == set(COMMANDS)
    assert set(BUILDERS) == set(CaseStatus)


@pytest.mark.parametrize("status", list(CaseStatus))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_in_every_status(command: str, status: CaseStatus) -> None:
    case = BUILDERS[status]()
    assert case.status is status
    if status in LEGAL[command]:
        events = COMMANDS[command](case)
        after = apply(case, events)
        assert after.version == case.version + len(events)
    else:
        with pytest.raises(FailedPrecondition) as refused:
            COMMANDS[command](case)
        assert refused.value.reason == "ILLEGAL_TRANSITION"


@pytest.mark.parametrize(
    ("command", "status_after"),
    [
        ("claim", CaseStatus.INVESTIGATING),
        ("release", CaseStatus.OPEN),
        ("withdraw", CaseStatus.INVESTIGATING),
        ("approve", CaseStatus.CLOSED),
        ("reject", CaseStatus.INVESTIGATING),
        ("reopen", CaseStatus.OPEN),
        ("propose", CaseStatus.CLOSED),  # escalation closes at once
    ],
)
def test_where_each_transition_leads(command: str, status_after: CaseStatus) -> None:
    start = next(s for s in CaseStatus if s in LEGAL[command])
    case = BUILDERS[start]()
    assert apply(case, COMMANDS[command](case)).status is status_after


def test_comments_and_evidence_are_accepted_in_every_status() -> None:
    evidence = assignment.EvidenceMeta("ev-1", "statement.pdf", "application/pdf", "a" * 64, 10)
    for build in BUILDERS.values():
        case = build()
        assert assignment.comment(case, RITA, "called the branch", "c1", NOW)
        assert assignment.attach(case, ANA, evidence, NOW)


def test_the_outcome_is_kept_apart_from_the_status_and_survives_in_history() -> None:
    case = closed()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, Outcome.FALSE_POSITIVE)
    reopened = apply(case, COMMANDS["reopen"](case))
    assert (reopened.status, reopened.outcome) == (CaseStatus.OPEN, None)
    assert reopened.reopen_count == 1
    assert reopened.assignee is None
    assert reopened.due_at > case.due_at
