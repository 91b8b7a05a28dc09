"""Events serialise and fold faithfully; a broken stream is refused, not folded."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from services.cases.core.assignment import EvidenceMeta, attach, claim, comment, release, snooze
from services.cases.core.decisions import (
    Proposal,
    Reopening,
    approve,
    propose,
    reject,
    reopen,
    review_hit,
)
from services.cases.core.events import (
    EVENT_TYPES,
    CaseEvent,
    CaseOpened,
    FieldChange,
    StatusChanged,
    event_from_dict,
    event_to_dict,
)
from services.cases.core.fold import evolve, replay
from services.cases.core.intake import IntakeContext, intake_alert
from services.cases.core.model import Case, CaseStatus, HitVerdict, Outcome
from services.common.alerts import Severity
from services.common.errors import FailedPrecondition, InvalidArgument
from tests.services.cases.factory import (
    ANA,
    POLICY,
    QUEUES,
    RITA,
    T0,
    apply,
    investigating,
    later,
    pending,
    screening_alert,
)


class Stream:
    """Runs commands against a case and keeps every event they caused."""

    def __init__(self) -> None:
        self.events: list[CaseEvent] = []
        self.case: Case | None = None

    def run(self, new: tuple[CaseEvent, ...]) -> Case:
        self.events.extend(new)
        self.case = apply(self.case, new)
        return self.case


def every_kind_of_event() -> list[CaseEvent]:
    """One realistic stream that uses every event type."""
    s = Stream()
    ctx = IntakeContext(now=T0, new_case_id="case-1", queues=QUEUES)
    case = s.run(intake_alert(screening_alert(1), None, already_recorded=False, ctx=ctx).events)
    critical = screening_alert(2, severity=Severity.CRITICAL)
    case = s.run(intake_alert(critical, case, already_recorded=False, ctx=ctx).events)
    case = s.run(claim(case, ANA, later(1)))
    case = s.run(snooze(case, ANA, later(90), "waiting", later(2)))
    case = s.run(comment(case, RITA, "called the customer", "c1", later(3)))
    case = s.run(
        attach(case, ANA, EvidenceMeta("e1", "id.png", "image/png", "0" * 64, 10), later(4))
    )
    for hit in case.hits:
        verdict = HitVerdict.FALSE_POSITIVE
        case = s.run(review_hit(case, ANA, hit.alert_key, verdict, "other person", later(5)))
    case = s.run(
        propose(case, ANA, Proposal("d1", Outcome.FALSE_POSITIVE, "both"), POLICY, later(6))
    )
    case = s.run(reject(case, RITA, "check the second hit", later(7)))
    case = s.run(propose(case, ANA, Proposal("d2", Outcome.FALSE_POSITIVE, "ok"), POLICY, later(8)))
    case = s.run(approve(case, RITA, "agreed", later(9)).events)
    s.run(reopen(case, RITA, Reopening("new list version", QUEUES.named("sanctions")), later(10)))
    return s.events


def test_the_sample_stream_uses_every_event_type() -> None:
    assert {type(e).__name__ for e in every_kind_of_event()} == set(EVENT_TYPES)


def test_every_event_round_trips_through_json() -> None:
    for event in every_kind_of_event():
        encoded = orjson.loads(orjson.dumps(event_to_dict(event)))
        assert event_from_dict(encoded) == event


def test_a_replayed_stream_gives_the_same_case() -> None:
    events = every_kind_of_event()
    decoded = [event_from_dict(orjson.loads(orjson.dumps(event_to_dict(e)))) for e in events]
    assert replay(decoded) == replay(events)
    assert replay(events).status is CaseStatus.OPEN


def test_events_list_their_old_and_new_values() -> None:
    case = pending()
    events = reject(case, RITA, "again", later(9))
    status = next(e for e in events if isinstance(e, StatusChanged))
    assert status.changes() == (
        FieldChange("status", CaseStatus.PENDING_APPROVAL, CaseStatus.INVESTIGATING),
    )
    assert (status.actor, status.at) == ("rita", later(9))


def test_a_stream_must_start_with_case_opened_and_have_no_gaps() -> None:
    events = every_kind_of_event()
    with pytest.raises(FailedPrecondition):
        replay(events[1:])
    with pytest.raises(FailedPrecondition):
        replay([events[0], events[2]])
    with pytest.raises(FailedPrecondition):
        replay([])
    other = replace(events[1], case_id="case-2")
    with pytest.raises(FailedPrecondition):
        evolve(replay(events[:1]), other)
    assert isinstance(events[0], CaseOpened)
    with pytest.raises(FailedPrecondition):
        evolve(replay(events[:1]), replace(events[0], seq=2))


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "CaseDeleted"},
        {
            "type": "CommentAdded",
            "case_id": "c",
            "seq": "one",
            "at": T0.isoformat(),
            "actor": "a",
            "comment_id": "x",
            "text": "t",
        },
        {
            "type": "CommentAdded",
            "case_id": "c",
            "seq": 1,
            "at": "2025-01-01T00:00:00",
            "actor": "a",
            "comment_id": "x",
            "text": "t",
        },
        {"type": "CommentAdded", "case_id": "c", "seq": 1, "at": T0.isoformat(), "actor": "a"},
        {
            "type": "StatusChanged",
            "case_id": "c",
            "seq": 1,
            "at": T0.isoformat(),
            "actor": "a",
            "old_status": "x",
            "new_status": "open",
        },
    ],
)
def test_a_corrupt_record_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises((InvalidArgument, ValueError)):
        event_from_dict(bad)


def test_release_is_recorded_as_assignee_and_status_changes() -> None:
    case = investigating()
    assert [type(e).__name__ for e in release(case, ANA, "leave", later(3))] == [
        "AssigneeChanged",
        "StatusChanged",
    ]
