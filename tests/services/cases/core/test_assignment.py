"""Claim, assign, release, snooze; notes and evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.cases.core.assignment import (
    MAX_EVIDENCE_BYTES,
    EvidenceMeta,
    assign,
    attach,
    claim,
    comment,
    release,
    snooze,
)
from services.cases.core.events import AssigneeChanged, EvidenceAttached
from services.cases.core.model import CaseStatus
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    PermissionDenied,
    ResourceExhausted,
)
from tests.services.cases.factory import (
    ADA,
    ALEX,
    ANA,
    AUD,
    RITA,
    T0,
    apply,
    investigating,
    later,
    open_case,
)

EVIDENCE = EvidenceMeta("ev-1", "bank statement.pdf", "application/pdf", "ab" * 32, 2048)


def test_claim_takes_the_case_and_starts_the_investigation() -> None:
    case = apply(open_case(), claim(open_case(), ANA, later(1)))
    assert (case.assignee, case.status) == ("ana", CaseStatus.INVESTIGATING)


def test_a_claimed_case_cannot_be_claimed_again() -> None:
    with pytest.raises(FailedPrecondition):
        claim(investigating(ANA), ALEX, later(2))


@pytest.mark.parametrize("who", [AUD, ADA])
def test_auditors_and_admins_cannot_claim(who: object) -> None:
    with pytest.raises(PermissionDenied):
        claim(open_case(), who, later(1))  # type: ignore[arg-type]  # officers


def test_reviewers_reassign_and_the_event_keeps_old_and_new() -> None:
    events = assign(investigating(ANA), RITA, ALEX, later(2))
    change = events[0]
    assert isinstance(change, AssigneeChanged)
    assert (change.old_assignee, change.new_assignee, change.actor) == ("ana", "alex", "rita")
    with pytest.raises(PermissionDenied):
        assign(investigating(ANA), ALEX, ALEX, later(2))


def test_a_case_can_only_go_to_someone_who_works_cases() -> None:
    with pytest.raises(InvalidArgument):
        assign(open_case(), RITA, AUD, later(1))
    with pytest.raises(FailedPrecondition):
        assign(investigating(ANA), RITA, ANA, later(1))


def test_release_puts_the_case_back_in_the_queue() -> None:
    case = investigating(ANA)
    released = apply(case, release(case, ANA, "on leave", later(2)))
    assert (released.assignee, released.status) == (None, CaseStatus.OPEN)
    with pytest.raises(PermissionDenied):
        release(case, ALEX, "not mine", later(2))
    assert apply(case, release(case, RITA, "rebalancing", later(2))).assignee is None


def test_snooze_hides_a_case_until_a_date_and_can_be_lifted() -> None:
    case = investigating(ANA)
    until = later(60 * 48)
    snoozed = apply(case, snooze(case, ANA, until, "awaiting documents", later(2)))
    assert snoozed.is_snoozed(later(60))
    assert not snoozed.is_snoozed(until)
    woken = apply(snoozed, snooze(snoozed, ANA, None, "", later(3)))
    assert woken.snoozed_until is None
    with pytest.raises(FailedPrecondition):
        snooze(woken, ANA, None, "", later(4))


@pytest.mark.parametrize(
    ("until", "reason"),
    [
        (T0 - timedelta(minutes=1), "x"),
        (T0 + timedelta(days=91), "x"),
        (later(60).replace(tzinfo=None), "x"),
        (later(60), " "),
    ],
)
def test_bad_snoozes_are_refused(until: object, reason: str) -> None:
    with pytest.raises(InvalidArgument):
        snooze(investigating(ANA), ANA, until, reason, later(2))  # type: ignore[arg-type]


def test_notes_need_text_and_have_a_size_limit() -> None:
    with pytest.raises(InvalidArgument):
        comment(open_case(), ANA, "  ", "c1", later(1))
    with pytest.raises(ResourceExhausted):
        comment(open_case(), ANA, "x" * 20_001, "c1", later(1))
    with pytest.raises(PermissionDenied):
        comment(open_case(), AUD, "auditors only read", "c1", later(1))


def test_evidence_is_recorded_with_its_digest() -> None:
    event = attach(open_case(), ANA, EVIDENCE, later(1))[0]
    assert isinstance(event, EvidenceAttached)
    assert (event.sha256, event.size, event.filename) == ("ab" * 32, 2048, "bank statement.pdf")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"size": MAX_EVIDENCE_BYTES + 1}, ResourceExhausted),
        ({"size": 0}, InvalidArgument),
        ({"filename": "../../etc/passwd"}, InvalidArgument),
        ({"filename": "a\\b.pdf"}, InvalidArgument),
        ({"filename": "inject\r\nheader.pdf"}, InvalidArgument),
        ({"filename": "x" * 256}, InvalidArgument),
        ({"media_type": "text/html; charset=utf-8"}, InvalidArgument),
        ({"sha256": "AB" * 32}, InvalidArgument),
        ({"sha256": "ab" * 31}, InvalidArgument),
    ],
)
def test_bad_evidence_is_refused(change: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        attach(open_case(), ANA, replace(EVIDENCE, **change), later(1))  # type: ignore[arg-type]
